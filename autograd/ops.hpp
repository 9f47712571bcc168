// The differentiable ops. Each one computes its value with the tensor/ kernels and records a backward
// function; the derivative is written next to each backward in the .cpp files:
//   elementwise.cpp  add, mul, neg, pow, exp, log, sqrt, abs, tanh, sigmoid, relu (+ composites sub, div)
//   reduce.cpp       sum, mean, max
//   linalg.cpp       matmul, linear
//   shape.cpp        reshape, permute, transpose, slice, select, concat, stack, index_select
//   loss.cpp         log_softmax, softmax, cross_entropy, mse_loss, bce_with_logits
//   ctc.cpp          ctc_loss
//   mixture.cpp      mixture_density_loss
//   ranking.cpp      bpr_loss, top1_loss
//   attention.cpp    additive_attention
//   cells.cpp        fused_lstm_cell, fused_gru_cell, fused_lstm_layer, fused_gru_layer, fused_rnn_layer
// Binary ops broadcast like NumPy; their backward sums the gradient back to each input's shape (sum_to).
#pragma once

#include <array>
#include <vector>

#include "autograd/var.hpp"
#include "tensor/random.hpp"

namespace rnnlab {

// A constant (requires no grad) holding one number; broadcasts against anything.
Var constant(real value);

// ---- elementwise ----
Var add(const Var& a, const Var& b);
Var sub(const Var& a, const Var& b);  // a + (-b)
Var mul(const Var& a, const Var& b);
Var div(const Var& a, const Var& b);  // a * b^-1
Var neg(const Var& x);
Var pow(const Var& x, real exponent);
Var exp(const Var& x);
Var log(const Var& x);
Var sqrt(const Var& x);
Var abs(const Var& x);
Var tanh(const Var& x);
Var sigmoid(const Var& x);
Var relu(const Var& x);

inline Var operator+(const Var& a, const Var& b) { return add(a, b); }
inline Var operator-(const Var& a, const Var& b) { return sub(a, b); }
inline Var operator*(const Var& a, const Var& b) { return mul(a, b); }
inline Var operator/(const Var& a, const Var& b) { return div(a, b); }
inline Var operator-(const Var& x) { return neg(x); }
inline Var operator+(const Var& a, real b) { return add(a, constant(b)); }
inline Var operator+(real a, const Var& b) { return add(constant(a), b); }
inline Var operator-(const Var& a, real b) { return add(a, constant(-b)); }
inline Var operator-(real a, const Var& b) { return add(constant(a), neg(b)); }
inline Var operator*(const Var& a, real b) { return mul(a, constant(b)); }
inline Var operator*(real a, const Var& b) { return mul(constant(a), b); }
inline Var operator/(const Var& a, real b) { return mul(a, constant(1 / b)); }
inline Var operator/(real a, const Var& b) { return mul(constant(a), pow(b, -1)); }

// ---- reductions ----
Var sum(const Var& x);                                // all elements, to shape []
Var sum(const Var& x, long axis, bool keepdim = false);
Var mean(const Var& x);                               // sum(x) / n
Var mean(const Var& x, long axis, bool keepdim = false);
Var max(const Var& x, long axis, bool keepdim = false);  // gradient flows to the (first) argmax only

// ---- linear algebra ----
// a [m, k] x b [k, n] -> [m, n]; batched a [B, m, k] x b [B, k, n] -> [B, m, n].
Var matmul(const Var& a, const Var& b);

// The affine map of a Linear layer, fused: y = x W^T + b, for x [..., in], W [out, in], b [out] -> [..., out].
// `bias` may be an empty Var() for no bias. Equal to matmul(x, transpose(W)) + b, without the transposed copy.
Var linear(const Var& x, const Var& weight, const Var& bias);

// ---- shape ----
Var reshape(const Var& x, const std::vector<long>& shape);  // one size may be -1
Var permute(const Var& x, const std::vector<std::size_t>& order);
Var transpose(const Var& x, long axis0, long axis1);
Var slice(const Var& x, long axis, std::size_t start, std::size_t end);  // [start, end) along axis
Var select(const Var& x, long axis, std::size_t index);  // one index along axis, which disappears: x[t] of [T, B, F] is [B, F]
Var concat(const std::vector<Var>& parts, long axis);
Var stack(const std::vector<Var>& parts, long axis);  // reshape each to insert the axis, then concat
Var index_select(const Var& x, const std::vector<std::size_t>& indices);  // rows of x: an embedding lookup

// ---- softmax family and losses ----
Var log_softmax(const Var& x, long axis);  // fused: x - logsumexp(x), stable for any x
Var softmax(const Var& x, long axis);      // exp(log_softmax(x))
// Mean over the N rows of -log softmax(logits)[target]: logits [N, C], one class index per row in [0, C).
Var cross_entropy(const Var& logits, const std::vector<std::size_t>& targets);
// Mean of (prediction - target)^2 over all elements; the shapes must match.
Var mse_loss(const Var& prediction, const Var& target);
// Connectionist temporal classification (autograd/ctc.cpp): log_probs [T, B, C] (a log_softmax over C), the label
// sequence of each of the B sequences (labels in 0..C-1, never `blank`) and its number of frames (<= T). Returns
// the mean over the batch of -log p(labels | x) / max(1, number of labels): PyTorch's ctc_loss(reduction="mean").
// Refuses (ShapeError) labels that need more frames than a sequence has.
Var ctc_loss(const Var& log_probs, const std::vector<std::vector<std::size_t>>& targets,
             const std::vector<std::size_t>& input_lengths, std::size_t blank = 0);
// The bivariate Gaussian mixture and pen-lift loss of handwriting generation (Graves 2013, eqs. 18-26;
// autograd/mixture.cpp): params [N, 1 + 6M] hold, per point, the pen-lift logit, then M mixture logits, M mu1,
// M mu2, M log sigma1, M log sigma2 and M atanh rho (raw: squashed inside); targets [N, 3] hold (dx, dy, lift)
// with lift 0 or 1. Returns the mean over the points of -log Pr(target).
Var mixture_density_loss(const Var& params, const Tensor& targets, std::size_t components);
// One draw (dx, dy, lift) from the distribution one row of those params describes: a component j with
// probability pi_j, then dx = mu1 + s1 z1, dy = mu2 + s2 (rho z1 + sqrt(1 - rho^2) z2) for standard normal z1, z2,
// and lift 1 with probability e. bias >= 0 is Graves's sampling bias (eqs. 61-62): the mixture logits times
// 1 + bias and the sigmas times e^-bias; 0 draws from the distribution itself, a large one nears the likeliest
// component's mean.
std::array<real, 3> sample_mixture(const real* params, std::size_t components, real bias, Rng& rng);
// The ranking losses of session-based recommendation (Hidasi et al. 2016; autograd/ranking.cpp): scores [B, C],
// row b scoring the items column_items names; targets[b], one of the columns' items, is what row b should rank
// first, and every column holding another item is one of its negatives. The mean over rows of the mean over a row's
// negatives j of -log sigmoid(r_target - r_j) (BPR), or of sigmoid(r_j - r_target) + sigmoid(r_j^2) (TOP1).
// Refused (ShapeError) when a target is in no column, or every column holds the same item (no row has a negative).
Var bpr_loss(const Var& scores, const std::vector<std::size_t>& targets, const std::vector<std::size_t>& column_items);
Var top1_loss(const Var& scores, const std::vector<std::size_t>& targets, const std::vector<std::size_t>& column_items);
// Additive attention (Bahdanau et al. 2014; autograd/attention.cpp), one node: keys [T, B, A] (the encoder states'
// projections U h_t), query [B, A] (the decoder's W s + b), score [A] (v), values [T, B, D] (the encoder states) ->
// the context sum_t a_tb values_tb [B, D], with a_tb = softmax over t of score . tanh(keys_tb + query_b). The same
// as that composition of ops (tested), without its dozen nodes; `weights`, if given, receives a [T, B].
Var additive_attention(const Var& keys, const Var& query, const Var& score, const Var& values,
                       Tensor* weights = nullptr);
// Binary cross-entropy on logits z with targets y in [0, 1], fused with the sigmoid so it is stable for any z:
// mean of -[y log sigma(z) + (1 - y) log(1 - sigma(z))] = mean of max(z, 0) - z y + log(1 + e^-|z|).
Var bce_with_logits(const Var& logits, const Var& targets);

// ---- fused recurrent cells ----
// The elementwise part of one LSTM or GRU step as one node with a hand-written backward, instead of ~15 nodes
// of slices, activations, products and sums. Same values and gradients as the composed steps in nn/gated.cpp
// (the tests check it); faster because one node does one pass over memory and keeps its gate activations.
// gates_x = x W_ih^T + b_ih and gates_h = h W_hh^T + b_hh, both [B, 4H] (LSTM: i, f, g, o) or [B, 3H] (GRU: r, z, n).
struct LSTMCellOutput {
  Var h, c;  // [B, H] each
};
// c' = f c + i g, h' = o tanh(c') with i, f, o = sigmoid and g = tanh of (gates_x + gates_h)'s blocks; c [B, H].
LSTMCellOutput fused_lstm_cell(const Var& gates_x, const Var& gates_h, const Var& c);
// r, z = sigmoid of (gates_x + gates_h)'s first two blocks, n = tanh(gates_x[n] + r gates_h[n]),
// h' = (1 - z) n + z h; h [B, H].
Var fused_gru_cell(const Var& gates_x, const Var& gates_h, const Var& h);

// ---- fused recurrent layers ----
// A whole layer's recurrence, one direction, as one node (the way cuDNN runs it): the time loop runs inside the
// op and its backward is backpropagation through time written out by hand, with the cells' arithmetic above.
// gates_x = x W_ih^T + b_ih for every step, [T, B, G*H], is computed outside in one large product (linear); per
// step only h W_hh^T + b_hh and the cell remain. Besides saving ~5 nodes a step, the backward multiplies
// dW_hh = sum_t dA_t^T h_{t-1} for all steps at once: one large product in place of T small ones.
// h0 (and c0) [B, H]; weight_hh [G*H, H]; bias_hh [G*H] or an empty Var. With reverse = true the loop runs from
// t = T - 1 down to 0 (the backward direction of a bidirectional layer); output row t is always time t.
struct LSTMLayerOutput {
  Var output;        // h_t for every t, [T, B, H]
  Var h_last, c_last;  // the state after the last step the loop ran (t = T - 1, or t = 0 in reverse), [B, H]
};
LSTMLayerOutput fused_lstm_layer(const Var& gates_x, const Var& h0, const Var& c0, const Var& weight_hh,
                                 const Var& bias_hh, bool reverse = false);
// The GRU's states h_t for every t, [T, B, H]; the last one is output[T - 1] (output[0] in reverse).
Var fused_gru_layer(const Var& gates_x, const Var& h0, const Var& weight_hh, const Var& bias_hh, bool reverse = false);
// Elman's layer, h_t = f(gates_x_t + h_{t-1} W_hh^T + b_hh) with f = tanh or relu (G = 1): its states for every t,
// [T, B, H], as fused_gru_layer.
enum class Squash { tanh, relu };
Var fused_rnn_layer(const Var& gates_x, const Var& h0, const Var& weight_hh, const Var& bias_hh, Squash squash,
                    bool reverse = false);

}  // namespace rnnlab
