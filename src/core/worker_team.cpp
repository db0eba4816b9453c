// WorkerTeam implementation.
#include "core/worker_team.hpp"

#include "core/error.hpp"

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
    stopping_ = true;
  }
  start_cv_.notify_all();
  for (auto& t : helpers_) t.join();
}

void WorkerTeam::helper_loop(int member) {
  std::uint64_t seen = 0;
  for (;;) {
    const std::function<void(int)>* task = nullptr;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_cv_.wait(lock, [&] { return stopping_ || generation_ != seen; });
      if (stopping_) return;
      seen = generation_;
      task = task_;
    }
    try {
      (*task)(member);
    } catch (...) {
      errors_[static_cast<std::size_t>(member)] = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (--pending_ == 0) done_cv_.notify_one();
    }
  }
}

void WorkerTeam::run(const std::function<void(int)>& task) {
  for (auto& e : errors_) e = nullptr;
  if (size_ > 1) {
    std::lock_guard<std::mutex> lock(mutex_);
    task_ = &task;
    pending_ = size_ - 1;
    ++generation_;
  }
  start_cv_.notify_all();
  try {
    task(0);
  } catch (...) {
    errors_[0] = std::current_exception();
  }
  if (size_ > 1) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_cv_.wait(lock, [&] { return pending_ == 0; });
  }
  for (auto& e : errors_)
    if (e) std::rethrow_exception(e);
}

}  // namespace cnn
