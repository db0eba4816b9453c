// The MPI plugin, libcnn_mpi.so (dist/mpi_plugin_abi.hpp): MpiCommunicator over MPI_COMM_WORLD.
// The only file that includes <mpi.h>; cnn loads it only under mpirun (dist/mpi_loader.cpp).
//
// Errors: MPI_COMM_WORLD keeps Open MPI's default MPI_ERRORS_ARE_FATAL, and mpirun ends the whole
// job when one process dies, so a killed rank never leaves the others waiting in a collective.
#include <mpi.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "core/error.hpp"
#include "dist/make_communicator.hpp"
#include "dist/mpi_plugin_abi.hpp"

namespace cnn {
namespace {

// MPI counts are int: larger buffers go in pieces.
constexpr std::size_t kMaxPiece = 1u << 30;

template <typename T>
MPI_Datatype mpi_type();
template <>
MPI_Datatype mpi_type<float>() { return MPI_FLOAT; }
template <>
MPI_Datatype mpi_type<double>() { return MPI_DOUBLE; }

class MpiCommunicator : public Communicator {
 public:
  MpiCommunicator(int* argc, char*** argv, Reduction reduction) : reduction_(reduction) {
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    CNN_CHECK(provided >= MPI_THREAD_FUNNELED, "the MPI library does not support threads (MPI_THREAD_FUNNELED)");
    const char* local = std::getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    local_size_ = local != nullptr && std::atoi(local) > 0 ? std::atoi(local) : 1;
  }
  ~MpiCommunicator() override { MPI_Finalize(); }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  int local_size() const override { return local_size_; }
  void sum(float* data, std::size_t count) override { sum_in_order(data, count); }
  void sum(double* data, std::size_t count) override { sum_in_order(data, count); }

  void sum(float* floats, std::size_t float_count, double* doubles, std::size_t double_count) override {
    if (size_ == 1) return;
    if (reduction_ == Reduction::kNative) {
      sum_in_order(floats, float_count);
      sum_in_order(doubles, double_count);
      return;
    }
    // One allgather of both, as bytes: [doubles][floats] per rank (doubles first: aligned).
    const std::size_t bytes = double_count * sizeof(double) + float_count * sizeof(float);
    CNN_CHECK(bytes <= kMaxPiece, "a collective sum of {} bytes is larger than one MPI call takes", bytes);
    mine_.resize(bytes);
    std::memcpy(mine_.data(), doubles, double_count * sizeof(double));
    std::memcpy(mine_.data() + double_count * sizeof(double), floats, float_count * sizeof(float));
    all_bytes_.resize(bytes * static_cast<std::size_t>(size_));
    MPI_Allgather(mine_.data(), static_cast<int>(bytes), MPI_BYTE, all_bytes_.data(), static_cast<int>(bytes), MPI_BYTE,
                  MPI_COMM_WORLD);
    add_in_rank_order(doubles, double_count, 0, bytes);
    add_in_rank_order(floats, float_count, double_count * sizeof(double), bytes);
  }

  void broadcast(void* data, std::size_t bytes) override {
    char* p = static_cast<char*>(data);
    for (std::size_t done = 0; done < bytes; done += kMaxPiece)
      MPI_Bcast(p + done, static_cast<int>(std::min(kMaxPiece, bytes - done)), MPI_BYTE, 0, MPI_COMM_WORLD);
  }

  std::vector<std::uint64_t> gather(std::uint64_t value) override {
    std::vector<std::uint64_t> all(static_cast<std::size_t>(size_));
    MPI_Allgather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD);
    return all;
  }

  [[noreturn]] void abort(int exit_code) override {
    MPI_Abort(MPI_COMM_WORLD, exit_code);
    std::_Exit(exit_code);  // MPI_Abort does not return; this only satisfies [[noreturn]]
  }

  std::string describe() const override { return fmt::format("rank {} of {} (MPI)", rank_, size_); }

 private:
  template <typename T>
  void sum_in_order(T* data, std::size_t count) {
    if (size_ == 1 || count == 0) return;
    CNN_CHECK(count <= kMaxPiece, "a collective sum of {} values is larger than one MPI call takes", count);
    if (reduction_ == Reduction::kNative) {
      MPI_Allreduce(MPI_IN_PLACE, data, static_cast<int>(count), mpi_type<T>(), MPI_SUM, MPI_COMM_WORLD);
      return;
    }
    std::vector<T>& all = gathered<T>();
    all.resize(count * static_cast<std::size_t>(size_));
    MPI_Allgather(data, static_cast<int>(count), mpi_type<T>(), all.data(), static_cast<int>(count), mpi_type<T>(),
                  MPI_COMM_WORLD);
    // acc = d_0; acc += d_1; ...: the order one process uses for its replicas' gradients.
    std::copy(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(count), data);
    for (int r = 1; r < size_; ++r) {
      const T* part = all.data() + static_cast<std::size_t>(r) * count;
      for (std::size_t i = 0; i < count; ++i) data[i] += part[i];
    }
  }
  template <typename T>
  std::vector<T>& gathered();
  // data[i] <- Σ over ranks r, in rank order, of rank r's values at `offset` in its `stride` bytes
  // of all_bytes_ (memcpy: the gathered bytes carry no alignment guarantee for T).
  template <typename T>
  void add_in_rank_order(T* data, std::size_t count, std::size_t offset, std::size_t stride) {
    std::memcpy(data, all_bytes_.data() + offset, count * sizeof(T));
    std::vector<T>& part = gathered<T>();
    part.resize(count);
    for (int r = 1; r < size_; ++r) {
      std::memcpy(part.data(), all_bytes_.data() + static_cast<std::size_t>(r) * stride + offset, count * sizeof(T));
      for (std::size_t i = 0; i < count; ++i) data[i] += part[i];
    }
  }
  std::vector<unsigned char> mine_, all_bytes_;

  Reduction reduction_;
  int rank_ = 0, size_ = 1, local_size_ = 1;
  std::vector<float> gathered_float_;
  std::vector<double> gathered_double_;
};

template <>
std::vector<float>& MpiCommunicator::gathered<float>() { return gathered_float_; }
template <>
std::vector<double>& MpiCommunicator::gathered<double>() { return gathered_double_; }

}  // namespace

}  // namespace cnn

extern "C" {

// The plugin's two entry points (dist/mpi_plugin_abi.hpp): checked against the declared types.
cnn::Communicator* cnn_mpi_create(int* argc, char*** argv, int reduction, char* error, std::size_t error_size) {
  static_assert(std::is_same_v<decltype(&cnn_mpi_create), cnn::MpiCreateFunction>);
  try {
    return new cnn::MpiCommunicator(argc, argv, reduction == 1 ? cnn::Reduction::kNative : cnn::Reduction::kOrdered);
  } catch (const std::exception& e) {
    std::snprintf(error, error_size, "%s", e.what());
    return nullptr;
  }
}

void cnn_mpi_library_version(char* text, std::size_t size) {
  static_assert(std::is_same_v<decltype(&cnn_mpi_library_version), cnn::MpiLibraryVersionFunction>);
  char version[MPI_MAX_LIBRARY_VERSION_STRING];
  int length = 0;
  MPI_Get_library_version(version, &length);  // allowed before MPI_Init
  std::string line(version, static_cast<std::size_t>(length));
  if (const auto comma = line.find(','); comma != std::string::npos) line.resize(comma);  // "Open MPI v4.1.4"
  while (!line.empty() && (line.back() == '\n' || line.back() == '\0')) line.pop_back();
  std::snprintf(text, size, "%s", line.c_str());
}

}  // extern "C"
