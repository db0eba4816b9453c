#include "random_model.hpp"

#include "core/rng.hpp"
#include "io/model_file.hpp"
#include "net/builder.hpp"
#include "net/initializer.hpp"

namespace cnn::test {

std::string random_model_bytes(const ModelSpec& spec, std::uint64_t seed) {
  auto net = build_net(spec);
  Rng rng(seed);
  initialize(net->params(), Init::kHeNormal, rng);
  for (const Param& s : net->state())
    for (std::size_t i = 0; i < s.value->size(); ++i) (*s.value)[i] = 0.5f + rng.uniform();
  const nlohmann::json header = {{"format", "cnn-model"}, {"architecture", to_json(spec)}, {"config", ""}};
  std::vector<std::pair<std::string, const Tensor*>> tensors;
  for (const Param& p : net->params()) tensors.emplace_back(p.name, p.value);
  for (const Param& s : net->state()) tensors.emplace_back(s.name, s.value);
  return encode_model_file(header, tensors);
}

LoadedModel random_model(const ModelSpec& spec, std::uint64_t seed) {
  return load_model_from_bytes(random_model_bytes(spec, seed), "test.bin");
}

}  // namespace cnn::test
