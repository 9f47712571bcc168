#include <cmath>

#include "autograd/gradcheck.hpp"
#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "check.hpp"
#include "nn/gated.hpp"
#include "nn/recurrent.hpp"
#include "tensor/matmul.hpp"

using namespace rnnlab;
using namespace rnnlab::nn;
using rnnlab::testing::check_gradcheck;
using rnnlab::testing::message_of;
using rnnlab::testing::with_parameters;

TEST_SUITE("nn") {

TEST_CASE("gradcheck RNNCell (tanh and relu)") {
  Rng rng(1);
  for (Nonlinearity f : {Nonlinearity::tanh, Nonlinearity::relu}) {
    RNNCell cell(3, 4, rng, f);
    Var x(Tensor::normal({2, 3}, 0, 1, rng), true), h(Tensor::normal({2, 4}, 0, 1, rng), true);
    std::vector<Var> all = with_parameters({x}, cell);
    all.push_back(h);
    check_gradcheck(gradcheck([&] { return cell(x, h); }, all));
  }
}

TEST_CASE("gradcheck RNN over 5 steps with and without h0") {
  Rng rng(2);
  RNN rnn(3, 4, rng);
  Var x(Tensor::normal({5, 2, 3}, 0, 1, rng), true), h0(Tensor::normal({1, 2, 4}, 0, 0.5, rng), true);
  std::vector<Var> all = with_parameters({x}, rnn);
  check_gradcheck(gradcheck([&] { return rnn(x).output; }, all));
  all.push_back(h0);
  check_gradcheck(gradcheck([&] {
    const RNNResult r = rnn(x, h0);
    return concat({reshape(r.output, {-1}), reshape(r.h_n, {-1})}, 0);
  }, all));
}

TEST_CASE("gradcheck a 2-layer bidirectional RNN over 4 steps") {
  Rng rng(3);
  RNN rnn(2, 3, rng, {.num_layers = 2, .bidirectional = true});
  Var x(Tensor::normal({4, 2, 2}, 0, 1, rng), true);
  check_gradcheck(gradcheck([&] {
    const RNNResult r = rnn(x);
    return concat({reshape(r.output, {-1}), reshape(r.h_n, {-1})}, 0);
  }, with_parameters({x}, rnn)));
}

TEST_CASE("RNN parameters are named and shaped like torch.nn.RNN") {
  Rng rng(4);
  RNN rnn(5, 7, rng, {.num_layers = 2, .bidirectional = true});
  std::vector<std::string> names;
  for (const auto& [name, p] : rnn.named_parameters()) names.push_back(name + " " + to_string(p.shape()));
  CHECK(names == std::vector<std::string>{
                     "weight_ih_l0 [7, 5]", "weight_hh_l0 [7, 7]", "bias_ih_l0 [7]", "bias_hh_l0 [7]",
                     "weight_ih_l0_reverse [7, 5]", "weight_hh_l0_reverse [7, 7]", "bias_ih_l0_reverse [7]",
                     "bias_hh_l0_reverse [7]", "weight_ih_l1 [7, 14]", "weight_hh_l1 [7, 7]", "bias_ih_l1 [7]",
                     "bias_hh_l1 [7]", "weight_ih_l1_reverse [7, 14]", "weight_hh_l1_reverse [7, 7]",
                     "bias_ih_l1_reverse [7]", "bias_hh_l1_reverse [7]"});
  const real bound = 1 / std::sqrt(7.0);
  for (const Var& p : rnn.parameters()) CHECK(max_value(abs(p.value())) <= bound);
  const RNNResult r = rnn(Var(Tensor::normal({6, 3, 5}, 0, 1, rng)));
  CHECK(r.output.shape() == Shape{6, 3, 14});
  CHECK(r.h_n.shape() == Shape{4, 3, 7});
  // The classic confusion: the reverse direction's final state is at t = 0, not t = T - 1.
  const Tensor last_layer_forward = select(r.h_n, 0, 2).value(), last_layer_reverse = select(r.h_n, 0, 3).value();
  CHECK(last_layer_forward == slice(select(r.output, 0, 5), 1, 0, 7).value());
  CHECK(last_layer_reverse == slice(select(r.output, 0, 0), 1, 7, 14).value());
  CHECK(last_layer_reverse != slice(select(r.output, 0, 5), 1, 7, 14).value());
}

TEST_CASE("the RNN equals its cell run step by step") {
  Rng rng(5);
  RNN rnn(3, 4, rng);
  RNNCell cell(3, 4, rng);
  cell.weight_ih.mutable_value() = rnn.weights(0).weight_ih.value();
  cell.weight_hh.mutable_value() = rnn.weights(0).weight_hh.value();
  cell.bias_ih.mutable_value() = rnn.weights(0).bias_ih.value();
  cell.bias_hh.mutable_value() = rnn.weights(0).bias_hh.value();
  const Var x(Tensor::normal({6, 2, 3}, 0, 1, rng));
  const Var h0(Tensor::normal({1, 2, 4}, 0, 1, rng));
  const RNNResult r = rnn(x, h0);
  const Var states = unroll(cell, x, select(h0, 0, 0));
  CHECK_TENSOR_CLOSE(r.output.value(), states.value(), 1e-14, 1e-15);
  CHECK_TENSOR_CLOSE(select(r.h_n, 0, 0).value(), select(states, 0, 5).value(), 1e-14, 1e-15);
}

TEST_CASE("anomaly mode names the time step where an exploding RNN overflows") {
  // One ReLU unit with recurrent weight 1e100 and input 1: h = 1, 1e100, 1e200, 1e300, then Inf at step 4.
  Rng rng(7);
  RNN rnn(1, 1, rng, {}, Nonlinearity::relu);
  Var(rnn.weights(0).weight_ih).mutable_value().fill(1);
  Var(rnn.weights(0).weight_hh).mutable_value().fill(1e100);
  Var(rnn.weights(0).bias_ih).mutable_value().fill(0);
  Var(rnn.weights(0).bias_hh).mutable_value().fill(0);
  const Var x(Tensor::ones({6, 1, 1}));
  CHECK_FALSE(std::isfinite(rnn(x).output.value()[5]));  // silently, without anomaly mode
  DetectAnomalyGuard anomaly;
  const std::string message = message_of<AnomalyError>([&] { (void)rnn(x); });
  CHECK_CONTAINS(message, "+Inf");
  CHECK_CONTAINS(message, "(in time step 4)");
}

TEST_CASE("truncated BPTT stops gradients k steps back") {
  Rng rng(6);
  RNNCell cell(1, 3, rng);
  for (std::size_t k : {0u, 1u, 2u}) {
    CAPTURE(k);
    Var x(Tensor::normal({6, 1, 1}, 0, 1, rng), true);
    const Var states = unroll(cell, x, Var(Tensor::zeros({1, 3})), k);
    backward(sum(select(states, 0, 5)));  // the loss sees only the last state
    const Tensor& g = x.grad();
    // Full BPTT reaches every input; with truncation only the steps since the last cut.
    // The state is detached before steps k, 2k, ...; the last cut before step 5 is at (5 / k) * k.
    for (std::size_t t = 0; t < 6; ++t) {
      CAPTURE(t);
      CHECK((g[t] != 0) == (k == 0 || t >= (5 / k) * k));
    }
  }
}

TEST_CASE("gradcheck TDNN and its convolution by hand") {
  Rng rng(7);
  TDNN layer(3, 2, 4, rng);
  CHECK(layer.num_parameters() == 2 * 4 * 3 + 2);
  Var x(Tensor::normal({7, 2, 3}, 0, 1, rng), true);
  check_gradcheck(gradcheck([&] { return layer(x); }, with_parameters({x}, layer)));
  const Tensor y = layer(x).value();
  REQUIRE(y.shape() == Shape{4, 2, 2});
  // y[t, b, o] = bias[o] + sum_j sum_i W[o, j, i] x[t + j, b, i]
  const Tensor& w = layer.weight.value();
  for (std::size_t t = 0; t < 4; ++t)
    for (std::size_t b = 0; b < 2; ++b)
      for (std::size_t o = 0; o < 2; ++o) {
        real total = layer.bias.value()[o];
        for (std::size_t j = 0; j < 4; ++j)
          for (std::size_t i = 0; i < 3; ++i) total += w.at({o, j, i}) * x.value().at({t + j, b, i});
        CHECK(y.at({t, b, o}) == doctest::Approx(total).epsilon(1e-13));
      }
  // Waibel et al.'s network: 16 -> 8 units over 3 frames -> 3 units over 5 frames: 515 weights.
  TDNN first(16, 8, 3, rng), second(8, 3, 5, rng);
  CHECK(first.num_parameters() + second.num_parameters() == 515);
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)layer(Var(Tensor::zeros({3, 2, 3}))); }), "[3, 2, 3]");
}

