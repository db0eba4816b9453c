// The exit codes of the cnn command, one table for the whole program (documented in README.md).
#pragma once

namespace cnn {

enum class ExitCode : int {
  kOk = 0,
  kInternal = 1,      // a bug: an invariant of cnn itself did not hold
  kUsage = 2,         // bad command line or config file
  kData = 3,          // bad or missing dataset (IDX, CIFAR-10, image folder, class names)
  kModel = 4,         // bad or missing model file / checkpoint
  kIo = 5,            // a file or folder could not be read or written (images, output folder)
  kDiverged = 6,      // training produced a NaN or infinite loss or weight
  kInterrupted = 130  // SIGINT/SIGTERM: stopped after writing a clean checkpoint
};

inline int to_int(ExitCode code) { return static_cast<int>(code); }

}  // namespace cnn
