// The folder of the running executable, for the files built beside it: the cnn-onnx executable
// (cli/onnx_helper.hpp) and the MPI plugin (dist/mpi_loader.cpp).
#pragma once

#include <string>

namespace cnn {

// "/path/to/build/" (with the final slash), read from /proc/self/exe; "" where that cannot be read.
std::string executable_folder();

}  // namespace cnn
