// make_communicator of a build with MPI: SingleProcess unless mpirun started this process, then
// the MpiCommunicator of the plugin libcnn_mpi.so, loaded from the folder of the cnn executable
// (dist/mpi_plugin_abi.hpp says why it is a plugin).
#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "core/executable_folder.hpp"
#include "dist/make_communicator.hpp"
#include "dist/mpi_plugin_abi.hpp"

namespace cnn {
namespace {

constexpr const char* kPluginFile = "libcnn_mpi.so";

// The plugin sits beside the executable (the build folder, or wherever both were copied), or
// where `cmake --install` puts it: PREFIX/lib/cnn/ for PREFIX/bin/cnn.
std::string plugin_path() {
  const std::string folder = executable_folder();
  if (folder.empty()) return kPluginFile;  // no /proc: the loader's search path
  const std::string beside = folder + kPluginFile;
  if (access(beside.c_str(), F_OK) == 0) return beside;
  const std::string installed = folder + "../lib/cnn/" + kPluginFile;
  return access(installed.c_str(), F_OK) == 0 ? installed : beside;
}

// The plugin's entry point `name`, loading it once; fails with the loader's reason.
void* plugin_symbol(const char* name) {
  static void* handle = nullptr;
  const std::string path = plugin_path();
  // RTLD_GLOBAL: Open MPI loads its own components (mca_*.so) with dlopen, and they find libmpi's
  // symbols only in the global scope; loaded locally, some fail and a rank's Ctrl-C went unhandled.
  if (handle == nullptr) handle = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    CNN_FAIL(ExitCode::kUsage, "cannot load cnn's MPI plugin {}: {} (it is built beside cnn; copy both together)", path,
             why != nullptr ? why : "unknown error");
  }
  void* symbol = dlsym(handle, name);
  CNN_CHECK(symbol != nullptr, "cnn's MPI plugin {} has no {}: it belongs to another build of cnn", path, name);
  return symbol;
}

}  // namespace

std::unique_ptr<Communicator> make_communicator(int* argc, char*** argv, Reduction reduction) {
  // Not started by a launcher: no MPI at all (a singleton MPI process would start Open MPI's
  // runtime for nothing and print its warnings when no launcher is installed).
  if (launched_world_size() <= 1 && std::getenv("OMPI_COMM_WORLD_RANK") == nullptr) return std::make_unique<SingleProcess>();
  // A rank waiting in a collective busy-polls by default. Its threads already fill the cores, so
  // the poller steals time from the rank that still computes (measured on 2 loaded cores: an epoch
  // of 10,000 images in 19.5 s instead of 8.1 s). Yield instead, unless the user chose otherwise
  // (--mca mpi_yield_when_idle 0 on mpirun sets this variable for the ranks).
  setenv("OMPI_MCA_mpi_yield_when_idle", "1", 0);
  const auto create = reinterpret_cast<MpiCreateFunction>(plugin_symbol(kMpiCreateSymbol));
  char error[1024] = {};
  Communicator* comm = create(argc, argv, reduction == Reduction::kNative ? 1 : 0, error, sizeof(error));
  CNN_CHECK(comm != nullptr, "{}", error);
  return std::unique_ptr<Communicator>(comm);
}

std::string mpi_support() { return "MPI: built in, loaded under mpirun (run with mpirun -np N cnn train ...)"; }

std::string mpi_library_version() {
  try {
    const auto version = reinterpret_cast<MpiLibraryVersionFunction>(plugin_symbol(kMpiLibraryVersionSymbol));
    char text[256] = {};
    version(text, sizeof(text));
    return text;
  } catch (const Error& e) {
    return std::string("unavailable: ") + e.what();
  }
}

}  // namespace cnn
