// `cnn summary CONFIG_OR_MODEL`: the table of layers (name, configuration, output shape,
// parameters, multiply-accumulates per image) and the network's totals, as text or JSON, for a
// config file (nothing trained) or a model file (with what it knows of its data).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace cnn {

struct SummaryOptions {
  std::string path;  // a config (YAML) or a model file (recognised by its magic bytes)
  std::string format = "text";
};

CLI::App* add_summary_command(CLI::App& parent, SummaryOptions& options);
int run_summary(const SummaryOptions& options);

}  // namespace cnn
