// BatchReducer: how a layer whose forward or backward needs sums over the WHOLE batch (batch
// norm's per-channel statistics) combines the partial sums of every replica that holds a slice of
// that batch. It is a collective: every participant calls sum() with a buffer of the same length,
// the same number of times, in the same order (the layers are the same and run in the same order
// on every replica); each call returns, in every participant's buffer, the total over all of them.
//
//   sum(data, count)   data[i] <- Σ over participants p of data_p[i], for i < count, in double
//
// The totals are added in a fixed order (participant 0, then 1, ...) so that a run's numbers do
// not depend on thread scheduling; every participant receives the very same bits.
//
// A network without a reducer (one replica, a gradient check, inference) uses its local sums as
// they are: that is the same as a reducer with one participant.
//
// Implementations: ThreadBatchReducers (core/thread_batch_reducer.hpp) joins the replicas of one
// process at a barrier. A cross-process stage (the sum over MPI ranks, docs/distributed.md) plugs
// in there as its `outer` reducer: member 0 calls it on the process's total between the two
// barriers, so the layers stay unchanged.
#pragma once

#include <cstddef>

namespace cnn {

class BatchReducer {
 public:
  virtual ~BatchReducer() = default;
  // In place: replaces data[0, count) by the sum over every participant's data[0, count).
  virtual void sum(double* data, std::size_t count) = 0;
};

}  // namespace cnn
