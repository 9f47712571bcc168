// Connectionist temporal classification (Graves, Fernandez, Gomez & Schmidhuber 2006, "Connectionist temporal
// classification: labelling unsegmented sequence data with recurrent neural networks", section 4.1).
//
// A network emits, at each of T frames, a distribution over C symbols: the labels and one extra, the blank. A path
// pi (one symbol per frame) spells a labelling B(pi) once repeats are merged and blanks removed: "aa-ab-" -> "aab".
// The loss is -log p(z | x) with p(z | x) = sum over the paths pi with B(pi) = z of prod_t y_t(pi_t): every
// alignment of the label sequence z to the frames counts, and none has to be given.
//
// The sum over paths is a dynamic programme over z', which is z with a blank before, between and after its labels
// (S = 2|z| + 1 symbols). In log space, with lp_t(k) = log y_t(k):
//   alpha_t(s) = lp_t(z'_s) + logsumexp(alpha_(t-1)(s), alpha_(t-1)(s-1), alpha_(t-1)(s-2) if z'_s is a label
//                                       different from z'_(s-2))
//   alpha_0(0) = lp_0(blank), alpha_0(1) = lp_0(z_1);   log p(z | x) = logsumexp(alpha_(T-1)(S-1), alpha_(T-1)(S-2))
// (a path may skip a blank only between two different labels: "aa" needs a blank between its a's). Backwards,
// beta_t(s) sums the ways to finish from symbol s at frame t, not counting frame t's own emission:
//   beta_(T-1)(S-1) = beta_(T-1)(S-2) = 0 (log 1),
//   beta_t(s) = logsumexp over s' in {s, s+1, s+2 (same rule)} of beta_(t+1)(s') + lp_(t+1)(z'_s').
// Then alpha_t(s) + beta_t(s) is the log of the probability of all paths through symbol s at frame t, and
//   d(-log p) / d lp_t(k) = -sum_(s : z'_s = k) exp(alpha_t(s) + beta_t(s) - log p) = -gamma_t(k),
// the share of paths that emit k at frame t. After a log_softmax this becomes the paper's y_t(k) - gamma_t(k).
// The derivative above is exact for any input, so gradcheck applies; PyTorch's ctc_loss instead returns the
// composed y - gamma, which is right only after a log_softmax. Tests check the loss against the sum over every path.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "tensor/math.hpp"

