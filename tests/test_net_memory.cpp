// What a training step holds: gradients and the outputs no backward reads live in buffers the
// Net shares between layers (net/buffer_pool.hpp), and what stays is the outputs backward needs.
#include <catch2/catch.hpp>

#include <cstdint>

#include "allocation_counter.hpp"
#include "config/config.hpp"
#include "gradcheck.hpp"
#include "net/builder.hpp"
#include "net/initializer.hpp"
#include "runtime/softmax_cross_entropy.hpp"

using namespace cnn;
using namespace cnn::test;

namespace {

// One training forward and backward on a batch of `n` random images.
void train_step(Net& net, int n, Rng& rng) {
  SoftmaxCrossEntropy loss;
  const Tensor x = random_tensor(net.input_shape().with_batch(n), rng, 0.0f, 1.0f);
  std::vector<Label> labels(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = static_cast<Label>(i % 10);
  net.zero_grad();
  loss.forward(net.forward(x, Mode::kTrain), labels.data());
  net.backward(loss.backward());
}

}  // namespace

TEST_CASE("a chain's passes share two buffers: every gradient, and the outputs no backward reads", "[net][memory]") {
  auto net = build_net(parse_config(R"(model:
  input: [2, 10, 10]
  layers:
    - conv: {filters: 4, kernel: 3, padding: same}
    - batch_norm
    - relu
    - conv: {filters: 4, kernel: 3, padding: same, activation: relu}
    - pool: {type: max, size: 2}
    - conv: {filters: 6, kernel: 3, stride: 2}
    - tanh
    - flatten
    - dense: {units: 8}
    - dropout: {rate: 0.5}
    - dense: {units: 10}
    - softmax
)",
                                    "chain.cfg")
                           .model);
  Rng rng(5);
  initialize(net->params(), Init::kHeNormal, rng);
  train_step(*net, 3, rng);
  // Backward: the layer's dx and its dy, whatever the depth; forward: batch norm's output, read by
  // relu only, in one of the same two.
  CHECK(net->shared_buffer_count() == 2);
  CHECK(net->layer_output(1) == nullptr);  // not kept after the forward
  CHECK(net->layer_output(2) != nullptr);    // relu's backward reads its own output
  net->forward_every_layer(random_tensor(net->input_shape().with_batch(1), rng));
  CHECK(net->layer_output(1) != nullptr);  // feature maps keep every output
}

TEST_CASE("ResNet-20's training step holds far less than one buffer per activation", "[net][memory][graph]") {
  if (!allocation_counting_available()) {
    WARN("allocation counting is off under AddressSanitizer (tests/allocation_counter.hpp)");
    return;
  }
  const RunConfig config = load_config(std::string(CNN_SOURCE_DIR) + "/configs/resnet20.cfg");
  auto net = build_net(config.model);
  Rng rng(7);
  initialize(net->params(), Init::kHeNormal, rng);
  // What setup holds (parameters, gradients, each conv's one-sample scratch) does not grow with
  // the batch; what a step adds does.
  const std::uint64_t after_setup = live_bytes();
  const int n = 16;
  train_step(*net, n, rng);  // sizes every buffer
  reset_peak_live_bytes();
  train_step(*net, n, rng);
  const double held = static_cast<double>(peak_live_bytes() - after_setup);
  // One float per element of every layer's output for the batch.
  double outputs = 0;
  for (std::size_t i = 0; i < net->layer_count(); ++i)
    outputs += static_cast<double>(net->layer_output_shape(i).numel()) * n * sizeof(float);
  INFO("a step holds " << held / 1e6 << " MB; one buffer per output would be " << outputs / 1e6 << " MB");
  // What stays is what backward reads: the convs' outputs (batch norm's input) and the relus'
  // (their own backward's), about 0.65 of `outputs`, and a few shared buffers. Each layer keeping
  // its output and its gradient, batch norm its xhat and each stride-1 conv its padded input, as
  // before, held more than 2.5 times `outputs`.
  CHECK(held < 0.85 * outputs);
  CHECK(net->shared_buffer_count() <= 4);
}
