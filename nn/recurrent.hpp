// Recurrent layers in PyTorch's form, so weights move between rnnlab and PyTorch unchanged.
//
// RNNCell / RNN — Elman's simple recurrent network (Elman 1990, "Finding structure in time"):
//     h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh)        (or relu instead of tanh)
// The hidden state h_{t-1} is fed back as an input at the next step: the network's memory.
//
// Parameters (exactly torch.nn.RNN's): for layer k = 0 .. num_layers-1, and for each direction,
//     weight_ih_l{k}[_reverse]  [H, in_k]   in_0 = input_size, in_k = D * H above the first layer
//     weight_hh_l{k}[_reverse]  [H, H]
//     bias_ih_l{k}[_reverse]    [H]
//     bias_hh_l{k}[_reverse]    [H]
// registered layer by layer, forward direction before reverse, each initialized U(-1/sqrt(H), 1/sqrt(H)).
// (Two bias vectors where one would do: PyTorch keeps both, for cuDNN compatibility, so we do too.)
//
// forward(x [T, B, in], h0 [D * num_layers, B, H] or empty for zeros) returns
//     output [T, B, D * H]   the last layer's state at every step (forward and reverse concatenated; with the
//                            residual option, plus that layer's input), and
//     h_n    [D * num_layers, B, H]   every layer's and direction's final state (layer-major, like PyTorch).
// A known confusion: for a bidirectional net, output[T-1] is NOT all of h_n: the reverse direction's final
// state belongs to t = 0 (it read the sequence backwards), so h_n's reverse half equals output[0]'s second half.
//
// Backpropagation through time needs no code of its own: the loop over t records an unrolled graph and
// backward() runs through it. Truncated BPTT is detach(): see unroll().
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "nn/module.hpp"

namespace rnnlab::nn {

enum class Nonlinearity { tanh, relu };

struct RecurrentOptions {
  std::size_t num_layers = 1;
  bool bidirectional = false;
  bool bias = true;
  // Dropout on every layer's output except the last, while training (Module::train()), as torch.nn.RNN's dropout.
  // The masks come from a generator seeded from the constructor's rng after the weights, so the weights are the
  // same with and without dropout.
  real dropout = 0;
  // An rnnlab extension PyTorch does not have: add each layer's input to its output where their sizes match
  // (x_{k+1} = layer_k(x_k) + x_k), as the deep stacks of speech recognition and translation (e.g. Wu et al. 2016)
  // do, so the error reaches the lower layers through the sum as well as through each layer.
  bool residual = false;
};

// One step of an Elman cell on a batch: x [B, in], h [B, H] -> h' [B, H].
class RNNCell : public Module {
 public:
  RNNCell(std::size_t input_size, std::size_t hidden_size, Rng& rng, Nonlinearity nonlinearity = Nonlinearity::tanh,
          bool bias = true);
  Var forward(const Var& x, const Var& h);
  Var operator()(const Var& x, const Var& h) { return forward(x, h); }
  std::size_t hidden_size() const { return hidden_; }

  Var weight_ih, weight_hh, bias_ih, bias_hh;

 private:
  std::size_t input_, hidden_;
  Nonlinearity nonlinearity_;
};

// Runs `cell` over x [T, B, in] starting from h [B, H]; returns the states [T, B, H]. With truncate_every = k > 0
// the state is detached after every k steps, so gradients flow back at most k steps (truncated BPTT;
// k = 1 is Elman's original training, where the context units are a copy with no gradient through them).
Var unroll(RNNCell& cell, const Var& x, Var h, std::size_t truncate_every = 0);

// ---- the machinery RNN, LSTM and GRU share ----

// One step's state: h for RNN and GRU, (h, c) for LSTM.
struct RecurrentState {
  Var h, c;
};

// Parameters for every layer and direction, with G gate blocks stacked in each matrix ([G*H, in], [G*H, H],
// [G*H], [G*H]), named and registered exactly as PyTorch does; and the loop over layers and directions. How one
// layer runs through time is the only thing RNN (step by step, basic ops), LSTM and GRU (a fused layer) do
// differently.
//
// The one way to run any of them: run_sequence(x, initial) -> {output [T, B, D*H], final state}, with an empty
// initial state for zeros; `initial` and `final` are RecurrentState {h [D*num_layers, B, H], c (LSTM only)}.
// The classes' own forward() keep PyTorch's signatures (h0, c0 separate; LSTMResult / RNNResult).
struct SequenceOutput {
  Var output;
  RecurrentState final;
};

class RecurrentLayers : public Module {
 public:
  struct Weights {
    Var weight_ih, weight_hh, bias_ih, bias_hh;
  };
  virtual SequenceOutput run_sequence(const Var& x, const RecurrentState& initial = {}) const = 0;
  const Weights& weights(std::size_t layer, std::size_t direction = 0) const;
  std::size_t input_size() const { return input_; }
  std::size_t hidden_size() const { return hidden_; }
  std::size_t num_layers() const { return options_.num_layers; }
  std::size_t num_directions() const { return options_.bidirectional ? 2 : 1; }

