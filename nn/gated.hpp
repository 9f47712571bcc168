// Gated recurrent layers, exactly as PyTorch defines them (torch.nn.LSTM, LSTMCell, GRU, GRUCell): the same
// equations, gate order, parameter names, shapes, registration order and initialization, so a state_dict saved
// from PyTorch (its tensors written with numpy.savez) loads into rnnlab with Module::load and gives the same
// outputs, and the other way round.
//
// LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers, Schmidhuber & Cummins 2000). Gates stacked
// in the order i, f, g, o (input, forget, cell candidate, output) in weight_ih [4H, in], weight_hh [4H, H],
// bias_ih [4H], bias_hh [4H]:
//     i = sigmoid(W_ii x + b_ii + W_hi h + b_hi)        f = sigmoid(W_if x + b_if + W_hf h + b_hf)
//     g = tanh(W_ig x + b_ig + W_hg h + b_hg)           o = sigmoid(W_io x + b_io + W_ho h + b_ho)
//     c' = f * c + i * g                                h' = o * tanh(c')
// The cell state c is the "constant error carousel": along it the error is multiplied by f alone, not by a
// weight matrix and a squashing derivative, so with f near 1 it travels far without vanishing.
//
// GRU (Cho et al. 2014). Gates stacked in the order r, z, n in weight_ih [3H, in], weight_hh [3H, H]:
//     r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)        z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//     n = tanh(W_in x + b_in + r * (W_hn h + b_hn))      h' = (1 - z) * n + z * h
// Two known confusions, both PyTorch's (and cuDNN's) convention:
//   - the reset gate multiplies (W_hn h + b_hn), AFTER the matrix product; Cho et al.'s paper applies it before
//     (W_hn (r * h)). The two are different functions; we follow PyTorch so weights transfer.
//   - z is the gate that KEEPS the old state (h' = z * h + ...); the 2014 paper's formula swaps the roles of z
//     and 1 - z. Same family of functions, but the learned z means the opposite.
//
// All parameters start U(-1/sqrt(H), 1/sqrt(H)). `forget_bias`, an rnnlab option (PyTorch has none), sets the
// forget gate's bias at init: bias_ih's f block to the value and bias_hh's f block to 0, so the gate starts at
// sigmoid(forget_bias + W x + U h) (Gers et al. 2000; Jozefowicz, Zaremba & Sutskever 2015 recommend 1).
//
// forward() returns output [T, B, D*H], h_n [D*num_layers, B, H] and, for LSTM, c_n of the same shape. As for RNN,
// with bidirectional = true, h_n's reverse entries are the reverse direction's state at t = 0, not output[T-1].
// LSTM and GRU run each layer and direction as one fused node (fused_lstm_layer, fused_gru_layer in
// autograd/ops.hpp), the cells below step by step; all give equal values and gradients (tested).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "nn/recurrent.hpp"

namespace rnnlab::nn {

class LSTMCell : public Module {
 public:
  LSTMCell(std::size_t input_size, std::size_t hidden_size, Rng& rng, bool bias = true,
           std::optional<real> forget_bias = std::nullopt);
  // x [B, in]; state.h and state.c [B, H] (empty Vars mean zeros). Returns the next (h, c).
  RecurrentState forward(const Var& x, const RecurrentState& state = {}) const;
  RecurrentState operator()(const Var& x, const RecurrentState& state = {}) const { return forward(x, state); }
  std::size_t hidden_size() const { return hidden_; }

  Var weight_ih, weight_hh, bias_ih, bias_hh;

 private:
  std::size_t input_, hidden_;
};

class GRUCell : public Module {
 public:
  GRUCell(std::size_t input_size, std::size_t hidden_size, Rng& rng, bool bias = true);
  // x [B, in], h [B, H] (empty means zeros) -> h' [B, H].
  Var forward(const Var& x, const Var& h = Var()) const;
  Var operator()(const Var& x, const Var& h = Var()) const { return forward(x, h); }
  std::size_t hidden_size() const { return hidden_; }

  Var weight_ih, weight_hh, bias_ih, bias_hh;

 private:
  std::size_t input_, hidden_;
};

struct LSTMResult {
  Var output;  // [T, B, D * H]
  Var h_n;     // [D * num_layers, B, H]
  Var c_n;     // [D * num_layers, B, H]
};

class LSTM : public RecurrentLayers {
 public:
  LSTM(std::size_t input_size, std::size_t hidden_size, Rng& rng, RecurrentOptions options = {},
       std::optional<real> forget_bias = std::nullopt);
  LSTMResult forward(const Var& x, const Var& h0 = Var(), const Var& c0 = Var()) const;
  LSTMResult operator()(const Var& x, const Var& h0 = Var(), const Var& c0 = Var()) const { return forward(x, h0, c0); }
  SequenceOutput run_sequence(const Var& x, const RecurrentState& initial = {}) const override;
};

class GRU : public RecurrentLayers {
 public:
  GRU(std::size_t input_size, std::size_t hidden_size, Rng& rng, RecurrentOptions options = {});
  RNNResult forward(const Var& x, const Var& h0 = Var()) const;
  RNNResult operator()(const Var& x, const Var& h0 = Var()) const { return forward(x, h0); }
  SequenceOutput run_sequence(const Var& x, const RecurrentState& initial = {}) const override;
};

// The three recurrent layers by kind, for code that compares them: one factory, one name each, and the state
// any of them runs from.
enum class CellKind { tanh_rnn, lstm, gru };
std::string name_of(CellKind kind);  // "tanh RNN", "LSTM", "GRU"
// forget_bias applies to the LSTM only (see LSTM's constructor); the others ignore it.
std::unique_ptr<RecurrentLayers> make_recurrent(CellKind kind, std::size_t input_size, std::size_t hidden_size,
                                                Rng& rng, RecurrentOptions options = {},
                                                std::optional<real> forget_bias = std::nullopt);
// One layer's recurrence step by step, from its weights (layer.weights(0)), over x [T, B, in] from zero states:
// every step's state (h, and c for the LSTM), for looking inside the net or keeping the states' gradients
// (retain_grad). `fused` picks lstm_step and gru_step or their composed versions; the tanh RNN has one form.
// The same function as run_sequence on a one-layer net (tested).
std::vector<RecurrentState> run_steps(CellKind kind, const RecurrentLayers::Weights& weights, const Var& x,
                                      bool fused = true);

// The steps themselves, shared by the cells and the layers. x_projected = x W_ih^T + b_ih ([B, G*H]).
// lstm_step and gru_step run the fused cells of autograd/ops.hpp (one node for the elementwise part);
// the *_composed versions build the same step from basic ops, exactly as the equations above read. They give
// equal values and gradients (tested); the composed ones are the reference, the fused ones skip the memory passes
// and graph nodes of ~20 small ops (lesson 13 times both, and the fused layer the modules run).
RecurrentState lstm_step(const Var& x_projected, const RecurrentState& state, const Var& weight_hh, const Var& bias_hh);
Var gru_step(const Var& x_projected, const Var& h, const Var& weight_hh, const Var& bias_hh);
RecurrentState lstm_step_composed(const Var& x_projected, const RecurrentState& state, const Var& weight_hh,
                                  const Var& bias_hh);
Var gru_step_composed(const Var& x_projected, const Var& h, const Var& weight_hh, const Var& bias_hh);

}  // namespace rnnlab::nn
