// ReplicaSet: data parallelism over the batch, the way cnn uses two cores.
//
// LeNet-sized matrix products are too small for a multithreaded sgemm to pay off, so instead
// each thread runs the whole network on a contiguous slice of the batch with single-threaded
// BLAS. Member 0 computes on the master network; every other member on a replica built from the
// same spec, whose weights are copied from the master after each update. Gradients are summed
// into the master in member order, so a given thread count always gives the same numbers.
//
// Layers that need sums over the whole batch in the middle of forward or backward (batch norm)
// get one endpoint each of a ThreadBatchReducers (core/thread_batch_reducer.hpp): the members meet
// at a barrier there and add their partial sums in member order. A batch with fewer images than
// members leaves the last members idle: set_active_members says how many take part.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "core/thread_batch_reducer.hpp"
#include "core/worker_team.hpp"
#include "net/model_spec.hpp"
#include "net/net.hpp"

namespace cnn {

class ReplicaSet {
 public:
  // threads >= 1; sets OpenBLAS to one thread (the team is the parallelism). `across_processes`
  // (may be null) combines the whole-batch sums with other processes (MPI ranks: docs/distributed.md).
  ReplicaSet(Net& master, const ModelSpec& spec, int threads, BatchReducer* across_processes = nullptr);
  ~ReplicaSet();

  int size() const { return team_.size(); }
  Net& net(int member) { return member == 0 ? master_ : *replicas_[static_cast<std::size_t>(member - 1)]; }
  // Runs task(member, net) on every member at once and waits. A member that throws releases the
  // others from the batch-statistics barrier (they fail too); the first error is rethrown.
  void run(const std::function<void(int member, Net& net)>& task);
  // Members 0 .. active-1 run the network in the coming run (the others have no images).
  void set_active_members(int active) { reducers_.set_active(active); }
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
  ThreadBatchReducers reducers_;
  WorkerTeam team_;
};

}  // namespace cnn
