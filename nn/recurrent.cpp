#include "nn/recurrent.hpp"

#include <cmath>
#include <stdexcept>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"

namespace rnnlab::nn {

using init::uniform_parameter;

namespace {

void require_positive(std::size_t value, const char* what, const char* module) {
  if (value == 0) throw std::invalid_argument(std::string(module) + ": " + what + " must be positive");
}

Var activate(const Var& v, Nonlinearity nonlinearity) { return nonlinearity == Nonlinearity::tanh ? tanh(v) : relu(v); }

void check_sequence(const Var& x, std::size_t features, const char* module) {
  if (x.dim() != 3 || x.shape()[2] != features || x.shape()[0] == 0) {
    throw ShapeError(std::string(module) + ": input of shape " + to_string(x.shape()) + " should be [T, B, " +
                     std::to_string(features) + "] with T >= 1");
  }
}

}  // namespace

// ---- RNNCell ----

RNNCell::RNNCell(std::size_t input_size, std::size_t hidden_size, Rng& rng, Nonlinearity nonlinearity, bool bias)
    : input_(input_size), hidden_(hidden_size), nonlinearity_(nonlinearity) {
  require_positive(input_size, "input_size", "RNNCell");
  require_positive(hidden_size, "hidden_size", "RNNCell");
  const real bound = 1 / std::sqrt(static_cast<real>(hidden_size));
  weight_ih = register_parameter("weight_ih", uniform_parameter({hidden_size, input_size}, bound, rng));
  weight_hh = register_parameter("weight_hh", uniform_parameter({hidden_size, hidden_size}, bound, rng));
  if (bias) {
    bias_ih = register_parameter("bias_ih", uniform_parameter({hidden_size}, bound, rng));
    bias_hh = register_parameter("bias_hh", uniform_parameter({hidden_size}, bound, rng));
  }
}

Var RNNCell::forward(const Var& x, const Var& h) {
  if (x.dim() != 2 || x.shape()[1] != input_ || h.dim() != 2 || h.shape()[1] != hidden_ || h.shape()[0] != x.shape()[0]) {
    throw ShapeError("RNNCell: input " + to_string(x.shape()) + " and state " + to_string(h.shape()) + " should be [B, " +
                     std::to_string(input_) + "] and [B, " + std::to_string(hidden_) + "]");
  }
  // h' = f(x W_ih^T + b_ih + h W_hh^T + b_hh)
  return activate(linear(x, weight_ih, bias_ih) + linear(h, weight_hh, bias_hh), nonlinearity_);
}

// >>> unroll
Var unroll(RNNCell& cell, const Var& x, Var h, std::size_t truncate_every) {
  if (x.dim() != 3) throw ShapeError("unroll: input of shape " + to_string(x.shape()) + " should be [T, B, features]");
  std::vector<Var> states;
  for (std::size_t t = 0; t < x.shape()[0]; ++t) {
    if (truncate_every > 0 && t > 0 && t % truncate_every == 0) h = h.detach();  // no gradient flows past here
    const AnomalyScope scope("time step", t);
    h = cell(select(x, 0, t), h);
    states.push_back(h);
  }
  return stack(states, 0);
}
// <<< unroll

// ---- the shared machinery ----

RecurrentLayers::RecurrentLayers(const char* name, std::size_t gates, std::size_t input_size, std::size_t hidden_size,
                                 Rng& rng, RecurrentOptions options)
    : name_(name), input_(input_size), hidden_(hidden_size), options_(options) {
  require_positive(input_size, "input_size", name);
  require_positive(hidden_size, "hidden_size", name);
  require_positive(options.num_layers, "num_layers", name);
  if (!(options.dropout >= 0 && options.dropout < 1)) {
    throw std::invalid_argument(std::string(name) + ": dropout must be in [0, 1), got " + std::to_string(options.dropout));
  }
  const real bound = 1 / std::sqrt(static_cast<real>(hidden_size));
  const std::size_t directions = num_directions(), rows = gates * hidden_size;
  for (std::size_t layer = 0; layer < options.num_layers; ++layer) {
    const std::size_t in = layer == 0 ? input_size : directions * hidden_size;
    for (std::size_t d = 0; d < directions; ++d) {
      const std::string suffix = "_l" + std::to_string(layer) + (d == 1 ? "_reverse" : "");
      Weights w;
      w.weight_ih = register_parameter("weight_ih" + suffix, uniform_parameter({rows, in}, bound, rng));
      w.weight_hh = register_parameter("weight_hh" + suffix, uniform_parameter({rows, hidden_size}, bound, rng));
      if (options.bias) {
        w.bias_ih = register_parameter("bias_ih" + suffix, uniform_parameter({rows}, bound, rng));
        w.bias_hh = register_parameter("bias_hh" + suffix, uniform_parameter({rows}, bound, rng));
      }
      weights_.push_back(w);
    }
  }
  if (options.dropout > 0) dropout_rng_ = Rng(rng.next_u64());
}

const RecurrentLayers::Weights& RecurrentLayers::weights(std::size_t layer, std::size_t direction) const {
  if (layer >= options_.num_layers || direction >= num_directions()) {
    throw std::out_of_range(std::string(name_) + "::weights: no layer " + std::to_string(layer) + " direction " +
                            std::to_string(direction));
  }
  return weights_[layer * num_directions() + direction];
}

RecurrentLayers::Sequence RecurrentLayers::run(const Var& x, const Var& h0, const Var& c0, bool with_cell,
                                               const Recurrence& recurrence) const {
  check_sequence(x, input_, name_);
  const std::size_t batch = x.shape()[1], directions = num_directions();
  const Shape state_shape{options_.num_layers * directions, batch, hidden_};
  for (const auto& [given, what] : {std::pair{h0, "h0"}, std::pair{c0, "c0"}}) {
    if (given && given.shape() != state_shape) {
      throw ShapeError(std::string(name_) + ": " + what + " of shape " + to_string(given.shape()) + " should be " +
                       to_string(state_shape));
    }
  }
  // >>> layers-and-directions
  Var input = x;
  std::vector<Var> final_h, final_c;
  for (std::size_t layer = 0; layer < options_.num_layers; ++layer) {
    std::vector<Var> direction_outputs;
    for (std::size_t d = 0; d < directions; ++d) {
      const std::size_t index = layer * directions + d;
      const Weights& w = weights_[index];
      // The input half of every step at once, one big product: [T, B, in] -> [T, B, G*H] (as PyTorch does).
      const Var projected = linear(input, w.weight_ih, w.bias_ih);
      const Var zeros(Tensor::zeros({batch, hidden_}));
      const RecurrentState initial{h0 ? select(h0, 0, index) : zeros,
                                   with_cell ? (c0 ? select(c0, 0, index) : zeros) : Var()};
      const Pass pass = recurrence(projected, initial, w, d == 1);  // the reverse direction reads from the end
      final_h.push_back(pass.last.h);
      if (with_cell) final_c.push_back(pass.last.c);
      direction_outputs.push_back(pass.output);
    }
    Var output = directions == 1 ? direction_outputs[0] : concat(direction_outputs, 2);
    if (options_.residual && output.shape() == input.shape()) output = output + input;
    const bool last = layer + 1 == options_.num_layers;
    input = last ? output : dropout(output, options_.dropout, is_training(), dropout_rng_);
  }
  return {input, stack(final_h, 0), with_cell ? stack(final_c, 0) : Var()};
  // <<< layers-and-directions
}

// ---- RNN ----

RNN::RNN(std::size_t input_size, std::size_t hidden_size, Rng& rng, RecurrentOptions options, Nonlinearity nonlinearity)
    : RecurrentLayers("RNN", 1, input_size, hidden_size, rng, options), nonlinearity_(nonlinearity) {}

RNNResult RNN::forward(const Var& x, const Var& h0) const {
  // h_t = f(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh): the time loop as one node (autograd's fused_rnn_layer), or,
  // with anomaly detection on, step by step from the basic ops, so that an anomaly names its op and its time step.
  // The two are tested equal.
  const Squash squash = nonlinearity_ == Nonlinearity::tanh ? Squash::tanh : Squash::relu;
  const Sequence s = run(x, h0, Var(), false, [this, squash](const Var& projected, const RecurrentState& initial,
                                                             const Weights& w, bool reverse) {
    if (!anomaly_enabled()) {
      const Var output = fused_rnn_layer(projected, initial.h, w.weight_hh, w.bias_hh, squash, reverse);
      return Pass{output, {select(output, 0, reverse ? 0 : projected.shape()[0] - 1), Var()}};
    }
    const std::size_t steps = projected.shape()[0];
    std::vector<Var> states(steps);
    Var h = initial.h;
    for (std::size_t i = 0; i < steps; ++i) {
      const std::size_t t = reverse ? steps - 1 - i : i;
      const AnomalyScope scope("time step", t);
      h = activate(select(projected, 0, t) + linear(h, w.weight_hh, w.bias_hh), nonlinearity_);
      states[t] = h;
    }
    return Pass{stack(states, 0), {h, Var()}};
  });
  return {s.output, s.h_n};
}

SequenceOutput RNN::run_sequence(const Var& x, const RecurrentState& initial) const {
  if (initial.c)
    throw std::invalid_argument("RNN::run_sequence: the initial state has a cell state c; only an LSTM has one");
  const RNNResult r = forward(x, initial.h);
  return {r.output, {r.h_n, Var()}};
}

// ---- TDNN ----

TDNN::TDNN(std::size_t in_features, std::size_t out_features, std::size_t delays, Rng& rng)
    : in_(in_features), out_(out_features), delays_(delays) {
  require_positive(in_features, "in_features", "TDNN");
  require_positive(out_features, "out_features", "TDNN");
  require_positive(delays, "delays", "TDNN");
  const real bound = 1 / std::sqrt(static_cast<real>(in_features * delays));
  weight = register_parameter("weight", uniform_parameter({out_features, delays, in_features}, bound, rng));
  bias = register_parameter("bias", uniform_parameter({out_features}, bound, rng));
}

Var TDNN::forward(const Var& x) {
  check_sequence(x, in_, "TDNN");
  const std::size_t steps = x.shape()[0];
  if (steps < delays_) {
    throw ShapeError("TDNN: input of shape " + to_string(x.shape()) + " has fewer than " + std::to_string(delays_) +
                     " frames (the delays)");
  }
  const std::size_t out_steps = steps - delays_ + 1;
  // >>> tdnn-layer
  // Lay the window of frames t .. t + delays - 1 side by side: [T', B, delays * in], delay-major, matching
  // weight [out, delays, in] flattened to [out, delays * in]. Then one linear map for every t at once.
  std::vector<Var> shifted;
  for (std::size_t j = 0; j < delays_; ++j) shifted.push_back(slice(x, 0, j, j + out_steps));
  const Var windows = delays_ == 1 ? shifted[0] : concat(shifted, 2);
  return linear(windows, reshape(weight, {static_cast<long>(out_), static_cast<long>(delays_ * in_)}), bias);
  // <<< tdnn-layer
}

// ---- Jordan ----

Jordan::Jordan(std::size_t input_size, std::size_t hidden_size, std::size_t output_size, double mu, Rng& rng)
    : mu(mu), output_(output_size) {
  require_positive(input_size, "input_size", "Jordan");
  require_positive(hidden_size, "hidden_size", "Jordan");
  require_positive(output_size, "output_size", "Jordan");
  const real in_bound = 1 / std::sqrt(static_cast<real>(input_size + output_size));
  const real out_bound = 1 / std::sqrt(static_cast<real>(hidden_size));
  weight_input = register_parameter("weight_input", uniform_parameter({hidden_size, input_size}, in_bound, rng));
  weight_state = register_parameter("weight_state", uniform_parameter({hidden_size, output_size}, in_bound, rng));
  bias_hidden = register_parameter("bias_hidden", uniform_parameter({hidden_size}, in_bound, rng));
  weight_output = register_parameter("weight_output", uniform_parameter({output_size, hidden_size}, out_bound, rng));
  bias_output = register_parameter("bias_output", uniform_parameter({output_size}, out_bound, rng));
}

Var Jordan::forward(const Var& x, const Var& teacher) {
  check_sequence(x, weight_input.shape()[1], "Jordan");
  const std::size_t steps = x.shape()[0], batch = x.shape()[1];
  if (teacher && teacher.shape() != Shape{steps, batch, output_}) {
    throw ShapeError("Jordan: teacher of shape " + to_string(teacher.shape()) + " should be " +
                     to_string(Shape{steps, batch, output_}));
  }
  // >>> jordan-forward
  Var state(Tensor::zeros({batch, output_}));     // s_t
  Var previous(Tensor::zeros({batch, output_}));  // y_{t-1}
  std::vector<Var> outputs;
  for (std::size_t t = 0; t < steps; ++t) {
    const AnomalyScope scope("time step", t);
    state = state * mu + previous;  // s_t = mu s_{t-1} + y_{t-1}
    const Var h = sigmoid(linear(select(x, 0, t), weight_input, bias_hidden) + linear(state, weight_state, Var()));
    const Var y = sigmoid(linear(h, weight_output, bias_output));
    outputs.push_back(y);
    previous = teacher ? select(teacher, 0, t) : y;
  }
  return stack(outputs, 0);
  // <<< jordan-forward
}

}  // namespace rnnlab::nn
