// The ranking losses of session-based recommendation (Hidasi, Karatzoglou, Baltrunas & Tikk 2016, "Session-based
// recommendations with recurrent neural networks", section 3.1.3).
//
// Row b of scores [B, C] scores C candidate items, column_items[c] naming the item of column c; targets[b] is the
// item row b should rank above the others, and it must be one of the columns. Row b's negatives are the columns
// holding any other item: with the columns the mini-batch's own targets, that is the paper's sampling, where the
// other sessions' next items are the negatives (popular items come up more often, as they should). With r_i the
// score of the target and r_j of negative j, N_b the row's negatives, each loss is the mean over rows of the mean
// over j of
//   BPR:   l = -log sigmoid(r_i - r_j)
//          dl/dr_i = -(1 - sigmoid(r_i - r_j)),   dl/dr_j = +(1 - sigmoid(r_i - r_j))
//   TOP1:  l = sigmoid(r_j - r_i) + sigmoid(r_j^2)
//          dl/dr_i = -s'(r_j - r_i),              dl/dr_j = s'(r_j - r_i) + 2 r_j s'(r_j^2)
// with s' = sigmoid (1 - sigmoid). TOP1's second term pulls the negatives' scores towards zero (the paper's
// regularization); -log sigmoid(x) is computed as log(1 + e^-x) without overflow.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "autograd/ops.hpp"
#include "tensor/math.hpp"

namespace rnnlab {

namespace {

enum class Ranking { bpr, top1 };

real softplus_of(real x) { return std::max(x, real(0)) + math::log1p(math::exp_nonpositive(-std::abs(x))); }  // log(1 + e^x)

Var ranking_loss(Ranking kind, const char* op, const Var& scores, const std::vector<std::size_t>& targets,
                 const std::vector<std::size_t>& column_items) {
  if (scores.dim() != 2 || scores.shape()[0] != targets.size() || scores.shape()[1] != column_items.size() ||
      targets.empty()) {
    throw ShapeError(std::string(op) + ": scores of shape " + to_string(scores.shape()) +
                     " need [B, C] with B = " + std::to_string(targets.size()) +
                     " targets >= 1 and C = " + std::to_string(column_items.size()) + " column items");
  }
  const std::size_t B = targets.size(), C = column_items.size();
  const real* r = scores.value().data();
  auto gradient = std::make_shared<Tensor>(Tensor({B, C}));
  real total = 0;
  std::size_t rows = 0;
  for (std::size_t b = 0; b < B; ++b) {
    const auto at = std::find(column_items.begin(), column_items.end(), targets[b]);
    if (at == column_items.end()) {
      throw ShapeError(std::string(op) + ": row " + std::to_string(b) + "'s target item " + std::to_string(targets[b]) +
                       " is in no column");
    }
    const std::size_t i = static_cast<std::size_t>(at - column_items.begin());
    std::size_t negatives = 0;
    for (std::size_t j = 0; j < C; ++j) negatives += column_items[j] != targets[b];
    if (negatives == 0) continue;  // every column holds this row's item: then every row's, refused below
    ++rows;
    const real ri = r[b * C + i], share = real(1) / static_cast<real>(negatives);
    real* g = gradient->data() + b * C;
    // >>> ranking-losses
    for (std::size_t j = 0; j < C; ++j) {
      if (column_items[j] == targets[b]) continue;
      const real rj = r[b * C + j];
      if (kind == Ranking::bpr) {
        total += share * softplus_of(rj - ri);  // -log sigmoid(ri - rj) = log(1 + e^(rj - ri))
        const real pull = 1 - math::sigmoid(ri - rj);
        g[i] -= share * pull;
        g[j] += share * pull;
      } else {
        const real s = math::sigmoid(rj - ri), q = math::sigmoid(rj * rj);
        total += share * (s + q);
        g[i] -= share * s * (1 - s);
        g[j] += share * (s * (1 - s) + 2 * rj * q * (1 - q));
      }
    }
    // <<< ranking-losses
  }
  if (rows == 0) {
    throw ShapeError(std::string(op) + ": no row has a negative (every column holds its row's target item)");
  }
  *gradient *= real(1) / static_cast<real>(rows);
  return record(op, Tensor::scalar(total / static_cast<real>(rows)), {scores}, [gradient](Node& y) {
    Tensor g = *gradient;
    g *= y.grad.item();
    accumulate_grad(*y.inputs[0], std::move(g));
  });
}

}  // namespace

Var bpr_loss(const Var& scores, const std::vector<std::size_t>& targets, const std::vector<std::size_t>& column_items) {
  return ranking_loss(Ranking::bpr, "bpr_loss", scores, targets, column_items);
}

Var top1_loss(const Var& scores, const std::vector<std::size_t>& targets,
              const std::vector<std::size_t>& column_items) {
  return ranking_loss(Ranking::top1, "top1_loss", scores, targets, column_items);
}

}  // namespace rnnlab
