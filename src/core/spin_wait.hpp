// Spinning before sleeping, for the worker team and the batch reducers: their members arrive
// within microseconds of each other, so a short spin saves a sleep and a wake-up (tens of
// microseconds) per step; past kSpinRounds a waiter blocks on its condition variable.
#pragma once

#include <thread>

namespace cnn {

constexpr int kSpinRounds = 20000;

// One spin round: the x86 PAUSE hint (lets the sibling hyper-thread run, saves power), else a yield.
inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#else
  std::this_thread::yield();
#endif
}

}  // namespace cnn
