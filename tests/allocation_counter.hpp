// Counts the test binary's heap allocations: the global operator new (every form, aligned ones
// included: Tensor buffers come from CacheLineAllocator's aligned new) is replaced by one that
// adds one to a counter, then takes the memory from malloc. A test proves "allocates nothing in
// steady state" by reading the counter before and after the steps it watches. The bytes live on
// the heap through operator new (malloc_usable_size of each block) are counted too, with their
// peak, so that a test can bound what a training step holds at its worst.
//
// Under AddressSanitizer the replacements are left out (ASan's own operator new checks
// new/delete pairs, which a replacement would turn off) and counting is unavailable.
#pragma once

#include <cstdint>

namespace cnn::test {

// Whether this build counts (false under AddressSanitizer).
bool allocation_counting_available();

// Calls of the global operator new so far, by every thread of the process.
std::uint64_t allocations_so_far();
// Bytes allocated through operator new and not yet deleted, and their highest value since the
// last reset_peak_live_bytes (which sets it to the bytes live now).
std::uint64_t live_bytes();
std::uint64_t peak_live_bytes();
void reset_peak_live_bytes();

}  // namespace cnn::test
