// BufferPool: tensors the Net lends its layers for values that live a short while within one
// pass, so that such values share memory instead of each layer keeping its own.
//
// Backward: a layer's dL/dx lives from its own backward until the backward of the layer that
// reads it (or, where several layers read one output, until it has been added into their sum). In
// a chain that is one step, so two buffers serve every layer; a residual block keeps one more
// alive across the block. Forward: an output that no backward reads (batch norm's, add's) lives
// until its consumers' forwards have run.
//
// The Net takes a free buffer (lend) for a layer's result; each later read of that result counts
// as a reader of the buffer it lies in (a layer may hand on its dy itself, as add does); the
// buffer is free again once it is neither lent nor read. Which buffer is taken depends only on the
// graph (the lowest-numbered free one), so every step of a run takes the same ones: they reach
// their sizes in the first step, and later steps allocate nothing.
#pragma once

#include <memory>
#include <vector>

#include "core/tensor.hpp"

namespace cnn {

class BufferPool {
 public:
  // Every buffer free again (at the start of a pass).
  void reset();
  // A free buffer, marked lent until give_back.
  Tensor* lend();
  void give_back(const Tensor* buffer);
  // `value` is read later; nothing when it is not in one of these buffers (a layer's own, dlogits).
  void add_reader(const Tensor* value);
  // One reader of `value` is done with it.
  void drop_reader(const Tensor* value);
  std::size_t buffer_count() const { return buffers_.size(); }

 private:
  struct Slot {
    std::unique_ptr<Tensor> tensor;  // stable address: layers keep pointers into it
    bool lent = false;
    int readers = 0;
  };
  Slot* find(const Tensor* buffer);

  std::vector<Slot> buffers_;
};

}  // namespace cnn
