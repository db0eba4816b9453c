// ReplicaSet implementation.
#include "net/replica_set.hpp"

#include <algorithm>

#include "net/builder.hpp"
#include "ops/blas.hpp"

namespace cnn {

ReplicaSet::ReplicaSet(Net& master, const ModelSpec& spec, int threads, BatchReducer* across_processes)
    : master_(master), reducers_(threads, across_processes), team_(threads) {
  set_blas_threads(1);
  for (int m = 1; m < threads; ++m) replicas_.push_back(build_net(spec));
  // One replica and one process: a layer's local sums already cover the whole batch.
  if (threads > 1 || across_processes != nullptr)
    for (int m = 0; m < threads; ++m) net(m).set_batch_reducer(reducers_.endpoint(m));
  sync_weights();
}

ReplicaSet::~ReplicaSet() { master_.set_batch_reducer(nullptr); }  // the master outlives the endpoints

void ReplicaSet::run(const std::function<void(int, Net&)>& task) {
  reducers_.reset();
  team_.run([&](int member) {
    try {
      task(member, net(member));
    } catch (...) {
      // Members waiting for this one's batch sums would wait forever: release them. Their own
      // error ("another thread failed") is only the consequence, so the cause is what is rethrown.
      const bool consequence = reducers_.aborted();
      reducers_.abort();
      if (!consequence) throw;
    }
  });
}

namespace {

void copy_share(const std::vector<Param>& source, const std::vector<Param>& target, int part, int parts) {
  for (std::size_t i = 0; i < source.size(); ++i) {
    const auto [first, last] = slice_of(static_cast<int>(source[i].value->size()), parts, part);
    std::copy(source[i].value->data() + first, source[i].value->data() + last, target[i].value->data() + first);
  }
}

}  // namespace

void ReplicaSet::sync_weights(int part, int parts) {
  for (auto& replica : replicas_) {
    copy_share(master_.params(), replica->params(), part, parts);
    copy_share(master_.state(), replica->state(), part, parts);
  }
}

void ReplicaSet::reduce_gradients(int part, int parts) {
  const std::vector<Param>& sum = master_.params();
  for (auto& replica : replicas_) {
    const std::vector<Param>& other = replica->params();
    for (std::size_t i = 0; i < sum.size(); ++i) {
      const auto [first, last] = slice_of(static_cast<int>(sum[i].grad->size()), parts, part);
      float* g = sum[i].grad->data();
      const float* p = other[i].grad->data();
      for (int j = first; j < last; ++j) g[j] += p[j];
    }
  }
}

}  // namespace cnn
