#include <cmath>
#include <optional>

#include "autograd/cell_kernels.hpp"
#include "autograd/gradcheck.hpp"
#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "check.hpp"
#include "nn/gated.hpp"
#include "nn/recurrent.hpp"

using namespace rnnlab;
using namespace rnnlab::nn;
using rnnlab::testing::check_gradcheck;
using rnnlab::testing::message_of;
using rnnlab::testing::with_parameters;

namespace {

Var flat(const std::vector<Var>& parts) {
  std::vector<Var> flattened;
  for (const Var& p : parts) flattened.push_back(reshape(p, {-1}));
  return concat(flattened, 0);
}

}  // namespace

TEST_SUITE("nn") {

TEST_CASE("gradcheck LSTMCell over 5 steps with and without an initial state") {
  Rng rng(1);
  LSTMCell cell(3, 4, rng);
  Var x(Tensor::normal({5, 2, 3}, 0, 1, rng), true);
  Var h0(Tensor::normal({2, 4}, 0, 0.5, rng), true), c0(Tensor::normal({2, 4}, 0, 0.5, rng), true);
  for (bool initial : {false, true}) {
    CAPTURE(initial);
    auto run = [&] {
      RecurrentState state = initial ? RecurrentState{h0, c0} : RecurrentState{};
      std::vector<Var> outputs;
      for (std::size_t t = 0; t < 5; ++t) {
        state = cell(select(x, 0, t), state);
        outputs.push_back(state.h);
        outputs.push_back(state.c);
      }
      return flat(outputs);
    };
    check_gradcheck(gradcheck(run, with_parameters(initial ? std::vector<Var>{x, h0, c0} : std::vector<Var>{x}, cell)));
  }
}

TEST_CASE("gradcheck GRUCell over 5 steps with and without an initial state") {
  Rng rng(2);
  GRUCell cell(3, 4, rng);
  Var x(Tensor::normal({5, 2, 3}, 0, 1, rng), true), h0(Tensor::normal({2, 4}, 0, 0.5, rng), true);
  for (bool initial : {false, true}) {
    CAPTURE(initial);
    auto run = [&] {
      Var h = initial ? h0 : Var();
      std::vector<Var> outputs;
      for (std::size_t t = 0; t < 5; ++t) outputs.push_back(h = cell(select(x, 0, t), h));
      return flat(outputs);
    };
    check_gradcheck(gradcheck(run, with_parameters(initial ? std::vector<Var>{x, h0} : std::vector<Var>{x}, cell)));
  }
}

TEST_CASE("gradcheck LSTM and GRU sequence modules over 5 steps") {
  Rng rng(3);
  LSTM lstm(2, 3, rng);
  GRU gru(2, 3, rng);
  Var x(Tensor::normal({5, 2, 2}, 0, 1, rng), true);
  Var h0(Tensor::normal({1, 2, 3}, 0, 0.5, rng), true), c0(Tensor::normal({1, 2, 3}, 0, 0.5, rng), true);
  check_gradcheck(gradcheck([&] {
    const LSTMResult r = lstm(x, h0, c0);
    return flat({r.output, r.h_n, r.c_n});
  }, with_parameters({x, h0, c0}, lstm)));
  check_gradcheck(gradcheck([&] { return lstm(x).output; }, with_parameters({x}, lstm)));
  check_gradcheck(gradcheck([&] {
    const RNNResult r = gru(x, h0);
    return flat({r.output, r.h_n});
  }, with_parameters({x, h0}, gru)));
}

TEST_CASE("gradcheck a 2-layer bidirectional LSTM and GRU over 4 steps") {
  Rng rng(13);
  LSTM lstm(2, 3, rng, {.num_layers = 2, .bidirectional = true});
  GRU gru(2, 3, rng, {.num_layers = 2, .bidirectional = true});
  Var x(Tensor::normal({4, 2, 2}, 0, 1, rng), true);
  Var h0(Tensor::normal({4, 2, 3}, 0, 0.5, rng), true), c0(Tensor::normal({4, 2, 3}, 0, 0.5, rng), true);
  check_gradcheck(gradcheck([&] {
    const LSTMResult r = lstm(x, h0, c0);
    return flat({r.output, r.h_n, r.c_n});
  }, with_parameters({x, h0, c0}, lstm)));
  check_gradcheck(gradcheck([&] {
    const RNNResult r = gru(x, h0);
    return flat({r.output, r.h_n});
  }, with_parameters({x, h0}, gru)));
}

TEST_CASE("gradcheck a residual 3-layer GRU and LSTM (every layer's input added to its output)") {
  Rng rng(14);
  GRU gru(3, 3, rng, {.num_layers = 3, .residual = true});
  LSTM lstm(3, 3, rng, {.num_layers = 3, .residual = true});
  Var x(Tensor::normal({4, 2, 3}, 0, 1, rng), true);
  check_gradcheck(gradcheck([&] { return flat({gru(x).output, gru(x).h_n}); }, with_parameters({x}, gru)));
  check_gradcheck(gradcheck([&] { return lstm(x).output; }, with_parameters({x}, lstm)));
}

TEST_CASE("LSTM and GRU parameters: PyTorch's names and gate blocks") {
  Rng rng(4);
  LSTM lstm(5, 7, rng, {.num_layers = 2});
  GRU gru(5, 7, rng, {.num_layers = 2});
  std::vector<std::string> names;
  for (const auto& [name, p] : lstm.named_parameters()) names.push_back(name + " " + to_string(p.shape()));
  CHECK(names == std::vector<std::string>{"weight_ih_l0 [28, 5]", "weight_hh_l0 [28, 7]", "bias_ih_l0 [28]", "bias_hh_l0 [28]",
                                          "weight_ih_l1 [28, 7]", "weight_hh_l1 [28, 7]", "bias_ih_l1 [28]", "bias_hh_l1 [28]"});
  // A GRU has 3 gate blocks where an LSTM has 4: exactly 3/4 of the parameters at equal sizes.
  CHECK(gru.num_parameters() * 4 == lstm.num_parameters() * 3);
  const LSTMResult r = lstm(Var(Tensor::normal({6, 3, 5}, 0, 1, rng)));
  CHECK(r.output.shape() == Shape{6, 3, 7});
  CHECK(r.h_n.shape() == Shape{2, 3, 7});
  CHECK(r.c_n.shape() == Shape{2, 3, 7});
  CHECK(select(r.h_n, 0, 1).value() == select(r.output, 0, 5).value());  // one direction: h_n is the last output
}

TEST_CASE("forget_bias sets the forget gate's bias at init and only that") {
  Rng rng(5);
  LSTM lstm(2, 3, rng, {.num_layers = 2}, 1.5);
  for (std::size_t layer = 0; layer < 2; ++layer) {
    const auto& w = lstm.weights(layer);
    for (std::size_t j = 0; j < 12; ++j) {
      CAPTURE(j);
      const bool forget = j >= 3 && j < 6;
      if (forget) CHECK(w.bias_ih.value()[j] + w.bias_hh.value()[j] == 1.5);
      if (!forget) CHECK(std::abs(w.bias_ih.value()[j]) <= 1 / std::sqrt(3.0));
    }
  }
  LSTMCell cell(2, 3, rng, true, -2.0);
  CHECK(cell.bias_ih.value()[4] + cell.bias_hh.value()[4] == -2.0);
  CHECK_CONTAINS(message_of<std::invalid_argument>([&] { LSTM bad(2, 3, rng, {.bias = false}, 1.0); }), "forget_bias");
}

TEST_CASE("the LSTM cell state is the carousel: with f = 1 and i = 0 it carries c unchanged") {
  // Saturate the gates through their biases: f = sigmoid(+40) = 1, i = sigmoid(-40) = 0, so c' = c exactly
  // (to double precision), for any input and any number of steps.
  Rng rng(6);
  LSTMCell cell(2, 3, rng);
  for (std::size_t j = 0; j < 12; ++j) {
    cell.bias_hh.mutable_value()[j] = 0;
    cell.bias_ih.mutable_value()[j] = j < 3 ? -40 : j < 6 ? 40 : 0;
  }
  const Var c0(Tensor::from({1, 3}, {0.7, -0.2, 1.3}));
  RecurrentState state{Var(Tensor::zeros({1, 3})), c0};
  for (int t = 0; t < 50; ++t) state = cell(Var(Tensor::normal({1, 2}, 0, 0.1, rng)), state);
  CHECK_TENSOR_CLOSE(state.c.value(), c0.value(), 1e-12, 1e-12);
}

TEST_CASE("the fused LSTM and GRU steps equal the composed ones: values and gradients over 6 steps") {
  Rng rng(8);
  const std::size_t B = 3, H = 5, T = 6;
  Var weight_hh4(Tensor::normal({4 * H, H}, 0, 0.4, rng), true), bias_hh4(Tensor::normal({4 * H}, 0, 0.4, rng), true);
  Var weight_hh3(Tensor::normal({3 * H, H}, 0, 0.4, rng), true), bias_hh3(Tensor::normal({3 * H}, 0, 0.4, rng), true);
  Var x4(Tensor::normal({T, B, 4 * H}, 0, 1, rng), true), x3(Tensor::normal({T, B, 3 * H}, 0, 1, rng), true);
  Var h0(Tensor::normal({B, H}, 0, 0.5, rng), true), c0(Tensor::normal({B, H}, 0, 0.5, rng), true);
  const std::vector<Var> leaves = {weight_hh4, bias_hh4, weight_hh3, bias_hh3, x4, x3, h0, c0};
  // One loss over every h and c of both nets, weighted so that no two steps' gradients can cancel by accident.
  const Tensor weights = Tensor::normal({T, 3, B, H}, 0, 1, rng);
  auto loss_of = [&](bool fused) {
    RecurrentState lstm{h0, c0};
    Var gru = h0;
    Var loss(Tensor::scalar(0));
    for (std::size_t t = 0; t < T; ++t) {
      const Var x4_t = select(x4, 0, t), x3_t = select(x3, 0, t);
      lstm = fused ? lstm_step(x4_t, lstm, weight_hh4, bias_hh4) : lstm_step_composed(x4_t, lstm, weight_hh4, bias_hh4);
      gru = fused ? gru_step(x3_t, gru, weight_hh3, bias_hh3) : gru_step_composed(x3_t, gru, weight_hh3, bias_hh3);
      const Var all = stack({lstm.h, lstm.c, gru}, 0);
      loss = loss + sum(all * Var(slice(weights, 0, t, t + 1).reshape({3, static_cast<long>(B), static_cast<long>(H)})));
    }
    for (Var leaf : leaves) leaf.zero_grad();
    backward(loss);
    std::vector<Tensor> result = {loss.value()};
    for (const Var& leaf : leaves) result.push_back(leaf.grad());
    return result;
  };
  const std::vector<Tensor> composed = loss_of(false), fused = loss_of(true);
  for (std::size_t k = 0; k < composed.size(); ++k) {
    CAPTURE(k);
    CHECK_TENSOR_CLOSE(fused[k], composed[k], 1e-13, 1e-12);
  }
}

TEST_CASE("the fused LSTM and GRU layers equal the composed steps: values and gradients in both directions") {
  Rng rng(9);
  const std::size_t B = 3, H = 4, T = 7;
  for (const bool reverse : {false, true}) {
    for (const bool with_bias : {true, false}) {
      CAPTURE(reverse);
      CAPTURE(with_bias);
      Var weight_hh4(Tensor::normal({4 * H, H}, 0, 0.4, rng), true), weight_hh3(Tensor::normal({3 * H, H}, 0, 0.4, rng), true);
      Var bias_hh4, bias_hh3;
      if (with_bias) {
        bias_hh4 = Var(Tensor::normal({4 * H}, 0, 0.4, rng), true);
        bias_hh3 = Var(Tensor::normal({3 * H}, 0, 0.4, rng), true);
      }
      Var x4(Tensor::normal({T, B, 4 * H}, 0, 1, rng), true), x3(Tensor::normal({T, B, 3 * H}, 0, 1, rng), true);
      Var h0(Tensor::normal({B, H}, 0, 0.5, rng), true), c0(Tensor::normal({B, H}, 0, 0.5, rng), true);
      std::vector<Var> leaves = {weight_hh4, weight_hh3, x4, x3, h0, c0};
      if (with_bias) leaves.insert(leaves.end(), {bias_hh4, bias_hh3});
      // Random weights on every output (each step's h of both nets, the LSTM's last h and c), so a wrong step
      // or a wrong final state cannot hide.
      const Var weights(Tensor::normal({T, B, 2 * H}, 0, 1, rng)), last_weights(Tensor::normal({B, 2 * H}, 0, 1, rng));
      auto loss_of = [&](bool layer) {
        Var outputs, last;
        if (layer) {
          const LSTMLayerOutput lstm = fused_lstm_layer(x4, h0, c0, weight_hh4, bias_hh4, reverse);
          outputs = concat({lstm.output, fused_gru_layer(x3, h0, weight_hh3, bias_hh3, reverse)}, 2);
          last = concat({lstm.h_last, lstm.c_last}, 1);
        } else {
          RecurrentState lstm{h0, c0};
          Var gru = h0;
          std::vector<Var> steps(T);
          for (std::size_t i = 0; i < T; ++i) {
            const std::size_t t = reverse ? T - 1 - i : i;
            lstm = lstm_step_composed(select(x4, 0, t), lstm, weight_hh4, bias_hh4);
            gru = gru_step_composed(select(x3, 0, t), gru, weight_hh3, bias_hh3);
            steps[t] = concat({lstm.h, gru}, 1);
          }
          outputs = stack(steps, 0);
          last = concat({lstm.h, lstm.c}, 1);
        }
        const Var loss = sum(outputs * weights) + sum(last * last_weights);
        for (Var leaf : leaves) leaf.zero_grad();
        backward(loss);
        std::vector<Tensor> result = {outputs.value(), last.value()};
        for (const Var& leaf : leaves) result.push_back(leaf.grad());
        return result;
      };
      const std::vector<Tensor> composed = loss_of(false), layer = loss_of(true);
      for (std::size_t k = 0; k < composed.size(); ++k) {
        CAPTURE(k);
        CHECK_TENSOR_CLOSE(layer[k], composed[k], 1e-13, 1e-12);
      }
    }
  }
}

TEST_CASE("gradcheck the fused RNN layer: tanh and relu in both directions with and without a bias") {
  Rng rng(43);
  const std::size_t B = 2, H = 3, T = 5;
  for (const Squash squash : {Squash::tanh, Squash::relu}) {
    for (const bool reverse : {false, true}) {
      for (const bool with_bias : {true, false}) {
        CAPTURE(squash == Squash::tanh);
        CAPTURE(reverse);
        CAPTURE(with_bias);
        // relu's kink at 0 is not differentiable: the pre-activations are shifted away from it (|a| >= 0.1 here).
        Var x(Tensor::uniform({T, B, H}, 0.5, 1.5, rng), true), h0(Tensor::uniform({B, H}, -1, 1, rng), true);
        Var weight(Tensor::normal({H, H}, 0, 0.3, rng), true);
        Var bias = with_bias ? Var(Tensor::normal({H}, 0, 0.1, rng), true) : Var();
        std::vector<Var> inputs{x, h0, weight};
        if (with_bias) inputs.push_back(bias);
        check_gradcheck(gradcheck([&] { return fused_rnn_layer(x, h0, weight, bias, squash, reverse); }, inputs));
      }
    }
  }
}

TEST_CASE("nn::RNN runs the fused layer and equals the step-by-step ops it runs under anomaly mode") {
  // Under anomaly detection nn::RNN runs step by step from the basic ops, so that an anomaly names its time step;
  // otherwise it runs fused_rnn_layer. Same values and gradients, for both activations, 2 layers, 2 directions.
  for (const Nonlinearity nonlinearity : {Nonlinearity::tanh, Nonlinearity::relu}) {
    CAPTURE(nonlinearity == Nonlinearity::tanh);
    Rng rng(44);
    RecurrentOptions options;
    options.num_layers = 2;
    options.bidirectional = true;
    RNN rnn(3, 5, rng, options, nonlinearity);
    Var x(Tensor::normal({6, 4, 3}, 0, 1, rng), true), h0(Tensor::normal({4, 4, 5}, 0, 0.5, rng), true);
    const Tensor w_out = Tensor::normal({6, 4, 10}, 0, 1, rng), w_last = Tensor::normal({4, 4, 5}, 0, 1, rng);
    auto run = [&](bool composed) {
      std::vector<Tensor> values;
      rnn.zero_grad();
      x.zero_grad();
      h0.zero_grad();
      std::optional<DetectAnomalyGuard> anomaly;
      if (composed) anomaly.emplace();
      const RNNResult r = rnn(x, h0);
      values.push_back(r.output.value());
      values.push_back(r.h_n.value());
      backward(sum(r.output * Var(w_out)) + sum(r.h_n * Var(w_last)));
      values.push_back(x.grad());
      values.push_back(h0.grad());
      for (const Var& p : rnn.parameters()) values.push_back(p.grad());
      return values;
    };
    const std::vector<Tensor> fused = run(false), composed = run(true);
    REQUIRE(fused.size() == composed.size());
    for (std::size_t i = 0; i < fused.size(); ++i) {
      CAPTURE(i);
      CHECK_TENSOR_CLOSE(fused[i], composed[i], 1e-12, 1e-12);
    }
  }
}

TEST_CASE("every cell kernel variant this CPU runs equals the portable one") {
  // The fused ops above are checked (gradcheck, equal to the composed steps) in the variant kernels() picked; the
  // others must compute the same numbers, up to the last bits that FMA rounds differently.
  Rng rng(31);
  const std::size_t B = 3, H = 13;  // H = 13: every vector loop has a remainder
  auto draw = [&](std::size_t n) { return Tensor::uniform({n}, -2, 2, rng); };
  const Tensor ax = draw(B * 4 * H), ah = draw(B * 4 * H), c = draw(B * H), dh = draw(B * H), dc = draw(B * H);
  struct Outputs {
    Tensor act, tanh_c, h, cell, da, dc_prev, gru_act, gru_h, dax, dah, dh_prev;
  };
  auto run = [&](const CellKernels& k) {
    Outputs o{Tensor({B * 4 * H}), Tensor({B * H}), Tensor({B * H}), Tensor({B * H}), Tensor({B * 4 * H}),
              Tensor({B * H}), Tensor({B * 3 * H}), Tensor({B * H}), Tensor({B * 3 * H}), Tensor({B * 3 * H}),
              Tensor({B * H})};
    k.lstm_forward({.batch = B, .hidden = H, .ax = ax.data(), .ah = ah.data(), .c_prev = c.data(), .act = o.act.data(),
                    .tanh_c = o.tanh_c.data(), .h = o.h.data(), .h_stride = H, .c = o.cell.data(), .c_stride = H});
    k.lstm_backward({.batch = B, .hidden = H, .dh = dh.data(), .dh_stride = H, .dc = dc.data(), .dc_stride = H,
                     .act = o.act.data(), .tanh_c = o.tanh_c.data(), .c_prev = c.data(), .da = o.da.data(),
                     .dc_prev = o.dc_prev.data()});
    k.gru_forward({.batch = B, .hidden = H, .ax = ax.data(), .ah = ah.data(), .h_prev = c.data(),
                   .act = o.gru_act.data(), .h = o.gru_h.data()});
    k.gru_backward({.batch = B, .hidden = H, .dh = dh.data(), .act = o.gru_act.data(), .ah = ah.data(),
                    .h_prev = c.data(), .dax = o.dax.data(), .dah = o.dah.data(), .dh_prev = o.dh_prev.data()});
    return o;
  };
  const Outputs reference = run(*cell_kernels_for(Isa::portable));
  CHECK(cell_kernels().isa == active_isa());
  for (const Isa isa : compiled_isas()) {
    if (!cpu_supports(isa)) {
      MESSAGE("this CPU cannot run the " << std::string(isa_name(isa)) << " cell kernels: not checked here");
      continue;
    }
    const std::string variant = isa_name(isa);
    CAPTURE(variant);
    const Outputs o = run(*cell_kernels_for(isa));
    CHECK_TENSOR_CLOSE(o.act, reference.act, 1e-14, 1e-14);
    CHECK_TENSOR_CLOSE(o.tanh_c, reference.tanh_c, 1e-14, 1e-14);
    CHECK_TENSOR_CLOSE(o.h, reference.h, 1e-14, 1e-14);
    CHECK_TENSOR_CLOSE(o.cell, reference.cell, 1e-14, 1e-14);
    CHECK_TENSOR_CLOSE(o.da, reference.da, 1e-14, 1e-14);
    CHECK_TENSOR_CLOSE(o.dc_prev, reference.dc_prev, 1e-14, 1e-14);
    CHECK_TENSOR_CLOSE(o.gru_act, reference.gru_act, 1e-14, 1e-14);
    CHECK_TENSOR_CLOSE(o.gru_h, reference.gru_h, 1e-14, 1e-14);
    CHECK_TENSOR_CLOSE(o.dax, reference.dax, 1e-14, 1e-14);
    CHECK_TENSOR_CLOSE(o.dah, reference.dah, 1e-14, 1e-14);
    CHECK_TENSOR_CLOSE(o.dh_prev, reference.dh_prev, 1e-14, 1e-14);
  }
}

TEST_CASE("the fused layers reject shapes that do not fit and name the op and the shapes") {
  const Var gates(Tensor::zeros({5, 2, 8})), state(Tensor::zeros({2, 2})), weight(Tensor::zeros({8, 2}));
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)fused_lstm_layer(gates, state, Var(Tensor::zeros({2, 3})), weight, Var()); }),
                 "fused_lstm_layer: gates_x [5, 2, 8], h0 [2, 2], c0 [2, 3], weight_hh [8, 2]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)fused_lstm_layer(gates, state, state, weight, Var(Tensor::zeros({6}))); }),
                 "bias_hh [6]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)fused_gru_layer(gates, state, weight, Var()); }),
                 "fused_gru_layer: gates_x [5, 2, 8]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)fused_gru_layer(Var(Tensor::zeros({0, 2, 6})), state, Var(Tensor::zeros({6, 2})), Var()); }),
                 "T >= 1");
}

