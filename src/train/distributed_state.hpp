// What a distributed run (several ranks, core/communicator.hpp) does besides one process's
// training: one starting state for all, one contiguous gradient buffer per step, a check that
// the ranks still hold the same parameters, and which batch sizes the ranks can split.
#pragma once

#include <cstdint>
#include <vector>

#include "core/communicator.hpp"
#include "net/net.hpp"
#include "train/checkpoint.hpp"
#include "train/optimizer.hpp"

namespace cnn {

// Copies rank 0's weights, layer state (running statistics), optimizer state and step count and
// training progress (epoch, batch, shuffling RNG) into every rank.
void broadcast_training_state(Communicator& comm, Net& net, Optimizer& optimizer, TrainingProgress& progress);

// Every parameter's gradient, in parameter order, into one buffer (resized as needed), and back.
void pack_gradients(const Net& net, std::vector<float>& buffer);
void unpack_gradients(const std::vector<float>& buffer, Net& net);

// A 64-bit FNV-1a hash of every parameter's and state tensor's bytes: equal on every rank as
// long as the ranks applied the same updates.
std::uint64_t parameter_checksum(const Net& net);
// Compares the checksums of all ranks; kInternal error naming the first rank that differs.
void check_ranks_agree(Communicator& comm, const Net& net, int epoch);

// Every rank needs at least one image of every batch (a rank without images would not take part
// in batch norm's collective sums): kUsage error when the last batch of an epoch is smaller than
// the number of ranks.
void check_last_batch_fits_ranks(int ranks, int train_images, int batch_size);

}  // namespace cnn