TEST_CASE("gradcheck Jordan over 5 steps with teacher forcing and free running") {
  Rng rng(8);
  Jordan net(2, 5, 3, 0.5, rng);
  Var x(Tensor::normal({5, 2, 2}, 0, 1, rng), true);
  const Var teacher(Tensor::uniform({5, 2, 3}, 0, 1, rng));
  check_gradcheck(gradcheck([&] { return net.forward(x, teacher); }, with_parameters({x}, net)));
  check_gradcheck(gradcheck([&] { return net.forward(x); }, with_parameters({x}, net)));
}

TEST_CASE("Jordan's state is a decaying trace of the previous outputs") {
  Rng rng(9);
  Jordan net(1, 4, 2, 0.5, rng);
  const Var x(Tensor::zeros({3, 1, 1}));
  const Var teacher(Tensor::from({3, 1, 2}, {1, 0, 0, 1, 0, 0}));
  const Tensor y = net.forward(x, teacher).value();
  // At t = 2 the state is mu * y_0 + y_1 = 0.5 * (1, 0) + (0, 1) = (0.5, 1): recompute y_2 from it by hand.
  const Tensor state = Tensor::from({1, 2}, {0.5, 1});
  const Tensor h = sigmoid(matmul(Tensor::zeros({1, 1}), net.weight_input.value(), Transpose::second) +
                           matmul(state, net.weight_state.value(), Transpose::second) + net.bias_hidden.value());
  const Tensor y2 = sigmoid(matmul(h, net.weight_output.value(), Transpose::second) + net.bias_output.value());
  CHECK_TENSOR_CLOSE(slice(y, 0, 2, 3).reshape({1, 2}), y2, 1e-14, 1e-15);
}

