// Distributed-run helpers; see distributed_state.hpp.
#include "train/distributed_state.hpp"

#include <cstring>
#include <type_traits>

#include "core/error.hpp"

namespace cnn {

void broadcast_training_state(Communicator& comm, Net& net, Optimizer& optimizer, TrainingProgress& progress) {
  for (const Param& p : net.params()) comm.broadcast(p.value->data(), p.value->size() * sizeof(float));
  for (const Param& s : net.state()) comm.broadcast(s.value->data(), s.value->size() * sizeof(float));
  for (auto& [name, tensor] : optimizer.state()) comm.broadcast(tensor->data(), tensor->size() * sizeof(float));
  std::int64_t steps = optimizer.steps();
  comm.broadcast(&steps, sizeof steps);
  optimizer.set_steps(steps);
  static_assert(std::is_trivially_copyable_v<TrainingProgress>, "progress goes over the wire as bytes");
  comm.broadcast(&progress, sizeof progress);
}

void pack_gradients(const Net& net, std::vector<float>& buffer) {
  std::size_t total = 0;
  for (const Param& p : net.params()) total += p.grad->size();
  buffer.resize(total);
  float* out = buffer.data();
  for (const Param& p : net.params()) out = std::copy(p.grad->data(), p.grad->data() + p.grad->size(), out);
}

void unpack_gradients(const std::vector<float>& buffer, Net& net) {
  const float* in = buffer.data();
  for (const Param& p : net.params()) {
    std::copy(in, in + p.grad->size(), p.grad->data());
    in += p.grad->size();
  }
}

std::uint64_t parameter_checksum(const Net& net) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  auto add = [&hash](const Tensor& t) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(t.data());
    for (std::size_t i = 0; i < t.size() * sizeof(float); ++i) hash = (hash ^ bytes[i]) * 0x100000001b3ULL;
  };
  for (const Param& p : net.params()) add(*p.value);
  for (const Param& s : net.state()) add(*s.value);
  return hash;
}

void check_ranks_agree(Communicator& comm, const Net& net, int epoch) {
  const std::vector<std::uint64_t> sums = comm.gather(parameter_checksum(net));
  for (std::size_t r = 1; r < sums.size(); ++r)
    CNN_CHECK(sums[r] == sums[0],
              "the ranks diverged: after epoch {} the parameters of rank {} (checksum {:016x}) differ from rank 0's "
              "({:016x}); every rank must apply the same updates (same cnn build and CPU type on every machine?)",
              epoch, r, sums[r], sums[0]);
}

void check_last_batch_fits_ranks(int ranks, int train_images, int batch_size) {
  const int last = train_images % batch_size == 0 ? batch_size : train_images % batch_size;
  CNN_CHECK_CODE(last >= ranks, ExitCode::kUsage,
                 "the last batch of each epoch holds {} images ({} training images, batch size {}), fewer than the {} "
                 "ranks: every rank needs an image of every batch; change batch_size or data.validation, or use fewer "
                 "ranks",
                 last, train_images, batch_size, ranks);
}

}  // namespace cnn
