// Communicator: what cnn needs from the processes of a distributed run (docs/distributed.md), so
// that the trainer is written once for one process and for many. The MPI implementation lives in
// dist/ (the only folder that includes <mpi.h>); SingleProcess is the one used without mpirun.
//
// Every call is a collective: all ranks make the same calls in the same order, with buffers of the
// same length. Only the calling thread of a process may call (MPI_THREAD_FUNNELED): cnn calls from
// member 0 of its worker team, which is the main thread (core/worker_team.hpp).
//
// sum() adds in a fixed order, rank 0, then 1, ...: acc = d_0; acc += d_1; ... in the buffer's type,
// so every rank receives the very same bits, two runs give the same bits, and N ranks of one thread
// add their gradients exactly as one process of N threads adds its replicas' (net/replica_set.hpp).
// The MPI implementation gets that order from an allgather followed by an ordered sum; it can also
// use MPI_Allreduce (Reduction::kNative: less traffic for many ranks, an order that depends on
// Open MPI's algorithm, so results agree with one process only within rounding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/batch_reducer.hpp"

namespace cnn {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Processes of this run on this machine (threads default to cores / local_size()).
  virtual int local_size() const { return 1; }
  // In place: data[i] <- Σ over ranks r of data_r[i] (see the order above).
  virtual void sum(float* data, std::size_t count) = 0;
  virtual void sum(double* data, std::size_t count) = 0;
  // Both at once, in one collective where the implementation can (a training step's gradients
  // and its counts: one synchronisation of the ranks per step instead of two).
  virtual void sum(float* floats, std::size_t float_count, double* doubles, std::size_t double_count) {
    sum(floats, float_count);
    sum(doubles, double_count);
  }
  // Copies rank 0's bytes into every rank's buffer of the same length.
  virtual void broadcast(void* data, std::size_t bytes) = 0;
  // Every rank's value, in rank order.
  virtual std::vector<std::uint64_t> gather(std::uint64_t value) = 0;
  // Ends every process of the run at once with this exit code (after a local failure that the
  // other ranks cannot know about: they would otherwise wait forever in their next collective).
  [[noreturn]] virtual void abort(int exit_code) = 0;
  // "one process", "rank 1 of 4 (Open MPI)", for logs.
  virtual std::string describe() const = 0;
};

// One process: every collective is the identity.
class SingleProcess : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  using Communicator::sum;  // the two-buffer form too
  void sum(float*, std::size_t) override {}
  void sum(double*, std::size_t) override {}
  void broadcast(void*, std::size_t) override {}
  std::vector<std::uint64_t> gather(std::uint64_t value) override { return {value}; }
  [[noreturn]] void abort(int exit_code) override;
  std::string describe() const override { return "one process"; }
};

// Broadcasts rank 0's string (its length first, then its bytes).
void broadcast_string(Communicator& comm, std::string& text);

// The BatchReducer that adds a process's whole-batch sums (batch norm) over the ranks: the
// `outer` stage of ThreadBatchReducers (core/thread_batch_reducer.hpp).
class CommunicatorReducer : public BatchReducer {
 public:
  explicit CommunicatorReducer(Communicator& comm) : comm_(comm) {}
  void sum(double* data, std::size_t count) override { comm_.sum(data, count); }

 private:
  Communicator& comm_;
};

}  // namespace cnn
