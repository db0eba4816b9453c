// The interface between cnn and its MPI plugin, libcnn_mpi.so (dist/mpi_communicator.cpp), which
// cnn loads with dlopen only when mpirun started it (dist/mpi_loader.cpp).
//
// Why a plugin: linking Open MPI into cnn loaded six more libraries into every process, MPI or
// not: 3 ms of a 10 ms start-up and 3 MiB of resident memory for `cnn predict`.
//
// C linkage, so that dlsym finds the names; no exception crosses it (errors come back as text).
// The Communicator it returns is built and destroyed by the plugin's code (virtual destructor),
// and the plugin stays loaded until the process ends.
#pragma once

#include <cstddef>

#include "core/communicator.hpp"

namespace cnn {

// Calls MPI_Init_thread and returns the communicator over MPI_COMM_WORLD, or nullptr with the
// reason in error (NUL-terminated, at most error_size bytes). reduction: 0 ordered, 1 native.
using MpiCreateFunction = Communicator* (*)(int* argc, char*** argv, int reduction, char* error, std::size_t error_size);
constexpr const char* kMpiCreateSymbol = "cnn_mpi_create";

// The MPI library's own version line ("Open MPI v4.1.4"), NUL-terminated in text.
using MpiLibraryVersionFunction = void (*)(char* text, std::size_t size);
constexpr const char* kMpiLibraryVersionSymbol = "cnn_mpi_library_version";

}  // namespace cnn
