// BufferPool implementation.
#include "net/buffer_pool.hpp"

#include "core/error.hpp"

namespace cnn {

void BufferPool::reset() {
  for (Slot& slot : buffers_) {
    slot.lent = false;
    slot.readers = 0;
  }
}

Tensor* BufferPool::lend() {
  for (Slot& slot : buffers_) {
    if (!slot.lent && slot.readers == 0) {
      slot.lent = true;
      return slot.tensor.get();
    }
  }
  buffers_.push_back(Slot{std::make_unique<Tensor>(), true, 0});
  return buffers_.back().tensor.get();
}

BufferPool::Slot* BufferPool::find(const Tensor* buffer) {
  for (Slot& slot : buffers_)
    if (slot.tensor.get() == buffer) return &slot;
  return nullptr;
}

void BufferPool::give_back(const Tensor* buffer) {
  Slot* slot = find(buffer);
  CNN_CHECK(slot != nullptr && slot->lent, "a buffer was given back that was not lent");
  slot->lent = false;
}

void BufferPool::add_reader(const Tensor* value) {
  if (Slot* slot = find(value)) ++slot->readers;
}

void BufferPool::drop_reader(const Tensor* value) {
  Slot* slot = find(value);
  if (slot == nullptr) return;
  CNN_CHECK(slot->readers > 0, "a buffer lost a reader it did not have");
  --slot->readers;
}

}  // namespace cnn