TEST_CASE("residual RNN layers add each layer's input to its output where the sizes match") {
  // Input 3, hidden 4: layer 0's sizes differ (no residual), layer 1's match. Same seed, same weights.
  Rng a(7), b(7), c(7);
  const RNN plain(3, 4, a, {.num_layers = 2});
  const RNN residual(3, 4, b, {.num_layers = 2, .residual = true});
  const RNN first_layer(3, 4, c);  // registered first, so it holds the same layer-0 weights
  const Var x(Tensor::normal({5, 2, 3}, 0, 1, a));
  const RNNResult p = plain(x), r = residual(x);
  CHECK_TENSOR_CLOSE(r.output.value(), p.output.value() + first_layer(x).output.value(), 0, 0);
  CHECK(r.h_n.value() == p.h_n.value());  // the states themselves do not change
}

TEST_CASE("dropout between RNN layers: only while training and never after the last layer") {
  Rng a(8), b(8);
  RNN plain(3, 4, a, {.num_layers = 2});
  RNN dropped(3, 4, b, {.num_layers = 2, .dropout = 0.5});
  for (std::size_t k = 0; k < plain.parameters().size(); ++k) {
    CHECK(plain.parameters()[k].value() == dropped.parameters()[k].value());  // the same weights
  }
  const Var x(Tensor::normal({6, 3, 3}, 0, 1, a));
  const Tensor expected = plain(x).output.value();
  dropped.eval();
  CHECK(dropped(x).output.value() == expected);
  dropped.train();
  const Tensor first = dropped(x).output.value(), second = dropped(x).output.value();
  CHECK_FALSE(first == expected);
  CHECK_FALSE(first == second);  // a fresh mask each call
  // One layer: nothing comes after it, so nothing is dropped even while training.
  Rng c(8), d(8);
  const RNN one(3, 4, c), one_dropped(3, 4, d, {.dropout = 0.5});
  CHECK(one_dropped(x).output.value() == one(x).output.value());
  CHECK_CONTAINS(message_of<std::invalid_argument>([&] { RNN bad(3, 4, c, {.dropout = 1.0}); }), "RNN: dropout must be in [0, 1)");
}

