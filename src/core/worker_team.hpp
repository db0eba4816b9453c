// WorkerTeam: a fixed team of threads that runs one task on every member and waits for all.
// The calling thread is member 0; size - 1 helper threads live as long as the team, so a
// training step costs a wake-up, not a thread start. Exceptions thrown by a member are
// rethrown to the caller (the first one, by member order). Helpers compute with flush-to-zero and
// denormals-are-zero set (core/float_mode.hpp); member 0 runs in the caller's mode.
//
// A training step hands work to the team twice, a few hundred microseconds apart; sleeping on a
// condition variable each time costs tens of microseconds per hand-off (measured: two threads
// reached 1.3x one thread). So both sides spin for a short while (kSpinRounds pauses, well under
// a millisecond) before they block.
#pragma once

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cnn {

class WorkerTeam {
 public:
  explicit WorkerTeam(int size);
  ~WorkerTeam();
  WorkerTeam(const WorkerTeam&) = delete;
  WorkerTeam& operator=(const WorkerTeam&) = delete;

  int size() const { return size_; }
  // Runs task(member) for member = 0 .. size-1, member 0 on the calling thread; returns when all
  // are done.
  void run(const std::function<void(int member)>& task);

 private:
  void helper_loop(int member);

  int size_;
  std::vector<std::thread> helpers_;
  std::mutex mutex_;
  std::condition_variable start_cv_, done_cv_;
  const std::function<void(int)>* task_ = nullptr;
  std::atomic<std::uint64_t> generation_{0};  // bumped for each run(); helpers wait for a new one
  std::atomic<int> pending_{0};               // helpers still working on the current run
  std::atomic<bool> stopping_{false};
  std::vector<std::exception_ptr> errors_;
};

// The half-open range [begin, end) of `count` items that member `m` of `members` handles:
// contiguous, in member order, sizes differing by at most one.
std::pair<int, int> slice_of(int count, int members, int m);

// The thread count of a command without --threads or a config's train.threads: all cores.
int default_thread_count();

}  // namespace cnn
