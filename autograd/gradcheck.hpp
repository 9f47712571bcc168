// gradcheck: compares the gradients backward() computes with central finite differences, in double.
//
// For f: inputs -> output, a fixed random vector r (of the output's shape) turns the output into the number
// L = sum(r * f(x)). Backward gives dL/dx analytically; numerically, for every input element,
//   dL/dx_j ~ (L(x + eps e_j) - L(x - eps e_j)) / (2 eps)     (error O(eps^2)).
// An element passes when |analytic - numeric| <= atol + rtol * |numeric| (PyTorch's gradcheck tolerances).
// Checking r^T J instead of the whole Jacobian J costs one backward instead of one per output element; a wrong
// Jacobian entry escapes only if r is orthogonal to the error, which a random r practically never is.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "autograd/var.hpp"

namespace rnnlab {

struct GradcheckOptions {
  real eps = 1e-6;
  real atol = 1e-5;
  real rtol = 1e-3;
  std::uint64_t seed = 0;  // for the projection vector r
};

struct GradcheckResult {
  bool passed = true;
  real max_abs_error = 0;  // max |analytic - numeric|
  real max_rel_error = 0;  // max |analytic - numeric| / max(1, |numeric|): relative for large, absolute for small
  std::size_t checked = 0;  // elements compared
  std::string op;           // the op that produced f's output
  std::string report;       // empty when passed; else the first failing element: input, index, both values
};

using GradcheckFunction = std::function<Var(const std::vector<Var>& inputs)>;

// Builds leaf Vars (requiring grad) from `inputs`, calls f on them, and checks every input element.
GradcheckResult gradcheck(const GradcheckFunction& f, const std::vector<Tensor>& inputs, GradcheckOptions options = {});

// The same for existing leaf Vars that f() reads by itself, such as a module's parameters:
// gradcheck([&] { return layer(x); }, {x, layer.weight, layer.bias}). Their gradients are reset first, and
// their values are perturbed in place and restored.
GradcheckResult gradcheck(const std::function<Var()>& f, const std::vector<Var>& leaves, GradcheckOptions options = {});

}  // namespace rnnlab
