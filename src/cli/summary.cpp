// `cnn summary` command line and entry point.
#include "cli/summary.hpp"

#include <fmt/format.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "config/config.hpp"
#include "core/error.hpp"
#include "net/builder.hpp"
#include "net/net_summary.hpp"
#include "runtime/model_data_info.hpp"
#include "runtime/model_loader.hpp"

namespace cnn {

CLI::App* add_summary_command(CLI::App& parent, SummaryOptions& o) {
  CLI::App* cmd = parent.add_subcommand("summary", "Show a network's layers, parameters and multiply-accumulates");
  cmd->add_option("path", o.path, "A config file or a model file")->required();
  cmd->add_option("--format", o.format, "Output format")->check(CLI::IsMember({"text", "json"}));
  return cmd;
}

namespace {

// A model file starts with its magic; anything else is read as a config, whose reader names what
// is wrong with it.
bool is_model_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  CNN_CHECK_CODE(in.good(), ExitCode::kIo, "{}: cannot open the file", path);
  char magic[sizeof kModelMagic] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == sizeof magic && std::memcmp(magic, kModelMagic, sizeof magic) == 0;
}

struct Summarised {
  bool is_model = false;
  NetSummary net;
  ModelDataInfo data;
  std::uint64_t weights_bytes = 0;             // 4 bytes per parameter and state value
  std::optional<std::uint64_t> file_bytes;     // the model file's size (model files only)
};

Summarised summarise(const std::string& path) {
  Summarised s;
  s.is_model = is_model_file(path);
  if (s.is_model) {
    LoadedModel model = load_model(path);
    s.net = summarize(*model.net);
    s.data = model_data_info(model.spec, model.data);
    s.file_bytes = std::filesystem::file_size(path);
  } else {
    const RunConfig config = load_config(path);
    auto net = build_net(config.model);
    s.net = summarize(*net);
    // What training on the config's data would record: IDX digits are prepared as MNIST digits,
    // CIFAR-10 batches and image folders by resizing (train/data_source.cpp).
    DataDescription data = legacy_data_description(static_cast<int>(net->output_shape().numel()), config.model.input[0]);
    data.format = config.data.format;
    if (config.data.format != DataFormat::kIdx) data.preparation = Preparation::kResize;
    s.data = model_data_info(config.model, data);
  }
  s.weights_bytes = sizeof(float) * s.net.parameters();
  return s;
}

std::string with_commas(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string bytes_text(std::uint64_t bytes) {
  if (bytes < 10 * 1024) return fmt::format("{} bytes", with_commas(bytes));
  if (bytes < 10 * 1024 * 1024) return fmt::format("{:.1f} KiB ({} bytes)", bytes / 1024.0, with_commas(bytes));
  return fmt::format("{:.1f} MiB ({} bytes)", bytes / (1024.0 * 1024.0), with_commas(bytes));
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// The layer table; a graph's table has an inputs column (a chain's would only repeat the row above).
void print_text(const std::string& path, const Summarised& s) {
  std::size_t name_width = 12, config_width = 6, inputs_width = 6;
  for (const LayerSummary& l : s.net.layers) {
    name_width = std::max(name_width, l.name.size());
    config_width = std::max(config_width, l.config.size());
    inputs_width = std::max(inputs_width, joined(l.inputs).size());
  }
  const auto row = [&](const std::string& name, const std::string& inputs, const std::string& config,
                       const std::string& shape, const std::string& params, const std::string& macs) {
    const std::string inputs_cell = s.net.chain ? "" : fmt::format("{:<{}}  ", inputs, inputs_width);
    fmt::print("{:<{}}  {}{:<{}}  {:<14} {:>12} {:>12}\n", name, name_width, inputs_cell, config, config_width, shape,
               params, macs);
  };
  fmt::print("{} ({})\n\n", path, s.is_model ? "model file" : "config, not trained");
  row("layer", "inputs", "config", "output", "parameters", "MACs");
  row("input", "", "", s.net.input.str(), "", "");
  for (const LayerSummary& l : s.net.layers)
    row(l.name, joined(l.inputs), l.config, l.output.str(), with_commas(l.trainable + l.non_trainable), with_commas(l.macs));
  fmt::print("\n");
  fmt::print("parameters:            {} ({} trainable, {} non-trainable)\n", with_commas(s.net.parameters()),
             with_commas(s.net.trainable), with_commas(s.net.non_trainable));
  fmt::print("MACs per image:        {}\n", with_commas(s.net.macs));
  fmt::print("activations per image: {}\n", bytes_text(s.net.activation_bytes));
  fmt::print("weights:               {}\n", bytes_text(s.weights_bytes));
  if (s.file_bytes) fmt::print("model file:            {}\n", bytes_text(*s.file_bytes));
  std::string classes;
  for (const std::string& name : s.data.class_names) classes += (classes.empty() ? "" : " ") + name;
  fmt::print("classes:               {} ({})\n", s.data.class_names.size(), classes);
  fmt::print("input:                 {}\n", s.data.input);
  fmt::print("preparation:           {}: {}\n", s.data.preparation, s.data.preparation_detail);
}

nlohmann::json to_json(const std::string& path, const Summarised& s) {
  nlohmann::json layers = nlohmann::json::array();
  for (const LayerSummary& l : s.net.layers)
    layers.push_back({{"name", l.name},
                      {"kind", l.kind},
                      {"inputs", l.inputs},
                      {"config", l.config},
                      {"output", l.output.dims()},
                      {"parameters", l.trainable + l.non_trainable},
                      {"trainable_parameters", l.trainable},
                      {"macs", l.macs}});
  return {{"source", path},
          {"source_kind", s.is_model ? "model" : "config"},
          {"input", s.net.input.dims()},
          {"layers", layers},
          {"parameters", s.net.parameters()},
          {"trainable_parameters", s.net.trainable},
          {"non_trainable_parameters", s.net.non_trainable},
          {"macs", s.net.macs},
          {"activation_bytes", s.net.activation_bytes},
          {"weights_bytes", s.weights_bytes},
          {"model_file_bytes", s.file_bytes ? nlohmann::json(*s.file_bytes) : nlohmann::json()},
          {"classes", s.data.class_names},
          {"input_description", s.data.input},
          {"preparation", s.data.preparation},
          {"preparation_detail", s.data.preparation_detail}};
}

}  // namespace

int run_summary(const SummaryOptions& o) {
  const Summarised s = summarise(o.path);
  if (o.format == "json")
    fmt::print("{}\n", to_json(o.path, s).dump(2));
  else
    print_text(o.path, s);
  return 0;
}

}  // namespace cnn
