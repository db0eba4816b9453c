// ReplicaSet implementation.
#include "net/replica_set.hpp"

#include <algorithm>

#include "net/builder.hpp"
#include "ops/blas.hpp"

namespace cnn {

ReplicaSet::ReplicaSet(Net& master, const ModelSpec& spec, int threads) : master_(master), team_(threads) {
  set_blas_threads(1);
  for (int m = 1; m < threads; ++m) replicas_.push_back(build_net(spec));
  sync_weights();
}

void ReplicaSet::run(const std::function<void(int, Net&)>& task) {
  team_.run([&](int member) { task(member, net(member)); });
}

void ReplicaSet::sync_weights() {
  const std::vector<Param>& source = master_.params();
  for (auto& replica : replicas_) {
    const std::vector<Param>& target = replica->params();
    for (std::size_t i = 0; i < source.size(); ++i)
      std::copy(source[i].value->data(), source[i].value->data() + source[i].value->size(), target[i].value->data());
  }
}

void ReplicaSet::reduce_gradients() {
  const std::vector<Param>& sum = master_.params();
  for (auto& replica : replicas_) {
    const std::vector<Param>& part = replica->params();
    for (std::size_t i = 0; i < sum.size(); ++i) {
      float* g = sum[i].grad->data();
      const float* p = part[i].grad->data();
      for (std::size_t j = 0; j < sum[i].grad->size(); ++j) g[j] += p[j];
    }
  }
}

}  // namespace cnn
