#include "nn/gated.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "autograd/ops.hpp"
#include "nn/init.hpp"

namespace rnnlab::nn {

using init::uniform_parameter;

namespace {

// Gate block k (of width H) of a [B, G*H] pre-activation.
Var block(const Var& gates, std::size_t k, std::size_t hidden) { return slice(gates, 1, k * hidden, (k + 1) * hidden); }

void check_step(const Var& x, std::size_t input, const Var& h, std::size_t hidden, const char* name) {
  if (x.dim() != 2 || x.shape()[1] != input || (h && (h.dim() != 2 || h.shape()[0] != x.shape()[0] || h.shape()[1] != hidden))) {
    throw ShapeError(std::string(name) + ": input " + to_string(x.shape()) + " and state " +
                     (h ? to_string(h.shape()) : std::string("(none)")) + " should be [B, " + std::to_string(input) +
                     "] and [B, " + std::to_string(hidden) + "]");
  }
}

// >>> set-forget-bias
// Sets the forget gate's bias (block 1 of 4): bias_ih's block to `value`, bias_hh's to 0.
void set_forget_bias(Var& bias_ih, Var& bias_hh, std::size_t hidden, real value) {
  for (std::size_t j = hidden; j < 2 * hidden; ++j) {
    bias_ih.mutable_value()[j] = value;
    bias_hh.mutable_value()[j] = 0;
  }
}
// <<< set-forget-bias

}  // namespace

// The readable form: the equations of the header, op by op (~15 nodes per step).
// >>> lstm-step
RecurrentState lstm_step_composed(const Var& x_projected, const RecurrentState& state, const Var& weight_hh,
                                  const Var& bias_hh) {
  const std::size_t hidden = weight_hh.shape()[1];
  const Var gates = x_projected + linear(state.h, weight_hh, bias_hh);  // [B, 4H]: i, f, g, o
  const Var i = sigmoid(block(gates, 0, hidden));
  const Var f = sigmoid(block(gates, 1, hidden));
  const Var g = tanh(block(gates, 2, hidden));
  const Var o = sigmoid(block(gates, 3, hidden));
  const Var c = f * state.c + i * g;  // the carousel: c' = f c + i g
  return {o * tanh(c), c};
}
// <<< lstm-step

// >>> gru-step
Var gru_step_composed(const Var& x_projected, const Var& h, const Var& weight_hh, const Var& bias_hh) {
  const std::size_t hidden = weight_hh.shape()[1];
  const Var h_projected = linear(h, weight_hh, bias_hh);  // [B, 3H]: r, z, n
  const Var r = sigmoid(block(x_projected, 0, hidden) + block(h_projected, 0, hidden));
  const Var z = sigmoid(block(x_projected, 1, hidden) + block(h_projected, 1, hidden));
  const Var n = tanh(block(x_projected, 2, hidden) + r * block(h_projected, 2, hidden));  // reset AFTER the product
  return (1.0 - z) * n + z * h;
}
// <<< gru-step

// The same steps with the elementwise part fused into one node (autograd/cells.cpp): what the modules run.
RecurrentState lstm_step(const Var& x_projected, const RecurrentState& state, const Var& weight_hh, const Var& bias_hh) {
  const LSTMCellOutput next = fused_lstm_cell(x_projected, linear(state.h, weight_hh, bias_hh), state.c);
  return {next.h, next.c};
}

Var gru_step(const Var& x_projected, const Var& h, const Var& weight_hh, const Var& bias_hh) {
  return fused_gru_cell(x_projected, linear(h, weight_hh, bias_hh), h);
}

// ---- cells ----

LSTMCell::LSTMCell(std::size_t input_size, std::size_t hidden_size, Rng& rng, bool bias, std::optional<real> forget_bias)
    : input_(input_size), hidden_(hidden_size) {
  if (input_size == 0 || hidden_size == 0) throw std::invalid_argument("LSTMCell: input_size and hidden_size must be positive");
  if (forget_bias && !bias) throw std::invalid_argument("LSTMCell: forget_bias needs bias = true");
  const real bound = 1 / std::sqrt(static_cast<real>(hidden_size));
  weight_ih = register_parameter("weight_ih", uniform_parameter({4 * hidden_size, input_size}, bound, rng));
  weight_hh = register_parameter("weight_hh", uniform_parameter({4 * hidden_size, hidden_size}, bound, rng));
  if (bias) {
    bias_ih = register_parameter("bias_ih", uniform_parameter({4 * hidden_size}, bound, rng));
    bias_hh = register_parameter("bias_hh", uniform_parameter({4 * hidden_size}, bound, rng));
    if (forget_bias) set_forget_bias(bias_ih, bias_hh, hidden_size, *forget_bias);
  }
}

RecurrentState LSTMCell::forward(const Var& x, const RecurrentState& state) const {
  check_step(x, input_, state.h, hidden_, "LSTMCell");
  check_step(x, input_, state.c, hidden_, "LSTMCell");
  const Var zeros(Tensor::zeros({x.shape()[0], hidden_}));
  return lstm_step(linear(x, weight_ih, bias_ih), {state.h ? state.h : zeros, state.c ? state.c : zeros}, weight_hh, bias_hh);
}

GRUCell::GRUCell(std::size_t input_size, std::size_t hidden_size, Rng& rng, bool bias)
    : input_(input_size), hidden_(hidden_size) {
  if (input_size == 0 || hidden_size == 0) throw std::invalid_argument("GRUCell: input_size and hidden_size must be positive");
  const real bound = 1 / std::sqrt(static_cast<real>(hidden_size));
  weight_ih = register_parameter("weight_ih", uniform_parameter({3 * hidden_size, input_size}, bound, rng));
  weight_hh = register_parameter("weight_hh", uniform_parameter({3 * hidden_size, hidden_size}, bound, rng));
  if (bias) {
    bias_ih = register_parameter("bias_ih", uniform_parameter({3 * hidden_size}, bound, rng));
    bias_hh = register_parameter("bias_hh", uniform_parameter({3 * hidden_size}, bound, rng));
  }
}

Var GRUCell::forward(const Var& x, const Var& h) const {
  check_step(x, input_, h, hidden_, "GRUCell");
  return gru_step(linear(x, weight_ih, bias_ih), h ? h : Var(Tensor::zeros({x.shape()[0], hidden_})), weight_hh, bias_hh);
}

// ---- layers ----

LSTM::LSTM(std::size_t input_size, std::size_t hidden_size, Rng& rng, RecurrentOptions options, std::optional<real> forget_bias)
    : RecurrentLayers("LSTM", 4, input_size, hidden_size, rng, options) {
  if (forget_bias && !options.bias) throw std::invalid_argument("LSTM: forget_bias needs bias = true");
  if (forget_bias) {
    for (Weights& w : weights_) set_forget_bias(w.bias_ih, w.bias_hh, hidden_size, *forget_bias);
  }
}

LSTMResult LSTM::forward(const Var& x, const Var& h0, const Var& c0) const {
  // Each layer and direction is one fused node (autograd/cells.cpp); LSTMCell and lstm_step_composed show the step.
  const Sequence s = run(x, h0, c0, true, [](const Var& projected, const RecurrentState& initial, const Weights& w,
                                             bool reverse) {
    const LSTMLayerOutput out = fused_lstm_layer(projected, initial.h, initial.c, w.weight_hh, w.bias_hh, reverse);
    return Pass{out.output, {out.h_last, out.c_last}};
  });
  return {s.output, s.h_n, s.c_n};
}

SequenceOutput LSTM::run_sequence(const Var& x, const RecurrentState& initial) const {
  const LSTMResult r = forward(x, initial.h, initial.c);
  return {r.output, {r.h_n, r.c_n}};
}

GRU::GRU(std::size_t input_size, std::size_t hidden_size, Rng& rng, RecurrentOptions options)
    : RecurrentLayers("GRU", 3, input_size, hidden_size, rng, options) {}

RNNResult GRU::forward(const Var& x, const Var& h0) const {
  const Sequence s = run(x, h0, Var(), false, [](const Var& projected, const RecurrentState& initial, const Weights& w,
                                                 bool reverse) {
    const Var output = fused_gru_layer(projected, initial.h, w.weight_hh, w.bias_hh, reverse);
    return Pass{output, {select(output, 0, reverse ? 0 : output.shape()[0] - 1), Var()}};
  });
  return {s.output, s.h_n};
}

SequenceOutput GRU::run_sequence(const Var& x, const RecurrentState& initial) const {
  if (initial.c)
    throw std::invalid_argument("GRU::run_sequence: the initial state has a cell state c; only an LSTM has one");
  const RNNResult r = forward(x, initial.h);
  return {r.output, {r.h_n, Var()}};
}

// ---- by kind ----

std::string name_of(CellKind kind) {
  switch (kind) {
    case CellKind::tanh_rnn:
      return "tanh RNN";
    case CellKind::lstm:
      return "LSTM";
    case CellKind::gru:
      return "GRU";
  }
  throw std::invalid_argument("name_of: not a CellKind");
}

std::unique_ptr<RecurrentLayers> make_recurrent(CellKind kind, std::size_t input_size, std::size_t hidden_size,
                                                Rng& rng, RecurrentOptions options, std::optional<real> forget_bias) {
  switch (kind) {
    case CellKind::tanh_rnn:
      return std::make_unique<RNN>(input_size, hidden_size, rng, options);
    case CellKind::lstm:
      return std::make_unique<LSTM>(input_size, hidden_size, rng, options, forget_bias);
    case CellKind::gru:
      return std::make_unique<GRU>(input_size, hidden_size, rng, options);
  }
  throw std::invalid_argument("make_recurrent: not a CellKind");
}

std::vector<RecurrentState> run_steps(CellKind kind, const RecurrentLayers::Weights& w, const Var& x, bool fused) {
  if (x.dim() != 3 || x.shape()[2] != w.weight_ih.shape()[1]) {
    throw ShapeError("run_steps: x " + to_string(x.shape()) + " for weight_ih " + to_string(w.weight_ih.shape()) +
                     " (expected x [T, B, " + std::to_string(w.weight_ih.shape()[1]) + "])");
  }
  const std::size_t steps = x.shape()[0], batch = x.shape()[1], hidden = w.weight_hh.shape()[1];
  const Var projected = linear(x, w.weight_ih, w.bias_ih);  // [T, B, G*H]: every step's input term at once
  RecurrentState state{Var(Tensor::zeros({batch, hidden})), Var()};
  if (kind == CellKind::lstm) state.c = Var(Tensor::zeros({batch, hidden}));
  std::vector<RecurrentState> states;
  states.reserve(steps);
  for (std::size_t t = 0; t < steps; ++t) {
    const Var x_t = select(projected, 0, t);
    switch (kind) {
      case CellKind::lstm:
        state = fused ? lstm_step(x_t, state, w.weight_hh, w.bias_hh) : lstm_step_composed(x_t, state, w.weight_hh, w.bias_hh);
        break;
      case CellKind::gru:
        state.h = fused ? gru_step(x_t, state.h, w.weight_hh, w.bias_hh) : gru_step_composed(x_t, state.h, w.weight_hh, w.bias_hh);
        break;
      case CellKind::tanh_rnn: state.h = tanh(x_t + linear(state.h, w.weight_hh, w.bias_hh)); break;
    }
    states.push_back(state);
  }
  return states;
}

}  // namespace rnnlab::nn
