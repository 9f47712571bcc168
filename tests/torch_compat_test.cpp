// rnnlab's recurrent modules against PyTorch: weights saved from torch.nn modules (tests/make_torch_fixtures.py)
// are loaded by name, and outputs, final states and every gradient must agree to 1e-10.
#include <map>

#include "check.hpp"
#include "nn/recurrent.hpp"
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

// Loads the fixture's parameters into `module` (by its own names), runs `forward` and checks everything.
template <class Forward>
void check_against_torch(Module& module, const Fixture& f, Forward forward) {
  StateDict state;
  for (const auto& [name, p] : module.named_parameters()) state.emplace_back(name, f[name]);
  module.load_state_dict(state);
  Var x(f["input"], true);
  const auto [output, h_n] = forward(x);
  CHECK_TENSOR_CLOSE(output.value(), f["output"], 0, 1e-10);
  CHECK_TENSOR_CLOSE(h_n.value(), f["h_n"], 0, 1e-10);
  backward(output, f["projection"]);
  for (const auto& [name, p] : module.named_parameters()) {
    CAPTURE(name);
    CHECK_TENSOR_CLOSE(p.grad(), f["grad." + name], 0, 1e-10);
  }
  CHECK_TENSOR_CLOSE(x.grad(), f["grad.input"], 0, 1e-10);
}

}  // namespace

TEST_SUITE("nn") {

TEST_CASE("RNN equals torch.nn.RNN: tanh with 2 layers and both directions and h0") {
  const Fixture f = load("torch_rnn_tanh_2layer_bidirectional.npz");
  Rng rng(0);
  RNN rnn(3, 4, rng, {.num_layers = 2, .bidirectional = true});
  const Var h0(f["h0"]);
  check_against_torch(rnn, f, [&](const Var& x) {
    const RNNResult r = rnn(x, h0);
    return std::pair{r.output, r.h_n};
  });
}

TEST_CASE("RNN equals torch.nn.RNN: relu with 1 layer") {
  const Fixture f = load("torch_rnn_relu_1layer.npz");
  Rng rng(0);
  RNN rnn(3, 4, rng, {}, Nonlinearity::relu);
  check_against_torch(rnn, f, [&](const Var& x) {
    const RNNResult r = rnn(x);
    return std::pair{r.output, r.h_n};
  });
}

}  // TEST_SUITE
