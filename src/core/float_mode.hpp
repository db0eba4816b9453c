// Flush-to-zero (FTZ) and denormals-are-zero (DAZ) for the calling thread: on x86, the MXCSR bits
// 0x8000 (a result that would be denormal becomes 0) and 0x0040 (a denormal operand is read as 0).
//
// Why: many x86 cores (Intel's in particular) take a microcode assist, up to a hundred times the
// cost of the operation, for arithmetic on denormal floats (nonzero, below 1.18e-38 in magnitude):
// a LeNet-5 whose weights were denormal evaluated about 25x slower there. (AMD Zen 3 handles them
// at full speed: there eval took the same time with and without the mode.) What it changes:
// values below 1.18e-38 become 0, far below anything a float network resolves, so results differ
// only where IEEE gradual underflow would have kept a denormal. NaN and infinity behave as before
// (this is not -ffast-math).
//
// MXCSR belongs to each thread, so every thread that computes calls this first: main() at start,
// each WorkerTeam helper as it starts, and the test binary's main, so the tests run in the same
// mode. (Linux copies the creating thread's MXCSR into a new thread, but threads made before the
// call keep theirs: OpenBLAS starts its pool before main, so `cnn predict --threads N`, the one
// command that gives OpenBLAS more than the calling thread, computes part of each product without
// the mode.) A no-op on other architectures.
#pragma once

namespace cnn {

void enable_flush_to_zero();

// Whether both FTZ and DAZ are set on the calling thread (false where the mode does not exist).
bool flush_to_zero_enabled();

}  // namespace cnn
