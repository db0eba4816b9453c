// Data of any shape and class count: batches of multi-channel images, the channel check, and a
// three-class data set trained and evaluated end to end (class count from the data, confusion
// matrix sized at run time).
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "e2e_workspace.hpp"
#include "expect_error.hpp"
#include "idx_writer.hpp"
#include "runtime/network_input.hpp"

using namespace cnn;
using namespace cnn::test;

TEST_CASE("batches of three-channel images keep channels apart and pad only the border", "[data]") {
  ImageSet set;
  set.count = 2;
  set.channels = 3;
  set.height = 2;
  set.width = 3;
  for (int i = 0; i < 2 * 3 * 2 * 3; ++i) set.pixels.push_back(static_cast<std::uint8_t>(i * 7));
  const std::vector<Label> labels = {4, 1};
  const std::uint32_t order[] = {1, 0};
  Tensor x;
  std::vector<Label> got;
  fill_batch(set, labels, order, 2, Shape{3, 2, 3}, x, &got);
  REQUIRE(x.shape() == Shape{2, 3, 2, 3});
  CHECK(got == std::vector<Label>{1, 4});
  for (int s = 0; s < 2; ++s)
    for (int c = 0; c < 3; ++c)
      for (int i = 0; i < 6; ++i) {
        const int source = static_cast<int>(order[s]) * 18 + c * 6 + i;
        CHECK(x[static_cast<std::size_t>(s * 18 + c * 6 + i)] == static_cast<float>(source * 7) * (1.0f / 255.0f));
      }
  // Into a 6x7 input: each channel centred with a 2-pixel zero border.
  fill_batch(set, labels, order, 1, Shape{3, 6, 7}, x, nullptr);
  REQUIRE(x.shape() == Shape{1, 3, 6, 7});
  CHECK(x[0] == 0.0f);
  CHECK(x[static_cast<std::size_t>(2 * 6 * 7 + 2 * 7 + 2)] == static_cast<float>((18 + 12) * 7) * (1.0f / 255.0f));

  expect_error([&] { check_images_fit(set, Shape{1, 2, 3}); }, ExitCode::kUsage, "the model input has 1 channels but the images have 3");
  check_images_fit(set, Shape{3, 2, 3});
}

TEST_CASE("the class count comes from the data and must match the network", "[data][e2e]") {
  E2eWorkspace w("classes", std::nullopt);
  const ScratchDir& dir = w.dir;
  const std::string& data = w.data;
  std::filesystem::create_directories(data);
  // The synthetic digits, keeping only classes 0-2.
  for (const auto& [split, count, seed] : {std::tuple{"train", 600, 1001}, std::tuple{"t10k", 90, 2002}}) {
    const SyntheticSet all = make_synthetic(count * 4, static_cast<std::uint64_t>(seed));
    std::vector<std::uint8_t> pixels, labels;
    for (std::size_t i = 0; i < all.labels.size() && static_cast<int>(labels.size()) < count; ++i)
      if (all.labels[i] < 3) {
        labels.push_back(all.labels[i]);
        pixels.insert(pixels.end(), all.pixels.begin() + static_cast<long>(i) * 784, all.pixels.begin() + static_cast<long>(i + 1) * 784);
      }
    write_bytes(data + "/" + split + "-images-idx3-ubyte", idx_images_bytes(pixels, static_cast<int>(labels.size()), 28, 28));
    write_bytes(data + "/" + split + "-labels-idx1-ubyte", idx_labels_bytes(labels));
  }
  // A net of `units` outputs.
  auto config = [&](int units) {
    TinyConfig c = w.tiny_config().with_validation(60).with_epochs(2).with_batch_size(16).with_seed(5);
    c.with_layers({"conv: {filters: 2, kernel: 5, activation: relu}", "pool: {size: 2}", "flatten",
                   "dense: {units: " + std::to_string(units) + "}", "softmax"});
    return c.with_optimizer("{type: adam, lr: 0.01}");
  };
  const auto wrong = w.run_train(config(10), 1, "a");
  INFO(wrong.err);
  CHECK(wrong.exit_code == 2);
  CHECK(wrong.err.find("the network outputs (10) per image, but the data has 3 classes") != std::string::npos);

  const auto ok = w.run_train(config(3), 1, "b");
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  const auto eval = w.eval(dir.file("b/model.bin"), "--format json");
  INFO(eval.err);
  REQUIRE(eval.exit_code == 0);
  const auto j = nlohmann::json::parse(eval.out);
  CHECK(j["confusion"].size() == 3);
  CHECK(j["confusion"][0].size() == 3);
  CHECK(j["per_class"].size() == 3);
  CHECK(j["count"] == 90);
  CHECK(j["accuracy"].get<double>() > 0.8);
  // A label the 3-class model has no output for is refused, naming it.
  std::vector<std::uint8_t> labels(90, 1);
  labels[5] = 7;
  write_bytes(dir.file("labels-7"), idx_labels_bytes(labels));
  const auto seven = w.cnn("eval --weights " + dir.file("b/model.bin") + " --images " + data + "/t10k-images-idx3-ubyte --labels " +
                           dir.file("labels-7"));
  INFO(seven.err);
  CHECK(seven.exit_code == 3);
  CHECK(seven.err.find("label 7 at index 5 is not one of the network's 3 classes") != std::string::npos);
}