TEST_CASE("run_sequence and make_recurrent: one way to run any recurrent layer and equal to its own forward") {
  Rng data_rng(3);
  const Var x(Tensor::normal({5, 2, 3}, 0, 1, data_rng));
  const Var h0(Tensor::normal({2, 2, 4}, 0, 1, data_rng)), c0(Tensor::normal({2, 2, 4}, 0, 1, data_rng));
  const RecurrentOptions two_layers{.num_layers = 2};
  for (const CellKind kind : {CellKind::tanh_rnn, CellKind::lstm, CellKind::gru}) {
    CAPTURE(name_of(kind));
    Rng rng(11), same(11);
    const auto layer = make_recurrent(kind, 3, 4, rng, two_layers, 1.0);
    const RecurrentState initial{h0, kind == CellKind::lstm ? c0 : Var()};
    const SequenceOutput run = layer->run_sequence(x, initial);
    Tensor output, h_n, c_n;
    switch (kind) {
      case CellKind::tanh_rnn: {
        const RNNResult r = RNN(3, 4, same, two_layers)(x, h0);
        output = r.output.value(), h_n = r.h_n.value();
        break;
      }
      case CellKind::lstm: {
        const LSTMResult r = LSTM(3, 4, same, two_layers, 1.0)(x, h0, c0);
        output = r.output.value(), h_n = r.h_n.value(), c_n = r.c_n.value();
        CHECK(max_abs_diff(run.final.c.value(), c_n) == 0);
        break;
      }
      case CellKind::gru: {
        const RNNResult r = GRU(3, 4, same, two_layers)(x, h0);
        output = r.output.value(), h_n = r.h_n.value();
        CHECK_CONTAINS(message_of<std::invalid_argument>([&] {
                         (void)layer->run_sequence(x, {h0, c0});
                       }),
                       "only an LSTM has one");
        break;
      }
    }
    CHECK(max_abs_diff(run.output.value(), output) == 0);
    CHECK(max_abs_diff(run.final.h.value(), h_n) == 0);
    CHECK(layer->hidden_size() == 4);
  }
  CHECK(name_of(CellKind::tanh_rnn) == "tanh RNN");
}

