// ThreadBatchReducers implementation; the protocol is in thread_batch_reducer.hpp.
#include "core/thread_batch_reducer.hpp"

#include <algorithm>
#include <thread>

#include "core/error.hpp"
#include "core/spin_wait.hpp"

namespace cnn {

class ThreadBatchReducers::Endpoint : public BatchReducer {
 public:
  Endpoint(ThreadBatchReducers& group, int member) : group_(group), member_(member) {}
  void sum(double* data, std::size_t count) override { group_.sum(member_, data, count); }

 private:
  ThreadBatchReducers& group_;
  int member_;
};

ThreadBatchReducers::ThreadBatchReducers(int members, BatchReducer* outer)
    : members_(members), active_(members), outer_(outer), slots_(static_cast<std::size_t>(members)) {
  CNN_CHECK(members >= 1, "batch reducers need at least one member, got {}", members);
  for (int m = 0; m < members; ++m) endpoints_.push_back(std::make_unique<Endpoint>(*this, m));
}

ThreadBatchReducers::~ThreadBatchReducers() = default;

BatchReducer* ThreadBatchReducers::endpoint(int m) { return endpoints_[static_cast<std::size_t>(m)].get(); }

void ThreadBatchReducers::set_active(int active) {
  CNN_CHECK(active >= 1 && active <= members_, "batch reducers: {} active members of {}", active, members_);
  active_ = active;  // set while no member runs (before the team's run): no race
}

void ThreadBatchReducers::abort() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    aborted_.store(true);
  }
  cv_.notify_all();
}

void ThreadBatchReducers::reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  aborted_.store(false);
  waiting_ = 0;
}

void ThreadBatchReducers::arrive_and_wait() {
  std::uint64_t gen = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    CNN_CHECK(!aborted_.load(), "batch statistics: another thread of the team failed");
    gen = generation_.load();
    if (++waiting_ == active_) {  // the last one in opens the barrier
      waiting_ = 0;
      generation_.fetch_add(1, std::memory_order_acq_rel);
      cv_.notify_all();
      return;
    }
  }
  for (int spin = 0; spin < kSpinRounds; ++spin) {
    if (generation_.load(std::memory_order_acquire) != gen) return;
    if (aborted_.load()) break;
    cpu_relax();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [&] { return generation_.load() != gen || aborted_.load(); });
  CNN_CHECK(generation_.load() != gen, "batch statistics: another thread of the team failed");
}

void ThreadBatchReducers::sum(int member, double* data, std::size_t count) {
  if (active_ == 1 && outer_ == nullptr) return;  // one participant: its sums are the totals
  std::vector<double>& slot = slots_[static_cast<std::size_t>(member)];
  slot.assign(data, data + count);  // allocates only when a layer's count first grows
  arrive_and_wait();
  if (member == 0) {
    total_.assign(count, 0.0);
    for (int m = 0; m < active_; ++m) {
      const std::vector<double>& part = slots_[static_cast<std::size_t>(m)];
      CNN_CHECK(part.size() == count, "batch statistics: member {} summed {} values, member 0 {}", m, part.size(), count);
      for (std::size_t i = 0; i < count; ++i) total_[i] += part[i];
    }
    if (outer_ != nullptr) outer_->sum(total_.data(), count);
  }
  arrive_and_wait();
  std::copy(total_.begin(), total_.end(), data);
}

}  // namespace cnn
