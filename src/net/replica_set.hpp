// ReplicaSet: data parallelism over the batch, the way cnn uses two cores.
//
// LeNet-sized matrix products are too small for a multithreaded sgemm to pay off, so instead
// each thread runs the whole network on a contiguous slice of the batch with single-threaded
// BLAS. Member 0 computes on the master network; every other member on a replica built from the
// same spec, whose weights are copied from the master after each update. Gradients are summed
// into the master in member order, so a given thread count always gives the same numbers.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "core/worker_team.hpp"
#include "net/model_spec.hpp"
#include "net/net.hpp"

namespace cnn {

class ReplicaSet {
 public:
  // threads >= 1; sets OpenBLAS to one thread (the team is the parallelism).
  ReplicaSet(Net& master, const ModelSpec& spec, int threads);

  int size() const { return team_.size(); }
  Net& net(int member) { return member == 0 ? master_ : *replicas_[static_cast<std::size_t>(member - 1)]; }
  // Runs task(member, net) on every member at once and waits.
  void run(const std::function<void(int member, Net& net)>& task);
  // Copies the master's weights and layer state into every replica (after the optimizer has
  // changed them).
  void sync_weights() { sync_weights(0, 1); }
  // Adds every replica's gradients into the master's, in member order.
  void reduce_gradients() { reduce_gradients(0, 1); }
  // The same for one share of every parameter's elements, so that members can split the work.
  void sync_weights(int part, int parts);
  void reduce_gradients(int part, int parts);

 private:
  Net& master_;
  std::vector<std::unique_ptr<Net>> replicas_;
  WorkerTeam team_;
};

}  // namespace cnn
