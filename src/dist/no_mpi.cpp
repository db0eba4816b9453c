// make_communicator of a build without MPI (CNN_MPI off or libopenmpi-dev missing).
#include <fmt/format.h>

#include "core/error.hpp"
#include "dist/make_communicator.hpp"

namespace cnn {

std::unique_ptr<Communicator> make_communicator(int*, char***, Reduction) {
  const int launched = launched_world_size();
  CNN_CHECK_CODE(launched <= 1, ExitCode::kUsage,
                 "this cnn was built without MPI, but mpirun started {} processes of it: each would train alone and "
                 "write the same run folder. Rebuild with Open MPI (apt-get install libopenmpi-dev; cmake finds it, "
                 "option CNN_MPI) or run cnn without mpirun",
                 launched);
  return std::make_unique<SingleProcess>();
}

std::string mpi_support() { return "MPI: not built in (install libopenmpi-dev and rebuild for mpirun)"; }

std::string mpi_library_version() { return ""; }

}  // namespace cnn