TEST_CASE("recurrent modules reject bad sizes and shapes") {
  Rng rng(10);
  CHECK_CONTAINS(message_of<std::invalid_argument>([&] { RNN bad(0, 4, rng); }), "input_size");
  CHECK_CONTAINS(message_of<std::invalid_argument>([&] { RNN bad(3, 4, rng, {.num_layers = 0}); }), "num_layers");
  RNN rnn(3, 4, rng);
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)rnn(Var(Tensor::zeros({5, 2, 4}))); }), "[5, 2, 4]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)rnn(Var(Tensor::zeros({5, 3}))); }), "[5, 3]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)rnn(Var(Tensor::zeros({5, 2, 3})), Var(Tensor::zeros({1, 3, 4}))); }),
                 "[1, 3, 4]");
  RNNCell cell(3, 4, rng);
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)cell(Var(Tensor::zeros({2, 3})), Var(Tensor::zeros({3, 4}))); }), "[3, 4]");
  Jordan jordan(2, 3, 2, 0.5, rng);
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)jordan.forward(Var(Tensor::zeros({4, 1, 2})), Var(Tensor::zeros({4, 1, 3}))); }),
                 "[4, 1, 3]");
}

TEST_CASE("empty sequences as PyTorch treats them: length 0 refused with a message and a batch of 0 runs") {
  // PyTorch refuses seq_len = 0 ("Expected sequence length to be larger than 0 in RNN") and runs a batch of 0.
  Rng rng(3);
  RecurrentOptions two_way;
  two_way.num_layers = 2;
  two_way.bidirectional = true;
  const RNN rnn(3, 4, rng, two_way);
  const LSTM lstm(3, 4, rng, two_way);
  const GRU gru(3, 4, rng, two_way);
  const Var no_steps(Tensor::zeros({0, 2, 3}));
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)rnn(no_steps); }), "[0, 2, 3] should be [T, B, 3] with T >= 1");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)lstm(no_steps); }), "T >= 1");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)gru(no_steps); }), "T >= 1");

  const Var no_batch(Tensor::zeros({5, 0, 3}), true);
  const RNNResult r = rnn(no_batch);
  CHECK(r.output.shape() == Shape{5, 0, 8});
  CHECK(r.h_n.shape() == Shape{4, 0, 4});
  const LSTMResult l = lstm(no_batch);
  CHECK(l.output.shape() == Shape{5, 0, 8});
  CHECK(l.c_n.shape() == Shape{4, 0, 4});
  const RNNResult g = gru(no_batch);
  CHECK(g.output.shape() == Shape{5, 0, 8});
  // The gradient of a sum over nothing: zeros for every weight, an empty one for the input.
  backward(sum(r.output) + sum(l.output) + sum(g.output));
  CHECK(no_batch.grad().shape() == Shape{5, 0, 3});
  for (const auto& named : lstm.named_parameters()) CHECK_MESSAGE(sum(named.second.grad()).item() == 0, named.first);
}

}  // TEST_SUITE
