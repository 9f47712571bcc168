#include <cmath>
#include <numbers>

#include "autograd/ops.hpp"
#include "check.hpp"
#include "tensor/random.hpp"

using namespace rnnlab;
using rnnlab::testing::message_of;

namespace {

// One point's params for M = 1: lift logit, pi^, mu1, mu2, log s1, log s2, atanh rho.
Tensor one_component(real lift, real mu1, real mu2, real s1, real s2, real rho) {
  return Tensor::from({1, 7}, {lift, 0.3, mu1, mu2, std::log(s1), std::log(s2), std::atanh(rho)});
}

}  // namespace

TEST_SUITE("autograd") {
  TEST_CASE("mixture_density_loss: one uncorrelated component is two Gaussians and a Bernoulli in closed form") {
    const real x1 = 0.7, x2 = -1.2, mu1 = 0.1, mu2 = -0.5, s1 = 0.8, s2 = 1.7, lift_logit = 0.4;
    for (real lift : {0.0, 1.0}) {
      const Tensor target = Tensor::from({1, 3}, {x1, x2, lift});
      const real e = 1 / (1 + std::exp(-lift_logit));
      const real expected = std::log(2 * std::numbers::pi) + std::log(s1) + std::log(s2) +
                            0.5 * std::pow((x1 - mu1) / s1, 2) + 0.5 * std::pow((x2 - mu2) / s2, 2) -
                            std::log(lift == 1 ? e : 1 - e);
      const Var loss = mixture_density_loss(Var(one_component(lift_logit, mu1, mu2, s1, s2, 0)), target, 1);
      CHECK(loss.item() == doctest::Approx(expected).epsilon(1e-13));
    }
  }

  TEST_CASE("mixture_density_loss: two identical components are one and the density integrates to 1 with correlation") {
    const Tensor target = Tensor::from({1, 3}, {0.2, 0.3, 0});
    const Tensor one = one_component(-1, 0.5, -0.25, 0.6, 0.9, 0.7);
    const real p[7] = {one[0], one[1], one[2], one[3], one[4], one[5], one[6]};
    // M = 2: lift, pi^ x2, mu1 x2, mu2 x2, s1^ x2, s2^ x2, rho^ x2 (the mixture logits differ: weights do not matter)
    const Tensor two =
        Tensor::from({1, 13}, {p[0], 1.5, -2, p[2], p[2], p[3], p[3], p[4], p[4], p[5], p[5], p[6], p[6]});
    CHECK(mixture_density_loss(Var(two), target, 2).item() ==
          doctest::Approx(mixture_density_loss(Var(one), target, 1).item()).epsilon(1e-13));
    // Sum exp(-loss) (with the pen-lift part taken out) over a fine grid: the Gaussian's mass, 1.
    const real lift_part = std::log1p(std::exp(-1.0));  // -log(1 - sigmoid(-1))
    double mass = 0;
    const double step = 0.02;
    for (double x1 = -4; x1 < 5; x1 += step) {
      for (double x2 = -5; x2 < 5; x2 += step) {
        const Tensor at = Tensor::from({1, 3}, {x1, x2, 0});
        mass += std::exp(-(mixture_density_loss(Var(one), at, 1).item() - lift_part)) * step * step;
      }
    }
    CHECK(mass == doctest::Approx(1).epsilon(1e-3));
  }

  TEST_CASE("mixture_density_loss refuses shapes that do not fit and pen lifts other than 0 or 1") {
    const Var params(Tensor::zeros({2, 13}));
    CHECK(message_of<ShapeError>([&] {
            mixture_density_loss(params, Tensor::zeros({2, 3}), 3);
          }) ==
          "mixture_density_loss: params of shape [2, 13] and targets of shape [2, 3] need [N, 1 + 6M] = [N, 19] and "
          "[N, 3] with N >= 1 and M = 3 >= 1");
    CHECK_THROWS_AS(mixture_density_loss(params, Tensor::zeros({3, 3}), 2), ShapeError);
    CHECK_THROWS_AS(mixture_density_loss(params, Tensor::zeros({2, 2}), 2), ShapeError);
    CHECK_CONTAINS(message_of<ShapeError>([&] {
                     mixture_density_loss(params, Tensor::from({2, 3}, {0, 0, 0, 0, 0, 0.5}), 2);
                   }),
                   "target 1 lifts the pen by 0.5");
  }

  TEST_CASE("sample_mixture: draws have the component's means and covariance and the lift's chance") {
    const real mu1 = 1, mu2 = -2, s1 = 0.5, s2 = 2, rho = 0.6, lift_logit = 0.4;
    const Tensor p = one_component(lift_logit, mu1, mu2, s1, s2, rho);
    Rng rng(11);
    const int n = 200'000;
    real m1 = 0, m2 = 0, v1 = 0, v2 = 0, c12 = 0, lifts = 0;
    for (int i = 0; i < n; ++i) {
      const auto [x1, x2, lift] = sample_mixture(p.data(), 1, 0, rng);
      m1 += x1, m2 += x2, v1 += (x1 - mu1) * (x1 - mu1), v2 += (x2 - mu2) * (x2 - mu2), c12 += (x1 - mu1) * (x2 - mu2);
      lifts += lift;
    }
    CHECK(m1 / n == doctest::Approx(mu1).epsilon(0.01));
    CHECK(m2 / n == doctest::Approx(mu2).epsilon(0.01));
    CHECK(std::sqrt(v1 / n) == doctest::Approx(s1).epsilon(0.01));
    CHECK(std::sqrt(v2 / n) == doctest::Approx(s2).epsilon(0.01));
    CHECK(c12 / std::sqrt(v1 * v2) == doctest::Approx(rho).epsilon(0.01));
    CHECK(lifts / n == doctest::Approx(1 / (1 + std::exp(-lift_logit))).epsilon(0.01));
  }

  TEST_CASE("sample_mixture: components are picked by weight and the bias sharpens the mixture") {
    // Two far-apart components, weights 1/4 and 3/4 (logits 0 and log 3), sigma 0.1.
    const Tensor p = Tensor::from(
        {1, 13}, {0, 0, std::log(3.0), -5, 5, 0, 0, std::log(0.1), std::log(0.1), std::log(0.1), std::log(0.1), 0, 0});
    Rng rng(12);
    auto share_right = [&](real bias, real* spread) {
      real right = 0, squares = 0;
      const int n = 40'000;
      for (int i = 0; i < n; ++i) {
        const real x = sample_mixture(p.data(), 2, bias, rng)[0];
        right += x > 0;
        squares += (x - (x > 0 ? 5 : -5)) * (x - (x > 0 ? 5 : -5));
      }
      *spread = std::sqrt(squares / n);
      return right / n;
    };
    real spread = 0;
    CHECK(share_right(0, &spread) == doctest::Approx(0.75).epsilon(0.02));
    CHECK(spread == doctest::Approx(0.1).epsilon(0.02));
    // bias 1: weights proportional to 1 and 3^2, sigmas times 1/e.
    CHECK(share_right(1, &spread) == doctest::Approx(0.9).epsilon(0.02));
    CHECK(spread == doctest::Approx(0.1 / std::numbers::e).epsilon(0.02));
  }

}  // TEST_SUITE
