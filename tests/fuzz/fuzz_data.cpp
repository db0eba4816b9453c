// libFuzzer target: the readers of data descriptions on arbitrary bytes. The first byte picks one:
//   0: CIFAR-10 records (io/cifar10.hpp decode_cifar10_records: lengths, labels)
//   1: a class-name file (io/class_names.hpp parse_class_names)
//   2: a model header's "data" object (io/data_description.hpp data_description_from_json)
// Any cnn::Error is an accepted outcome; a crash, leak, hang or sanitizer report is a bug.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.hpp"
#include "io/cifar10.hpp"
#include "io/class_names.hpp"
#include "io/data_description.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t* body = data + 1;
  const std::size_t n = size - 1;
  try {
    switch (data[0] % 3) {
      case 0: {
        cnn::Dataset d;
        cnn::decode_cifar10_records(body, n, "fuzz", d);
        break;
      }
      case 1:
        cnn::parse_class_names(std::string(reinterpret_cast<const char*>(body), n), "fuzz");
        break;
      default: {
        // The model reader limits the header's nesting before parsing (io/model_file.cpp); the
        // fuzzer's inputs are short, so plain parsing is safe here.
        const nlohmann::json j = nlohmann::json::parse(body, body + n, nullptr, false);
        if (!j.is_discarded()) cnn::data_description_from_json(j, "fuzz");
        break;
      }
    }
  } catch (const cnn::Error&) {
  }
  return 0;
}
