// rnnlab's recurrent modules against PyTorch: weights saved from torch.nn modules (tests/make_torch_fixtures.py)
// are loaded by name, and outputs, final states and every gradient must agree to 1e-10.
#include <map>

#include "check.hpp"
#include "autograd/ops.hpp"
#include "nn/gated.hpp"
#include "tensor/npz.hpp"

using namespace rnnlab;
using namespace rnnlab::nn;

namespace {

const std::string data_dir = RNNLAB_TEST_DATA;

struct Fixture {
  std::map<std::string, Tensor> arrays;
  const Tensor& operator[](const std::string& name) const {
    const auto it = arrays.find(name);
    REQUIRE_MESSAGE(it != arrays.end(), "the fixture has no array '" << name << "'");
    return it->second;
  }
  bool has(const std::string& name) const { return arrays.contains(name); }
};

Fixture load(const std::string& file) {
  Fixture f;
  for (auto& [name, tensor] : load_npz(data_dir + "/" + file)) f.arrays.emplace(name, std::move(tensor));
  return f;
}

struct Outputs {
  Var output, h_n, c_n;
};

// Loads the fixture's parameters into `module` (by its own names), runs `forward` and checks everything.
template <class Forward>
void check_against_torch(Module& module, const Fixture& f, Forward forward) {
  StateDict state;
  for (const auto& [name, p] : module.named_parameters()) state.emplace_back(name, f[name]);
  module.load_state_dict(state);
  Var x(f["input"], true);
  const Outputs out = forward(x);
  CHECK_TENSOR_CLOSE(out.output.value(), f["output"], 0, 1e-10);
  CHECK_TENSOR_CLOSE(out.h_n.value(), f["h_n"], 0, 1e-10);
  if (f.has("c_n")) CHECK_TENSOR_CLOSE(out.c_n.value(), f["c_n"], 0, 1e-10);
  backward(out.output, f["projection"]);
  for (const auto& named : module.named_parameters()) {
    const std::string& name = named.first;
    CAPTURE(name);
    CHECK_TENSOR_CLOSE(named.second.grad(), f["grad." + name], 0, 1e-10);
  }
  CHECK_TENSOR_CLOSE(x.grad(), f["grad.input"], 0, 1e-10);
}

Var given(const Fixture& f, const std::string& name) { return f.has(name) ? Var(f[name]) : Var(); }

}  // namespace

TEST_SUITE("nn") {

TEST_CASE("RNN equals torch.nn.RNN: tanh with 2 layers and both directions and h0") {
  const Fixture f = load("torch_rnn_tanh_2layer_bidirectional.npz");
  Rng rng(0);
  RNN rnn(3, 4, rng, {.num_layers = 2, .bidirectional = true});
  const Var h0(f["h0"]);
  check_against_torch(rnn, f, [&](const Var& x) {
    const RNNResult r = rnn(x, h0);
    return Outputs{r.output, r.h_n, Var()};
  });
}

TEST_CASE("RNN equals torch.nn.RNN: relu with 1 layer") {
  const Fixture f = load("torch_rnn_relu_1layer.npz");
  Rng rng(0);
  RNN rnn(3, 4, rng, {}, Nonlinearity::relu);
  check_against_torch(rnn, f, [&](const Var& x) {
    const RNNResult r = rnn(x);
    return Outputs{r.output, r.h_n, Var()};
  });
}

TEST_CASE("LSTM equals torch.nn.LSTM: 2 layers and both directions with h0 and c0") {
  const Fixture f = load("torch_lstm_2layer_bidirectional.npz");
  Rng rng(0);
  LSTM lstm(3, 4, rng, {.num_layers = 2, .bidirectional = true});
  check_against_torch(lstm, f, [&](const Var& x) {
    const LSTMResult r = lstm(x, given(f, "h0"), given(f, "c0"));
    return Outputs{r.output, r.h_n, r.c_n};
  });
}

TEST_CASE("LSTM equals torch.nn.LSTM: 1 layer from zero state") {
  const Fixture f = load("torch_lstm_1layer.npz");
  Rng rng(0);
  LSTM lstm(3, 4, rng);
  check_against_torch(lstm, f, [&](const Var& x) {
    const LSTMResult r = lstm(x);
    return Outputs{r.output, r.h_n, r.c_n};
  });
}

TEST_CASE("GRU equals torch.nn.GRU: 2 layers and both directions with h0") {
  const Fixture f = load("torch_gru_2layer_bidirectional.npz");
  Rng rng(0);
  GRU gru(3, 4, rng, {.num_layers = 2, .bidirectional = true});
  check_against_torch(gru, f, [&](const Var& x) {
    const RNNResult r = gru(x, given(f, "h0"));
    return Outputs{r.output, r.h_n, Var()};
  });
}

TEST_CASE("GRU equals torch.nn.GRU: 1 layer from zero state") {
  const Fixture f = load("torch_gru_1layer.npz");
  Rng rng(0);
  GRU gru(3, 4, rng);
  check_against_torch(gru, f, [&](const Var& x) {
    const RNNResult r = gru(x);
    return Outputs{r.output, r.h_n, Var()};
  });
}

TEST_CASE("LSTMCell equals torch.nn.LSTMCell over 5 steps") {
  const Fixture f = load("torch_lstm_cell.npz");
  Rng rng(0);
  LSTMCell cell(3, 4, rng);
  check_against_torch(cell, f, [&](const Var& x) {
    RecurrentState state{select(given(f, "h0"), 0, 0), select(given(f, "c0"), 0, 0)};
    std::vector<Var> states;
    for (std::size_t t = 0; t < 5; ++t) {
      state = cell(select(x, 0, t), state);
      states.push_back(state.h);
    }
    return Outputs{stack(states, 0), stack({state.h}, 0), stack({state.c}, 0)};
  });
}

TEST_CASE("GRUCell equals torch.nn.GRUCell over 5 steps") {
  const Fixture f = load("torch_gru_cell.npz");
  Rng rng(0);
  GRUCell cell(3, 4, rng);
  check_against_torch(cell, f, [&](const Var& x) {
    Var h = select(given(f, "h0"), 0, 0);
    std::vector<Var> states;
    for (std::size_t t = 0; t < 5; ++t) {
      h = cell(select(x, 0, t), h);
      states.push_back(h);
    }
    return Outputs{stack(states, 0), stack({h}, 0), Var()};
  });
}

}  // TEST_SUITE
