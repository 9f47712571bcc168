#include "autograd/gradcheck.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "autograd/mode.hpp"
#include "tensor/ops.hpp"

namespace rnnlab {

namespace {

std::string format(const char* pattern, real value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

}  // namespace

GradcheckResult gradcheck(const std::function<Var()>& f, const std::vector<Var>& leaves, GradcheckOptions options) {
  GradcheckResult result;
  std::vector<Var> inputs = leaves;
  for (Var& x : inputs) {
    if (!x.is_leaf() || !x.requires_grad()) throw std::invalid_argument("gradcheck: every input must be a leaf that requires grad");
    x.zero_grad();
  }

  // Analytic: one backward pass of L = sum(r * f(x)), seeded with r.
  const Var output = f();
  result.op = output.op();
  Rng rng(options.seed);
  const Tensor r = Tensor::normal(output.shape(), 0, 1, rng);
  if (!output.requires_grad()) {
    result.passed = false;
    result.report = "gradcheck: the output of '" + result.op + "' does not depend on any input";
    return result;
  }
  backward(output, r);

  // Numeric: central differences of L, one input element at a time, without recording graphs.
  NoGradGuard no_grad;
  auto projected = [&] {
    const Tensor y = f().value();
    real total = 0;
    for (std::size_t i = 0; i < y.size(); ++i) total += r[i] * y[i];
    return total;
  };
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Tensor analytic = inputs[i].grad();
    Tensor& x = inputs[i].mutable_value();
    for (std::size_t j = 0; j < x.size(); ++j) {
      const real saved = x[j];
      x[j] = saved + options.eps;
      const real plus = projected();
      x[j] = saved - options.eps;
      const real minus = projected();
      x[j] = saved;
      const real numeric = (plus - minus) / (2 * options.eps);
      const real error = std::abs(analytic[j] - numeric);
      result.max_abs_error = std::max(result.max_abs_error, error);
      result.max_rel_error = std::max(result.max_rel_error, error / std::max<real>(1, std::abs(numeric)));
      ++result.checked;
      const bool ok = error <= options.atol + options.rtol * std::abs(numeric);  // false for NaN too
      if (!ok && result.passed) {
        result.passed = false;
        result.report = "gradcheck of '" + result.op + "': input " + std::to_string(i) +
                        (inputs[i].name().empty() ? "" : " ('" + inputs[i].name() + "')") + " " + to_string(x.shape()) +
                        ", element " + std::to_string(j) + ": analytic " + format("%.10g", analytic[j]) +
                        ", numeric " + format("%.10g", numeric) + " (|difference| " + format("%.3g", error) +
                        " > atol + rtol * |numeric| = " +
                        format("%.3g", options.atol + options.rtol * std::abs(numeric)) + ")";
      }
    }
  }
  return result;
}

GradcheckResult gradcheck(const GradcheckFunction& f, const std::vector<Tensor>& inputs, GradcheckOptions options) {
  std::vector<Var> leaves;
  for (const Tensor& t : inputs) leaves.emplace_back(t, true);
  return gradcheck([&] { return f(leaves); }, leaves, options);
}

}  // namespace rnnlab
