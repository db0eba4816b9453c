// summarize(): see net_summary.hpp.
#include "net/net_summary.hpp"

namespace cnn {

NetSummary summarize(Net& net) {
  NetSummary s;
  s.input = net.input_shape();
  s.chain = net.is_chain();
  s.activation_bytes = sizeof(float) * s.input.numel();
  for (std::size_t i = 0; i < net.layer_count(); ++i) {
    Layer& layer = net.layer(i);
    LayerSummary l;
    l.name = net.layer_name(i);
    l.kind = layer.kind();
    l.config = layer.describe();
    for (int input : net.layer_inputs(i))
      l.inputs.push_back(input == kNetworkInput ? kNetworkInputName : net.layer_name(static_cast<std::size_t>(input)));
    l.output = net.layer_output_shape(i);
    for (const Param& p : layer.params()) (p.trainable ? l.trainable : l.non_trainable) += p.value->size();  // frozen: Keras's count
    for (const Param& p : layer.state()) l.non_trainable += p.value->size();
    l.macs = layer.macs_per_sample();
    s.trainable += l.trainable;
    s.non_trainable += l.non_trainable;
    s.macs += l.macs;
    s.activation_bytes += sizeof(float) * l.output.numel();
    s.layers.push_back(std::move(l));
  }
  return s;
}

}  // namespace cnn
