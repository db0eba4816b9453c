// The communicator of this process (core/communicator.hpp): MPI when cnn was built with it
// (CMake option CNN_MPI) and started by mpirun, else SingleProcess. The MPI code is a plugin,
// libcnn_mpi.so beside the executable, loaded only then (dist/mpi_plugin_abi.hpp).
//
// A build without MPI started by mpirun with more than one process refuses to run: every process
// would train the whole network alone and write the same run folder (kUsage error, saying so).
#pragma once

#include <memory>
#include <string>

#include "core/communicator.hpp"

namespace cnn {

enum class Reduction {
  kOrdered,  // allgather + sum in rank order: bit-identical to one process of as many threads
  kNative,   // MPI_Allreduce: less traffic with many ranks; agrees within rounding
};

// Call once, from the main thread, before any other thread starts (MPI_Init_thread).
std::unique_ptr<Communicator> make_communicator(int* argc, char*** argv, Reduction reduction = Reduction::kOrdered);

// For `cnn --version`: "MPI: built in ..." or "MPI: not built in ...".
std::string mpi_support();
// For `cnn --version -v`: the MPI library's own version ("Open MPI v4.1.4"; loads the plugin), or
// "" without MPI.
std::string mpi_library_version();

// The number of processes mpirun says this job has (OMPI_COMM_WORLD_SIZE or PMI_SIZE; 1 when
// not started by mpirun).
int launched_world_size();
// This process's rank as the launcher's environment says (OMPI_COMM_WORLD_RANK, PMI_RANK or
// PMIX_RANK; 0 when not started by a launcher), known before the communicator exists.
int launched_world_rank();

}  // namespace cnn
