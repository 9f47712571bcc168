// Initializers: overwrite a parameter's value in place (outside the graph), drawing from an explicit Rng.
#pragma once

#include "autograd/var.hpp"

namespace rnnlab::nn::init {

void uniform_(Var& p, real low, real high, Rng& rng);
// A new parameter of the given shape drawn U(-bound, bound): PyTorch's default for linear and recurrent layers.
Var uniform_parameter(const Shape& shape, real bound, Rng& rng);
void normal_(Var& p, real mean, real stddev, Rng& rng);
void constant_(Var& p, real value);
// Glorot & Bengio 2010: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), for a 2-d weight [fan_out, fan_in].
void xavier_uniform_(Var& p, Rng& rng);

// A random orthogonal matrix times `gain` (Saxe, McClelland & Ganguli 2014), for a square 2-d weight: rows
// from Gram-Schmidt on a Gaussian matrix. Every singular value, and every eigenvalue's modulus, equals gain,
// so gain IS the spectral radius: the knob lesson 08 turns.
void orthogonal_(Var& p, Rng& rng, real gain = 1);

}  // namespace rnnlab::nn::init
