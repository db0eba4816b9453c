// LayerOptions over a JSON object: how a model file's architecture is read. Errors are
// cnn::Error(kModel) naming the layer and key ("architecture: layer 3.kernel: ...").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "layers/layer_options.hpp"

namespace cnn {

class JsonLayerOptions : public LayerOptions {
 public:
  // `options` is the layer's object without its "kind"; `where` names it ("layer 3").
  JsonLayerOptions(const nlohmann::json& options, std::string where) : options_(options), where_(std::move(where)) {}

  void allow_only(std::initializer_list<const char*> keys) const override;
  bool has(const char* key) const override;
  int integer(const char* key, int lo, int hi) const override;
  std::pair<int, int> int_pair(const char* key, int lo, int hi) const override;
  double number(const char* key, double lo, double hi) const override;
  std::string word(const char* key) const override;
  bool boolean(const char* key) const override;
  bool is_word(const char* key) const override;
  [[noreturn]] void fail(const char* key, const std::string& what) const override;

 private:
  const nlohmann::json& at(const char* key) const;  // fails when missing
  int checked(const nlohmann::json& value, const char* key, int lo, int hi) const;
  const nlohmann::json& options_;
  std::string where_;
};

}  // namespace cnn
