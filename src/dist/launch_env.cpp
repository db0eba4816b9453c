// launched_world_size, launched_world_rank: what the launcher's environment says, with or without
// MPI built in.
#include <algorithm>
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

int launched_world_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return std::max(0, std::atoi(value));
  }
  return 0;
}

}  // namespace cnn
