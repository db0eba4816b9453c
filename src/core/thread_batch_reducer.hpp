// ThreadBatchReducers: the BatchReducer (core/batch_reducer.hpp) of the replicas of one process,
// one endpoint per member of a worker team.
//
// A call to sum() on endpoint m:
//   1. copies its partial sums into its own slot                      (slot_m, count doubles)
//   2. waits at a barrier for every active member
//   3. member 0 adds the slots in member order 0, 1, ... into total_, then, when there is an
//      outer reducer (other processes), calls outer->sum(total_)
//   4. waits at a second barrier; every member copies total_ into its buffer
// total_ is written again only after the next call's first barrier, which every member passes only
// after it has copied; slots are written only after the second barrier, after member 0 has read
// them. So two barriers per call suffice.
//
// Active members: a batch smaller than the team leaves the last members without samples; they do
// not run the network, so the step declares how many members take part (set_active, before the
// team runs). Members with samples are always the first ones (core/worker_team.hpp, slice_of).
//
// Failure: a member that throws between two collectives would leave the others waiting forever;
// abort() (called by the team's task wrapper on an exception) wakes them with an error instead,
// and reset() makes the reducers usable again for the next run.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "core/batch_reducer.hpp"

namespace cnn {

class ThreadBatchReducers {
 public:
  // `outer` (may be null) combines this process's totals with other processes'.
  explicit ThreadBatchReducers(int members, BatchReducer* outer = nullptr);
  ThreadBatchReducers(const ThreadBatchReducers&) = delete;
  ThreadBatchReducers& operator=(const ThreadBatchReducers&) = delete;
  ~ThreadBatchReducers();

  int members() const { return members_; }
  // The reducer member m's layers call.
  BatchReducer* endpoint(int m);
  // How many members (0 .. active-1) take part in the coming run; 1 <= active <= members.
  void set_active(int active);
  // Wakes every waiting member with an Error; the reducers stay aborted until reset().
  void abort();
  bool aborted() const { return aborted_.load(); }
  void reset();

 private:
  class Endpoint;
  void sum(int member, double* data, std::size_t count);
  void arrive_and_wait();

  int members_;
  int active_;
  BatchReducer* outer_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::vector<std::vector<double>> slots_;  // (members, count): each member's partial sums
  std::vector<double> total_;               // (count): the sum, in member order
  // The barrier: a generation counter and the number still expected in it.
  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<std::uint64_t> generation_{0};
  int waiting_ = 0;
  std::atomic<bool> aborted_{false};
};

}  // namespace cnn
