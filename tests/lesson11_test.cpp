#include <cmath>

#include "check.hpp"
#include "lessons/11_lstm.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

TEST_SUITE("lesson 11") {

#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
TEST_CASE("lesson 11: every claim holds in the quick configuration") {
  const auto config = lesson11::config(true, 0);
  const auto result = lesson11::experiment(config);
  CHECK_CLAIMS(lesson11::claims(result, config));
}
#endif

TEST_CASE("the adding problem (Le et al. 2015): one marker in each half and the target is their sum") {
  Rng rng(3);
  const data::AddingBatch b = data::adding_batch(30, 200, rng);
  REQUIRE(b.inputs.shape() == Shape{30, 200, 2});
  double mean = 0;
  for (std::size_t s = 0; s < 200; ++s) {
    double marked = 0, sum = 0;
    for (std::size_t t = 0; t < 30; ++t) {
      const double value = b.inputs.at({t, s, 0}), marker = b.inputs.at({t, s, 1});
      CHECK(value >= 0);
      CHECK(value < 1);
      if (marker == 1) {
        marked += 1;
        sum += value;
        CHECK((t == b.first_marker[s] || t == b.second_marker[s]));
      } else {
        CHECK(marker == 0);
      }
    }
    CHECK(marked == 2);
    CHECK(b.first_marker[s] < 15);
    CHECK(b.second_marker[s] >= 15);
    CHECK(b.targets.at({s, 0}) == doctest::Approx(sum).epsilon(1e-15));
    mean += sum / 200;
  }
  CHECK(mean == doctest::Approx(1).epsilon(0.1));  // X1 + X2 has mean 1
}

TEST_CASE("the adding problem (Hochreiter & Schmidhuber 1997): markers -1 at the ends and target 0.5 + (X1 + X2) / 4") {
  Rng rng(4);
  const data::AddingBatch b = data::adding_batch(100, 50, rng, data::AddingForm::hochreiter_1997);
  const std::size_t length = b.inputs.shape()[0];
  CHECK(length >= 100);
  CHECK(length <= 110);  // one length per batch, from [T, T + T/10]
  for (std::size_t s = 0; s < 50; ++s) {
    CHECK(b.first_marker[s] < 10);
    CHECK(b.second_marker[s] < 49);  // among the first T/2 - 1 pairs
    double sum = 0;
    for (std::size_t t = 0; t < length; ++t) {
      const double value = b.inputs.at({t, s, 0}), marker = b.inputs.at({t, s, 1});
      CHECK(std::abs(value) <= 1);
      if (marker == 1 && t != 0) sum += value;
      if (t == length - 1 || (t == 0 && b.first_marker[s] != 0)) CHECK(marker == -1);
    }
    CHECK(b.targets.at({s, 0}) == doctest::Approx(0.5 + sum / 4).epsilon(1e-15));
  }
  CHECK_CONTAINS(message_of<std::invalid_argument>([] {
    Rng r(1);
    (void)data::adding_batch(10, 2, r, data::AddingForm::hochreiter_1997);
  }), "adding_batch: 10 steps");
}

TEST_CASE("the adding models have the parameter counts the lesson quotes") {
  Rng rng(5);
  // tanh RNN, H = 32: 32 x 2 + 32 x 32 + 2 x 32 weights and biases, + a 33-weight readout.
  CHECK(adding::Model(nn::CellKind::tanh_rnn, 32, rng).num_parameters() == 64 + 1024 + 64 + 33);
  // LSTM, H = 16: four gate blocks of that. GRU: three.
  CHECK(adding::Model(nn::CellKind::lstm, 16, rng).num_parameters() == 4 * (32 + 256 + 32) + 17);
  CHECK(adding::Model(nn::CellKind::gru, 16, rng).num_parameters() == 3 * (32 + 256 + 32) + 17);
}

TEST_CASE("the error along an LSTM's cell state: with forget gates forced to 1 it does not shrink") {
  Rng rng(6);
  adding::Model model(nn::CellKind::lstm, 8, rng);
  // Forget gates pinned open (bias +40, so f = 1 - 4e-18) and input gates shut (bias -40): c_t = c_{t-1} exactly,
  // so dL/dc_(T-k) = dL/dc_T = u for every k: every median norm is 1.
  const auto& w = model.weights();
  Var bias = w.bias_ih;
  for (std::size_t j = 0; j < 8; ++j) {
    bias.mutable_value()[j] = -40;
    bias.mutable_value()[8 + j] = 40;
  }
  const std::vector<double> norms = lesson11::state_gradient_by_lag(model, true, 30, 8, 1);
  for (double n : norms) CHECK(n == doctest::Approx(1).epsilon(1e-12));
  CHECK_CONTAINS(message_of<std::invalid_argument>([&] {
    adding::Model rnn(nn::CellKind::tanh_rnn, 4, rng);
    (void)lesson11::state_gradient_by_lag(rnn, true, 10, 2, 1);
  }), "only an LSTM has a cell state");
}

TEST_CASE("an adding model gives the same answer through its layer (run_sequence) and step by step (run_steps) fused or composed") {
  for (nn::CellKind cell : {nn::CellKind::tanh_rnn, nn::CellKind::gru, nn::CellKind::lstm}) {
    CAPTURE(nn::name_of(cell));
    Rng rng(8);
    adding::Model model(cell, 6, rng, cell == nn::CellKind::lstm ? std::optional<real>(1.0) : std::nullopt);
    const Var x(data::adding_batch(12, 3, rng).inputs);
    const Tensor layer = model.forward(x).value();
    const Tensor fused = model.forward_by_steps(x, true).value();
    const Tensor composed = model.forward_by_steps(x, false).value();
    REQUIRE(layer.shape() == Shape{3, 1});
    for (std::size_t b = 0; b < 3; ++b) {
      CHECK(fused[b] == doctest::Approx(layer[b]).epsilon(1e-13));
      CHECK(composed[b] == doctest::Approx(layer[b]).epsilon(1e-13));
    }
    const std::vector<nn::RecurrentState> states = nn::run_steps(cell, model.weights(), x);
    CHECK(states.size() == 12);
    CHECK(static_cast<bool>(states.back().c) == (cell == nn::CellKind::lstm));
  }
}

}  // TEST_SUITE
