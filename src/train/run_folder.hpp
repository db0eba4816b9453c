// The run folder: where one training run keeps its files, and the rule that keeps runs apart.
//
//   <run>/model.bin     the latest checkpoint (everything needed to resume)
//   <run>/best.bin      the weights with the best validation accuracy
//   <run>/metrics.csv   one line per epoch
//   <run>/steps.csv     about 50 lines per epoch: the per-step curves (cli/step_log.hpp)
//
// A folder "holds a run" when any of these files is in it. A new run never writes into such a
// folder: it takes the first free numbered sibling (runs/lenet5-2, runs/lenet5-3, ...), unless
// the user asked to overwrite, in which case the old run's files are removed first so nothing of
// it is mistaken for the new run's. Only --resume continues in a folder that holds a run.
#pragma once

#include <string>

namespace cnn {

std::string checkpoint_path(const std::string& run_dir);  // run_dir/model.bin
std::string best_path(const std::string& run_dir);        // run_dir/best.bin
std::string metrics_path(const std::string& run_dir);     // run_dir/metrics.csv
std::string steps_path(const std::string& run_dir);       // run_dir/steps.csv

bool holds_run(const std::string& dir);

// The folder a new run writes into, created and proven writable (kIo error otherwise): `wanted`
// when it holds no run; with `overwrite`, `wanted` emptied of the old run's files; else the first
// numbered sibling that this call creates itself (so two runs started at once never share one).
std::string claim_run_folder(const std::string& wanted, bool overwrite);

}  // namespace cnn
