// Model files of any architecture with random weights, for the export tests: He-initialised
// parameters and state tensors (batch norms' statistics) drawn from [0.5, 1.5), so that folding
// and quantizing them is not a no-op.
#pragma once

#include <string>

#include "net/model_spec.hpp"
#include "runtime/model_loader.hpp"

namespace cnn::test {

std::string random_model_bytes(const ModelSpec& spec, std::uint64_t seed = 11);
LoadedModel random_model(const ModelSpec& spec, std::uint64_t seed = 11);

}  // namespace cnn::test
