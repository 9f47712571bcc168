#include <cmath>

#include "check.hpp"
#include "lessons/12_forget_gate_bias.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

TEST_SUITE("lesson 12") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 12: every claim holds in the quick configuration") {
  const auto config = lesson12::config(true, 0);
  const auto result = lesson12::experiment(config);
  CHECK_CLAIMS(lesson12::claims(result, config));
}
#endif

TEST_CASE("at initialization the forget gates sit at sigmoid(bias): the product k steps back is about sigmoid(bias)^k") {
  lesson12::Config config = lesson12::config(true, 0);
  config.lags = 60;
  for (double bias : {0.0, 1.0, 2.0}) {
    CAPTURE(bias);
    const std::vector<double> product = lesson12::forget_product_by_lag(bias, config);
    REQUIRE(product.size() == 60);
    for (std::size_t k = 1; k < product.size(); ++k) CHECK(product[k] < product[k - 1]);  // every gate is below 1
    // The exponents agree within 10%: log(product at 50) vs 50 log(sigmoid(bias)).
    const double expected = 50 * std::log(1 / (1 + std::exp(-bias)));
    CHECK(std::log(product[49]) / expected == doctest::Approx(1).epsilon(0.1));
  }
}

TEST_CASE("lesson 12's claims name a missing bias") {
  lesson12::Config config = lesson12::config(true, 0);
  config.biases = {0, 2};
  const lesson12::Result empty;
  CHECK_CONTAINS(message_of<std::invalid_argument>([&] { (void)lesson12::claims(empty, config); }), "forget bias 1");
}

}  // TEST_SUITE
