// launched_world_size: what the launcher's environment says, with or without MPI built in.
#include <cstdlib>
#include <string>

#include "dist/make_communicator.hpp"

namespace cnn {

int launched_world_size() {
  // Open MPI sets OMPI_COMM_WORLD_SIZE; PMIx and PMI launchers (srun, MPICH's hydra) PMI_SIZE.
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') {
      const int size = std::atoi(value);
      if (size > 0) return size;
    }
  }
  return 1;
}

}  // namespace cnn
