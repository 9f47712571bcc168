// How far the error travels back through a recurrent net: the norm of dL/ds_(T-k), the error that reached k steps
// back from the end, as a function of k. Lesson 08 measures it in random tanh, sigmoid and linear nets; lesson 11
// inside trained ones.
#pragma once

#include <cstdint>
#include <vector>

#include "autograd/var.hpp"

namespace rnnlab::lessons {

// The measurement, for any recurrent net: `states` are s_1 .. s_T of B independent sequences ([B, H] each,
// retain_grad() called on each). Backpropagates L = sum_b u_b . s_T[b] with u_b random unit vectors drawn from
// `rng`, and returns for k = 0 .. T-1 the median over the sequences of ||dL/ds_(T-k)[b]||.
std::vector<double> median_error_norm_by_lag(const std::vector<Var>& states, Rng& rng);

enum class Activation { tanh, sigmoid, linear };

struct RandomNetConfig {
  std::size_t hidden = 32, inputs = 8, sequences = 64, steps = 100;
};

// In a random net h_t = f(x_t W^T + h_{t-1} U^T) with U = rho Q (Q random orthogonal, so rho is U's spectral
// radius and every singular value), x_t ~ N(0, 1), W ~ N(0, 1/inputs): median_error_norm_by_lag over
// config.sequences sequences of config.steps steps. Computed by the autograd graph itself.
std::vector<double> error_norm_by_lag(Activation f, double rho, const RandomNetConfig& config, std::uint64_t seed);

}  // namespace rnnlab::lessons
