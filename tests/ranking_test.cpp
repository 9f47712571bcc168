#include <cmath>

#include "autograd/ops.hpp"
#include "check.hpp"

using namespace rnnlab;
using rnnlab::testing::message_of;

namespace {

real sigmoid(real x) { return 1 / (1 + std::exp(-x)); }

}  // namespace

TEST_SUITE("autograd") {
  TEST_CASE("bpr_loss and top1_loss: two sessions scoring each other's next items by hand") {
    // Row 0 should rank item 4 (column 0) first, row 1 item 9 (column 1): one negative each.
    const real r00 = 0.7, r01 = -0.2, r10 = 1.5, r11 = 0.4;
    const Var scores(Tensor::from({2, 2}, {r00, r01, r10, r11}));
    const real bpr = -(std::log(sigmoid(r00 - r01)) + std::log(sigmoid(r11 - r10))) / 2;
    const real top1 = (sigmoid(r01 - r00) + sigmoid(r01 * r01) + sigmoid(r10 - r11) + sigmoid(r10 * r10)) / 2;
    CHECK(bpr_loss(scores, {4, 9}, {4, 9}).item() == doctest::Approx(bpr).epsilon(1e-14));
    CHECK(top1_loss(scores, {4, 9}, {4, 9}).item() == doctest::Approx(top1).epsilon(1e-14));
  }

  TEST_CASE("bpr_loss: a column holding the row's own item is no negative") {
    // Three rows; items 2, 2, 5. Rows 0 and 1 (target 2) have one negative (column 2); row 2 has two (columns 0, 1).
    const std::vector<real> r = {0.1, 0.3, -0.4, 0.9, 0.2, 0.6, -1.0, 0.5, 0.8};
    const Var scores(Tensor::from({3, 3}, r));
    auto term = [](real target, real negative) { return std::log1p(std::exp(negative - target)); };
    const real expected = (term(r[0], r[2]) + term(r[3], r[5]) + (term(r[8], r[6]) + term(r[8], r[7])) / 2) / 3;
    CHECK(bpr_loss(scores, {2, 2, 5}, {2, 2, 5}).item() == doctest::Approx(expected).epsilon(1e-14));
  }

  TEST_CASE("bpr_loss: stable for scores far apart and the bad calls name the op") {
    const Var far(Tensor::from({2, 2}, {800, -800, -800, 800}));
    CHECK(bpr_loss(far, {0, 1}, {0, 1}).item() == doctest::Approx(0));
    const Var wrong(Tensor::from({2, 2}, {-800, 800, 800, -800}));
    CHECK(bpr_loss(wrong, {0, 1}, {0, 1}).item() == doctest::Approx(1600));
    CHECK_CONTAINS(message_of<ShapeError>([] {
                     (void)bpr_loss(Var(Tensor::zeros({2, 3})), {0, 1}, {0, 1});
                   }),
                   "bpr_loss: scores of shape [2, 3] need [B, C] with B = 2 targets >= 1 and C = 2 column items");
    CHECK_CONTAINS(message_of<ShapeError>([] {
                     (void)top1_loss(Var(Tensor::zeros({2, 2})), {0, 4}, {0, 1});
                   }),
                   "top1_loss: row 1's target item 4 is in no column");
    CHECK_CONTAINS(message_of<ShapeError>([] {
                     (void)bpr_loss(Var(Tensor::zeros({2, 2})), {3, 3}, {3, 3});
                   }),
                   "bpr_loss: no row has a negative");
  }
}
