// WorkerTeam implementation.
#include "core/worker_team.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/float_mode.hpp"
#include "core/spin_wait.hpp"

namespace cnn {

std::pair<int, int> slice_of(int count, int members, int m) {
  const int base = count / members, extra = count % members;
  const int begin = m * base + std::min(m, extra);
  return {begin, begin + base + (m < extra ? 1 : 0)};
}

WorkerTeam::WorkerTeam(int size) : size_(size), errors_(static_cast<std::size_t>(size)) {
  CNN_CHECK(size >= 1, "a worker team needs at least one member, got {}", size);
  for (int m = 1; m < size; ++m) helpers_.emplace_back([this, m] { helper_loop(m); });
}

WorkerTeam::~WorkerTeam() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_.store(true);
  }
  start_cv_.notify_all();
  for (auto& t : helpers_) t.join();
}

void WorkerTeam::helper_loop(int member) {
  enable_flush_to_zero();  // per thread, like main's (core/float_mode.hpp)
  std::uint64_t seen = 0;
  for (;;) {
    for (int spin = 0; spin < kSpinRounds && generation_.load(std::memory_order_acquire) == seen && !stopping_.load(); ++spin)
      cpu_relax();
    if (generation_.load(std::memory_order_acquire) == seen && !stopping_.load()) {
      std::unique_lock<std::mutex> lock(mutex_);
      start_cv_.wait(lock, [&] { return stopping_.load() || generation_.load() != seen; });
    }
    if (stopping_.load()) return;
    seen = generation_.load(std::memory_order_acquire);
    try {
      (*task_)(member);
    } catch (...) {
      errors_[static_cast<std::size_t>(member)] = std::current_exception();
    }
    if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::lock_guard<std::mutex> lock(mutex_);  // pairs with the predicate check in run()
      done_cv_.notify_one();
    }
  }
}

void WorkerTeam::run(const std::function<void(int)>& task) {
  for (auto& e : errors_) e = nullptr;
  if (size_ > 1) {
    task_ = &task;
    pending_.store(size_ - 1, std::memory_order_release);
    {
      std::lock_guard<std::mutex> lock(mutex_);  // a helper about to sleep cannot miss the new run
      generation_.fetch_add(1, std::memory_order_acq_rel);
    }
    start_cv_.notify_all();
  }
  try {
    task(0);
  } catch (...) {
    errors_[0] = std::current_exception();
  }
  if (size_ > 1) {
    for (int spin = 0; spin < kSpinRounds && pending_.load(std::memory_order_acquire) != 0; ++spin) cpu_relax();
    if (pending_.load(std::memory_order_acquire) != 0) {
      std::unique_lock<std::mutex> lock(mutex_);
      done_cv_.wait(lock, [&] { return pending_.load() == 0; });
    }
  }
  for (auto& e : errors_)
    if (e) std::rethrow_exception(e);
}

int default_thread_count() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

}  // namespace cnn