namespace rnnlab {

namespace {

using math::log_add;
constexpr real minus_infinity = -std::numeric_limits<real>::infinity();

void check_ctc(const Var& log_probs, const std::vector<std::vector<std::size_t>>& targets,
               const std::vector<std::size_t>& input_lengths, std::size_t blank) {
  const std::string shapes = "ctc_loss: log_probs of shape " + to_string(log_probs.shape());
  if (log_probs.dim() != 3 || log_probs.shape()[0] == 0 || log_probs.shape()[1] == 0 || log_probs.shape()[2] < 2) {
    throw ShapeError(shapes + " need shape [T, B, C] with T, B >= 1 and C >= 2 (the labels and the blank)");
  }
  const std::size_t steps = log_probs.shape()[0], batch = log_probs.shape()[1], classes = log_probs.shape()[2];
  if (targets.size() != batch || input_lengths.size() != batch) {
    throw ShapeError(shapes + ": " + std::to_string(targets.size()) + " targets and " +
                     std::to_string(input_lengths.size()) + " input lengths for a batch of " + std::to_string(batch));
  }
  if (blank >= classes) {
    throw ShapeError(shapes + ": blank " + std::to_string(blank) + " is not one of the " + std::to_string(classes) +
                     " classes");
  }
  for (std::size_t b = 0; b < batch; ++b) {
    const std::string which = shapes + ", sequence " + std::to_string(b);
    if (input_lengths[b] == 0 || input_lengths[b] > steps) {
      throw ShapeError(which + ": input length " + std::to_string(input_lengths[b]) + " is not in 1.." +
                       std::to_string(steps));
    }
    std::size_t needed = targets[b].size();  // one frame a label, and one more for each blank between repeats
    for (std::size_t i = 0; i < targets[b].size(); ++i) {
      if (targets[b][i] >= classes || targets[b][i] == blank) {
        throw ShapeError(which + ": label " + std::to_string(targets[b][i]) + " is the blank or not a class");
      }
      if (i > 0 && targets[b][i] == targets[b][i - 1]) ++needed;
    }
    if (needed > input_lengths[b]) {
      throw ShapeError(which + ": " + std::to_string(targets[b].size()) + " labels need at least " +
                       std::to_string(needed) + " frames, and it has " + std::to_string(input_lengths[b]));
    }
  }
  // A NaN would make every sum through its frame NaN and the loss say nothing of where it came from.
  const real* lp = log_probs.value().data();
  for (std::size_t i = 0; i < log_probs.value().size(); ++i) {
    if (std::isnan(lp[i])) {
      const std::size_t t = i / (batch * classes), b = i / classes % batch;
      throw std::invalid_argument(shapes + ": NaN at frame " + std::to_string(t) + " of sequence " + std::to_string(b) +
                                  ", class " + std::to_string(i % classes));
    }
  }
}

// One sequence: returns -log p(z | x) and, if `grad` is given, writes -gamma_t(k) into it (stride: one frame of the
// batch, B * C). lp points at frame 0 of this sequence; frames are `frame` values apart.
real ctc_one(const real* lp, std::size_t frame, std::size_t steps, const std::vector<std::size_t>& labels,
             std::size_t blank, real* grad) {
  // >>> ctc-forward
  const std::size_t S = 2 * labels.size() + 1;
  auto symbol = [&](std::size_t s) { return s % 2 == 0 ? blank : labels[s / 2]; };
  // May a path go from s - 2 straight to s (skipping the blank between)? Only onto a label unlike the one before.
  auto may_skip_to = [&](std::size_t s) { return s >= 2 && s % 2 == 1 && symbol(s) != symbol(s - 2); };
  std::vector<real> alpha(steps * S, minus_infinity), beta(steps * S, minus_infinity);
  alpha[0] = lp[blank];
  if (S > 1) alpha[1] = lp[symbol(1)];
  for (std::size_t t = 1; t < steps; ++t) {
    const real* before = alpha.data() + (t - 1) * S;
    for (std::size_t s = 0; s < S; ++s) {
      real sum = before[s];
      if (s >= 1) sum = log_add(sum, before[s - 1]);
      if (may_skip_to(s)) sum = log_add(sum, before[s - 2]);
      alpha[t * S + s] = sum == minus_infinity ? minus_infinity : sum + lp[t * frame + symbol(s)];
    }
  }
  const real* last = alpha.data() + (steps - 1) * S;
  const real log_p = S > 1 ? log_add(last[S - 1], last[S - 2]) : last[0];
  // <<< ctc-forward
  if (!grad) return -log_p;

  beta[(steps - 1) * S + S - 1] = 0;
  if (S > 1) beta[(steps - 1) * S + S - 2] = 0;
  for (std::size_t t = steps - 1; t-- > 0;) {
    const real* after = beta.data() + (t + 1) * S;
    const real* next_lp = lp + (t + 1) * frame;
    for (std::size_t s = 0; s < S; ++s) {
      real sum = after[s] + next_lp[symbol(s)];
      if (s + 1 < S) sum = log_add(sum, after[s + 1] + next_lp[symbol(s + 1)]);
      if (s + 2 < S && may_skip_to(s + 2)) sum = log_add(sum, after[s + 2] + next_lp[symbol(s + 2)]);
      beta[t * S + s] = sum;
    }
  }
  for (std::size_t t = 0; t < steps; ++t) {
    for (std::size_t s = 0; s < S; ++s) {
      const real through = alpha[t * S + s] + beta[t * S + s];
      if (through != minus_infinity) grad[t * frame + symbol(s)] -= math::exp(through - log_p);
    }
  }
  return -log_p;
}

}  // namespace

Var ctc_loss(const Var& log_probs, const std::vector<std::vector<std::size_t>>& targets,
             const std::vector<std::size_t>& input_lengths, std::size_t blank) {
  check_ctc(log_probs, targets, input_lengths, blank);
  const std::size_t steps = log_probs.shape()[0], batch = log_probs.shape()[1], classes = log_probs.shape()[2];
  const bool wants_gradient = grad_enabled() && log_probs.requires_grad();
  // d(loss) / d(log_probs) for a loss gradient of 1, filled by each sequence; frames past a sequence's length stay 0.
  auto gradient = std::make_shared<Tensor>(wants_gradient ? Shape{steps, batch, classes} : Shape{0});
  real total = 0;
  for (std::size_t b = 0; b < batch; ++b) {
    const real weight = 1 / (static_cast<real>(batch) * static_cast<real>(std::max<std::size_t>(1, targets[b].size())));
    real* grad = wants_gradient ? gradient->data() + b * classes : nullptr;
    const real loss =
        ctc_one(log_probs.value().data() + b * classes, batch * classes, input_lengths[b], targets[b], blank, grad);
    total += weight * loss;
    if (grad) {
      for (std::size_t t = 0; t < input_lengths[b]; ++t) {
        for (std::size_t k = 0; k < classes; ++k) grad[t * batch * classes + k] *= weight;
      }
    }
  }
  return record("ctc_loss", Tensor::scalar(total), {log_probs}, [gradient](Node& y) {
    // loss = sum_b w_b (-log p_b) with w_b = 1 / (B max(1, |z_b|)): dloss/dlp_t,b(k) = -w_b gamma_t,b(k)
    Tensor g = *gradient;
    g *= y.grad.item();
    accumulate_grad(*y.inputs[0], std::move(g));
  });
}

}  // namespace rnnlab