 protected:
  struct Sequence {
    Var output, h_n, c_n;
  };
  // One layer in one direction over the whole sequence: from projected = x W_ih^T + b_ih for every step
  // ([T, B, G*H]) and the initial state, every step's h ([T, B, H]) and the state after the last step.
  // With reverse, time runs from T - 1 down to 0.
  struct Pass {
    Var output;
    RecurrentState last;
  };
  using Recurrence = std::function<Pass(const Var& projected, const RecurrentState& initial, const Weights& w, bool reverse)>;
  RecurrentLayers(const char* name, std::size_t gates, std::size_t input_size, std::size_t hidden_size, Rng& rng,
                  RecurrentOptions options);
  // x [T, B, in]; h0 and c0 [D * num_layers, B, H] or empty (zeros). `with_cell` runs and returns c (LSTM).
  Sequence run(const Var& x, const Var& h0, const Var& c0, bool with_cell, const Recurrence& recurrence) const;

  const char* name_;
  std::size_t input_, hidden_;
  RecurrentOptions options_;
  std::vector<Weights> weights_;  // index layer * D + direction
  mutable Rng dropout_rng_;       // the dropout masks (drawn in forward, hence mutable)
};

struct RNNResult {
  Var output;  // [T, B, D * H]
  Var h_n;     // [D * num_layers, B, H]
};

class RNN : public RecurrentLayers {
 public:
  RNN(std::size_t input_size, std::size_t hidden_size, Rng& rng, RecurrentOptions options = {},
      Nonlinearity nonlinearity = Nonlinearity::tanh);
  RNNResult forward(const Var& x, const Var& h0 = Var()) const;
  RNNResult operator()(const Var& x, const Var& h0 = Var()) const { return forward(x, h0); }
  SequenceOutput run_sequence(const Var& x, const RecurrentState& initial = {}) const override;

 private:
  Nonlinearity nonlinearity_;
};

// A time-delay layer (Waibel, Hanazawa, Hinton, Shikano & Lang 1989): the same weights applied to every window
// of `delays` consecutive frames, i.e. a 1-d convolution over time:
//     y_t = b + sum_{j < delays} W[:, j, :] x_{t+j}         x [T, B, in] -> y [T - delays + 1, B, out]
// weight [out, delays, in] (W[o][j][i] links input feature i at delay j to output o), bias [out], both
// initialized U(-1/sqrt(in * delays), 1/sqrt(in * delays)) like PyTorch's Conv1d.
class TDNN : public UnaryModule {
 public:
  TDNN(std::size_t in_features, std::size_t out_features, std::size_t delays, Rng& rng);
  Var forward(const Var& x) override;

  Var weight, bias;

 private:
  std::size_t in_, out_, delays_;
};

// Jordan's network (Jordan 1986, "Serial order: a parallel distributed processing approach"): the state is a
// decaying trace of the network's own previous OUTPUTS, not of its hidden units:
//     s_t = mu s_{t-1} + y_{t-1}           (fixed, not trained; s_0 = 0, y_0 = 0)
//     h_t = sigmoid(W_x x_t + W_s s_t + b)
//     y_t = sigmoid(W_o h_t + c)
// Training uses teacher forcing (the target is fed back as y_{t-1}); generation runs free (its own output).
class Jordan : public Module {
 public:
  Jordan(std::size_t input_size, std::size_t hidden_size, std::size_t output_size, double mu, Rng& rng);
  // x [T, B, in] -> y [T, B, out]. With `teacher` ([T, B, out]) the target y_{t-1} is fed back; without, the
  // network's own output is.
  Var forward(const Var& x, const Var& teacher = Var());

  Var weight_input, weight_state, bias_hidden, weight_output, bias_output;
  double mu;

 private:
  std::size_t output_;
};

}  // namespace rnnlab::nn
