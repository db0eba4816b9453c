// The counting operator new of allocation_counter.hpp.
#include "allocation_counter.hpp"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_ADDRESS__)
#define CNN_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CNN_TEST_UNDER_ASAN 1
#endif
#endif

namespace {

std::atomic<std::uint64_t> g_allocations{0};
std::atomic<std::uint64_t> g_live_bytes{0};
std::atomic<std::uint64_t> g_peak_live_bytes{0};

}  // namespace

namespace cnn::test {

bool allocation_counting_available() {
#ifdef CNN_TEST_UNDER_ASAN
  return false;
#else
  return true;
#endif
}

std::uint64_t allocations_so_far() { return g_allocations.load(std::memory_order_relaxed); }
std::uint64_t live_bytes() { return g_live_bytes.load(std::memory_order_relaxed); }
std::uint64_t peak_live_bytes() { return g_peak_live_bytes.load(std::memory_order_relaxed); }
void reset_peak_live_bytes() { g_peak_live_bytes.store(live_bytes(), std::memory_order_relaxed); }

}  // namespace cnn::test

#ifndef CNN_TEST_UNDER_ASAN

namespace {

void* note_allocated(void* p) {
  if (p == nullptr) return p;
  const std::uint64_t live = g_live_bytes.fetch_add(malloc_usable_size(p), std::memory_order_relaxed) + malloc_usable_size(p);
  std::uint64_t peak = g_peak_live_bytes.load(std::memory_order_relaxed);
  while (live > peak && !g_peak_live_bytes.compare_exchange_weak(peak, live, std::memory_order_relaxed)) {
  }
  return p;
}

void release(void* p) {
  if (p == nullptr) return;
  g_live_bytes.fetch_sub(malloc_usable_size(p), std::memory_order_relaxed);
  std::free(p);
}


void* counted_malloc(std::size_t bytes) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return note_allocated(std::malloc(bytes == 0 ? 1 : bytes));
}

void* counted_aligned(std::size_t bytes, std::align_val_t alignment) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  const std::size_t a = static_cast<std::size_t>(alignment) < sizeof(void*) ? sizeof(void*) : static_cast<std::size_t>(alignment);
  void* p = nullptr;
  return posix_memalign(&p, a, bytes == 0 ? 1 : bytes) == 0 ? note_allocated(p) : nullptr;
}

}  // namespace

void* operator new(std::size_t bytes) {
  if (void* p = counted_malloc(bytes)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t bytes) { return operator new(bytes); }
void* operator new(std::size_t bytes, const std::nothrow_t&) noexcept { return counted_malloc(bytes); }
void* operator new[](std::size_t bytes, const std::nothrow_t&) noexcept { return counted_malloc(bytes); }
void* operator new(std::size_t bytes, std::align_val_t alignment) {
  if (void* p = counted_aligned(bytes, alignment)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t bytes, std::align_val_t alignment) { return operator new(bytes, alignment); }
void* operator new(std::size_t bytes, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return counted_aligned(bytes, alignment);
}
void* operator new[](std::size_t bytes, std::align_val_t alignment, const std::nothrow_t&) noexcept {
  return counted_aligned(bytes, alignment);
}

void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }

#endif  // CNN_TEST_UNDER_ASAN
