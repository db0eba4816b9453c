// An allocator for Tensor buffers that starts every buffer on a cache line and rounds its size up
// to whole lines, so no two buffers share a line.
//
// Why: with data parallelism each thread works on its own network replica, but the replicas are
// built by one thread and their small buffers (a conv layer's bias gradient, a padded sample)
// came out of malloc next to each other. A line holding one replica's bias gradient and another
// replica's scratch buffer bounced between the cores on every write: each thread ran 10-25 %
// slower with two threads than alone (docs/performance.md).
#pragma once

#include <cstddef>
#include <new>

namespace cnn {

constexpr std::size_t kCacheLine = 64;

template <class T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) {}  // NOLINT: allocators convert implicitly

  static std::size_t rounded_bytes(std::size_t n) { return (n * sizeof(T) + kCacheLine - 1) / kCacheLine * kCacheLine; }
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(rounded_bytes(n), std::align_val_t{kCacheLine})); }
  // The unsized form: clang declares the sized aligned delete only with -fsized-deallocation.
  void deallocate(T* p, std::size_t) { ::operator delete(p, std::align_val_t{kCacheLine}); }
};

template <class T, class U>
bool operator==(const CacheLineAllocator<T>&, const CacheLineAllocator<U>&) { return true; }
template <class T, class U>
bool operator!=(const CacheLineAllocator<T>&, const CacheLineAllocator<U>&) { return false; }

}  // namespace cnn