TEST_CASE("gated modules reject bad shapes") {
  CHECK_CONTAINS(message_of<ShapeError>([] {
    (void)fused_lstm_cell(Var(Tensor::zeros({2, 8})), Var(Tensor::zeros({2, 8})), Var(Tensor::zeros({2, 3})));
  }), "fused_lstm_cell: gates [2, 8] and [2, 8] and state [2, 3]");
  CHECK_CONTAINS(message_of<ShapeError>([] {
    (void)fused_gru_cell(Var(Tensor::zeros({2, 6})), Var(Tensor::zeros({3, 6})), Var(Tensor::zeros({2, 2})));
  }), "fused_gru_cell");
  Rng rng(7);
  LSTM lstm(3, 4, rng);
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)lstm(Var(Tensor::zeros({5, 2, 3})), Var(), Var(Tensor::zeros({1, 3, 4}))); }),
                 "c0");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)lstm(Var(Tensor::zeros({5, 2, 2}))); }), "[5, 2, 2]");
  GRUCell cell(3, 4, rng);
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)cell(Var(Tensor::zeros({2, 3})), Var(Tensor::zeros({2, 5}))); }), "[2, 5]");
  CHECK_CONTAINS(message_of<std::invalid_argument>([&] { GRU bad(3, 0, rng); }), "hidden_size");
}

}  // TEST_SUITE
