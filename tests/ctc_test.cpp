#include <cmath>
#include <map>

#include "autograd/ops.hpp"
#include "check.hpp"
#include "nn/ctc.hpp"
#include "tensor/random.hpp"

using namespace rnnlab;
using rnnlab::testing::message_of;

namespace {

using Labels = std::vector<std::size_t>;

// B(path): repeats merged, then blanks (0) removed.
Labels collapse(const Labels& path) {
  Labels out;
  for (std::size_t t = 0; t < path.size(); ++t) {
    if (path[t] != 0 && (t == 0 || path[t] != path[t - 1])) out.push_back(path[t]);
  }
  return out;
}

// p(labelling | x) for every labelling, by enumerating all C^T paths of the [T, C] log-probabilities.
std::map<Labels, double> every_labelling(const Tensor& log_probs) {
  const std::size_t steps = log_probs.shape()[0], classes = log_probs.shape()[1];
  std::map<Labels, double> p;
  Labels path(steps, 0);
  while (true) {
    double log_path = 0;
    for (std::size_t t = 0; t < steps; ++t) log_path += log_probs[t * classes + path[t]];
    p[collapse(path)] += std::exp(log_path);
    std::size_t t = 0;  // the next path, counting in base C
    while (t < steps && ++path[t] == classes) path[t++] = 0;
    if (t == steps) return p;
  }
}

Tensor random_log_probs(std::size_t steps, std::size_t classes, Rng& rng) {
  const Tensor logits = Tensor::normal({steps, classes}, 0, 1.5, rng);
  return log_softmax(Var(logits), 1).value();
}

}  // namespace

TEST_SUITE("autograd") {
  TEST_CASE("ctc_loss equals -log of the sum over every path for every labelling of tiny cases") {
    Rng rng(11);
    for (std::size_t steps = 1; steps <= 5; ++steps) {
      const Tensor lp = random_log_probs(steps, 3, rng);
      const std::map<Labels, double> p = every_labelling(lp);
      double total = 0;
      for (const auto& labelling : p) {
        const Labels& labels = labelling.first;
        const double probability = labelling.second;
        total += probability;
        const Var loss = ctc_loss(Var(lp.reshape({static_cast<long>(steps), 1, 3})), {labels}, {steps});
        INFO("T = " << steps << ", " << labels.size() << " labels");
        CHECK(loss.item() * std::max<double>(1, labels.size()) ==
              doctest::Approx(-std::log(probability)).epsilon(1e-12));
      }
      CHECK(total == doctest::Approx(1).epsilon(1e-12));  // the labellings partition the paths
    }
  }

  TEST_CASE("ctc_loss: each sequence of a batch uses its own length and the mean divides by the label counts") {
    Rng rng(12);
    const Tensor a = random_log_probs(4, 4, rng), b = random_log_probs(4, 4, rng);
    Tensor both({4, 2, 4});
    for (std::size_t t = 0; t < 4; ++t) {
      for (std::size_t k = 0; k < 4; ++k) {
        both[(t * 2 + 0) * 4 + k] = a[t * 4 + k];
        both[(t * 2 + 1) * 4 + k] = b[t * 4 + k];
      }
    }
    const Tensor b_first3 = slice(b, 0, 0, 3);
    const double loss_a = -std::log(every_labelling(a)[{1, 3, 3}]);
    const double loss_b = -std::log(every_labelling(b_first3)[{2}]);
    const Var batch = ctc_loss(Var(both), {{1, 3, 3}, {2}}, {4, 3});
    CHECK(batch.item() == doctest::Approx((loss_a / 3 + loss_b / 1) / 2).epsilon(1e-12));
  }

  TEST_CASE("ctc_loss refuses what no alignment can explain and names the sequence") {
    const Var lp(Tensor::zeros({3, 2, 4}));
    CHECK(message_of<ShapeError>([&] {
            ctc_loss(lp, {{1}, {2, 2, 3}}, {3, 3});
          }) == "ctc_loss: log_probs of shape [3, 2, 4], sequence 1: 3 labels need at least 4 frames, and it has 3");
    CHECK_THROWS_AS(ctc_loss(lp, {{1}, {0}}, {3, 3}), ShapeError);  // the blank as a label
    CHECK_THROWS_AS(ctc_loss(lp, {{1}, {4}}, {3, 3}), ShapeError);  // not a class
    CHECK_THROWS_AS(ctc_loss(lp, {{1}, {1}}, {3, 4}), ShapeError);  // longer than T
    CHECK_THROWS_AS(ctc_loss(lp, {{1}}, {3}), ShapeError);          // not one per sequence
    CHECK_THROWS_AS(ctc_loss(Var(Tensor::zeros({3, 4})), {{1}}, {3}), ShapeError);
    Tensor with_nan = Tensor::zeros({3, 2, 4});
    with_nan[(2 * 2 + 1) * 4 + 3] = std::nan("");
    CHECK(message_of<std::invalid_argument>([&] {
            ctc_loss(Var(with_nan), {{1}, {2}}, {3, 3});
          }) == "ctc_loss: log_probs of shape [3, 2, 4]: NaN at frame 2 of sequence 1, class 3");
  }

}  // TEST_SUITE("autograd")

TEST_SUITE("nn") {
  TEST_CASE("CTC decoding: an unpruned prefix beam search finds the most likely labelling where best path may not") {
    Rng rng(13);
    std::size_t greedy_misses = 0;
    for (int trial = 0; trial < 40; ++trial) {
      const Tensor lp = random_log_probs(4, 3, rng);
      const std::map<Labels, double> p = every_labelling(lp);
      const auto best =
          std::max_element(p.begin(), p.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
      CHECK(nn::ctc_beam_search(lp, 1000) == best->first);
      greedy_misses += nn::ctc_greedy_decode(lp) != best->first;
    }
    CHECK(greedy_misses > 0);  // the sum over paths matters on some of these
  }

  TEST_CASE("CTC decoding: best path merges repeats and drops blanks") {
    // Frames: a a - a b - (blank = 0, a = 1, b = 2) spell "aab".
    const std::vector<std::size_t> path = {1, 1, 0, 1, 2, 0};
    Tensor lp = Tensor::full({6, 3}, -5);
    for (std::size_t t = 0; t < path.size(); ++t) lp[t * 3 + path[t]] = -0.01;
    CHECK(nn::ctc_greedy_decode(lp) == Labels{1, 1, 2});
    CHECK(nn::ctc_beam_search(lp, 4) == Labels{1, 1, 2});
    CHECK_THROWS_AS(nn::ctc_beam_search(lp, 0), ShapeError);
    CHECK_THROWS_AS(nn::ctc_greedy_decode(Tensor::zeros({6})), ShapeError);
  }

  TEST_CASE("edit distance") {
    CHECK(nn::edit_distance({}, {}) == 0);
    CHECK(nn::edit_distance({1, 2, 3}, {}) == 3);
    CHECK(nn::edit_distance({}, {1, 2}) == 2);
    CHECK(nn::edit_distance({1, 2, 3}, {1, 3}) == 1);           // a deletion
    CHECK(nn::edit_distance({1, 2, 3}, {1, 4, 3}) == 1);        // a substitution
    CHECK(nn::edit_distance({1, 2, 3, 4}, {2, 3, 4, 5}) == 2);  // kitten / sitting style: delete one, insert one
  }

}  // TEST_SUITE("nn")
