// What the exercises ask you to write, declared once. stubs/ holds your starting point (every function throws
// NotImplemented), solutions/ one way to do each; checks/ holds the doctest checks both are built against.
// Start with README.md in this folder.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "autograd/var.hpp"

namespace rnnlab::exercises {

// What every stub throws: "not implemented yet: exercise N".
class NotImplemented : public std::logic_error {
 public:
  explicit NotImplemented(int exercise);
};

// ---- Exercise 1: a new op ----
// softplus(x) = log(1 + e^x), elementwise, as ONE op (recorded as "softplus") with a hand-written backward:
//   d softplus / dx = e^x / (1 + e^x) = sigmoid(x).
// It must be finite for every finite x (no overflow at x = 800).
Var softplus(const Var& x);

// ---- Exercise 2: a wrong derivative ----
// tanh's value, recorded as one op, with a derivative you get wrong on purpose (say 1 - y instead of 1 - y^2).
Var tanh_with_wrong_derivative(const Var& x);

// ---- Exercise 3: a new recurrent cell ----
// The minimal gated unit (Zhou, Wu, Zhang & Zhou 2016, "Minimal gated unit for recurrent neural networks"):
// a GRU whose update and reset gates are one gate f.
//   f  = sigmoid(x W_f^T + h U_f^T + b_f)
//   n  = tanh(x W_n^T + (f * h) U_n^T + b_n)
//   h' = (1 - f) * h + f * n
// x [B, in], h [B, H]; W_f, W_n [H, in]; U_f, U_n [H, H]; b_f, b_n [H].
struct MinimalGatedWeights {
  Var w_f, u_f, b_f, w_n, u_n, b_n;
};
Var minimal_gated_step(const Var& x, const Var& h, const MinimalGatedWeights& weights);

// ---- Exercise 4: truncated backpropagation through time ----
// Lesson 06's experiment with one change: the state is detached every `truncate_every` steps (0: never, full
// BPTT; 1: Elman's one-step training). Trains lesson 06's network (8 tanh units, Adam 1e-2, batches of 32
// windows of 24 bits, 1,000 steps) from Rng(seed) on lesson 06's training stream for that seed, and returns the
// test MSE at the XOR bit (position 2 of each triple), the state carried over the whole test stream.
double xor_bit_mse(std::size_t truncate_every, std::uint64_t seed);
// The smallest truncate_every >= 1 whose run with seed 0 reaches an XOR-bit MSE below 0.05.
std::size_t shortest_truncation();

// ---- Exercise 5: gradient-norm clipping ----
// Pascanu, Mikolov & Bengio (2013): N = the L2 norm of all the gradients together; when the factor
// max_norm / (N + 1e-6) is below 1, multiply every gradient by it (PyTorch's rule, so the two agree exactly).
// Returns N, the norm before clipping. Vars without a gradient are skipped.
real clip_by_total_norm(const std::vector<Var>& params, real max_norm);

}  // namespace rnnlab::exercises
