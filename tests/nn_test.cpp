#include <cmath>
#include <filesystem>

#include "autograd/gradcheck.hpp"
#include "autograd/ops.hpp"
#include "check.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"
#include "tensor/matmul.hpp"
#include "nn/optim.hpp"

using namespace rnnlab;
using namespace rnnlab::nn;
using rnnlab::testing::check_gradcheck;
using rnnlab::testing::message_of;
using rnnlab::testing::with_parameters;

namespace {

const std::string data_dir = RNNLAB_TEST_DATA;

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("rnnlab_nn_test_" + name)).string();
}

// in -> hidden (tanh) -> out, the MLP of Rumelhart, Hinton & Williams (1986).
struct Mlp : Module {
  Mlp(std::size_t in, std::size_t hidden, std::size_t out, Rng& rng) : first(in, hidden, rng), second(hidden, out, rng) {
    register_module("first", first);
    register_module("second", second);
  }
  Var operator()(const Var& x) { return second(tanh(first(x))); }
  Linear first, second;
};

}  // namespace

TEST_SUITE("nn") {

TEST_CASE("gradcheck Linear") {
  Rng rng(1);
  Linear layer(3, 4, rng);
  Var x(Tensor::normal({2, 5, 3}, 0, 1, rng), true);
  check_gradcheck(gradcheck([&] { return layer(x); }, {x, layer.weight, layer.bias}));
  Linear no_bias(3, 2, rng, false);
  CHECK_FALSE(no_bias.bias);
  CHECK(no_bias.num_parameters() == 6);
  check_gradcheck(gradcheck([&] { return no_bias(x); }, {x, no_bias.weight}));
}

TEST_CASE("gradcheck Embedding with repeated indices") {
  Rng rng(2);
  Embedding table(5, 3, rng);
  check_gradcheck(gradcheck([&] { return table.forward({4, 1, 4, 0}, {2, 2}); }, {table.weight}));
  CHECK(table.forward({4, 1, 4, 0}, {2, 2}).shape() == Shape{2, 2, 3});
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)table({1, 5}); }), "index 5");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)table.forward({1, 2, 3}, {2, 2}); }), "[2, 2]");
}

TEST_CASE("gradcheck every loss through a layer") {
  Rng rng(3);
  Linear layer(3, 4, rng);
  Var x(Tensor::normal({6, 3}, 0, 1, rng), true);
  const Var target(Tensor::normal({6, 4}, 0, 1, rng));
  const Var probability(sigmoid(Tensor::normal({6, 4}, 0, 1, rng)));
  const std::vector<Var> all{x, layer.weight, layer.bias};
  check_gradcheck(gradcheck([&] { return mse_loss(layer(x), target); }, all));
  check_gradcheck(gradcheck([&] { return cross_entropy(layer(x), {0, 3, 2, 1, 1, 3}); }, all));
  check_gradcheck(gradcheck([&] { return bce_with_logits(layer(x), probability); }, all));
}

TEST_CASE("gradcheck a 2-layer MLP end to end") {
  Rng rng(4);
  Mlp mlp(3, 5, 2, rng);
  Var x(Tensor::normal({4, 3}, 0, 1, rng), true);
  std::vector<Var> inputs{x};
  for (const Var& p : mlp.parameters()) inputs.push_back(p);
  check_gradcheck(gradcheck([&] { return cross_entropy(mlp(x), {1, 0, 0, 1}); }, inputs));
}

TEST_CASE("named_parameters: dotted names in registration order") {
  struct Net : Module {
    explicit Net(Rng& rng) : encoder(4, 8, rng) {
      register_module("encoder", encoder);
      head.add<Linear>(8, 8, rng);
      head.add<Tanh>();
      head.add<Linear>(8, 3, rng);
      register_module("head", head);
      scale = register_parameter("scale", Var(Tensor::ones({3})));
    }
    Linear encoder;
    Sequential head;
    Var scale;
  };
  Rng rng(5);
  Net net(rng);
  std::vector<std::string> names;
  for (const auto& [name, p] : net.named_parameters()) names.push_back(name);
  // Own parameters first, then each sub-module in the order it was registered.
  CHECK(names == std::vector<std::string>{"scale", "encoder.weight", "encoder.bias", "head.0.weight", "head.0.bias",
                                          "head.2.weight", "head.2.bias"});
  CHECK(net.num_parameters() == 3 + (4 * 8 + 8) + (8 * 8 + 8) + (8 * 3 + 3));
  CHECK(net.head(Var(Tensor::ones({2, 8}))).shape() == Shape{2, 3});
  for (const Var& p : net.parameters()) CHECK(p.requires_grad());
}

TEST_CASE("num_parameters matches the formula (in*h + h) + (h*out + out)") {
  Rng rng(6);
  for (auto [in, h, out] : {std::tuple{2u, 4u, 1u}, std::tuple{10u, 7u, 3u}}) {
    Mlp mlp(in, h, out, rng);
    CHECK(mlp.num_parameters() == (in * h + h) + (h * out + out));
  }
}

TEST_CASE("Linear initializes like PyTorch with U(-1/sqrt(in) .. 1/sqrt(in))") {
  Rng rng(7);
  Linear layer(400, 300, rng);
  const real bound = 1 / std::sqrt(400.0);
  CHECK(max_value(abs(layer.weight.value())) <= bound);
  CHECK(max_value(abs(layer.weight.value())) > 0.99 * bound);
  // Variance of U(-a, a) is a^2 / 3.
  CHECK(mean(pow(layer.weight.value(), 2)).item() == doctest::Approx(bound * bound / 3).epsilon(0.02));
  CHECK_CONTAINS(message_of<std::invalid_argument>([&] { Linear bad(0, 3, rng); }), "Linear");
}

TEST_CASE("orthogonal_ makes rho Q with Q Q^T = I") {
  Rng rng(12);
  Var w(Tensor::zeros({20, 20}), true);
  init::orthogonal_(w, rng, 1.5);
  const Tensor gram = matmul(w.value(), w.value(), Transpose::second);  // (1.5 Q)(1.5 Q)^T = 2.25 I
  Tensor expected({20, 20});
  for (std::size_t i = 0; i < 20; ++i) expected.at({i, i}) = 2.25;
  CHECK_TENSOR_CLOSE(gram, expected, 0, 1e-12);
  Var not_square(Tensor::zeros({3, 4}), true);
  CHECK_CONTAINS(message_of<ShapeError>([&] { init::orthogonal_(not_square, rng); }), "[3, 4]");
}

TEST_CASE("dropout scales survivors in training and is the identity in eval") {
  Dropout drop(0.25, 123);
  Var x(Tensor::ones({10000}), true);
  const Var y = drop(x);
  std::size_t zeros = 0;
  for (real v : y.value().values()) {
    CHECK((v == 0 || v == doctest::Approx(1 / 0.75)));
    zeros += v == 0;
  }
  CHECK(static_cast<real>(zeros) / 10000 == doctest::Approx(0.25).epsilon(0.08));
  backward(sum(y));
  CHECK(x.grad() == y.value());  // d(x * mask)/dx = mask, and x = 1
  drop.eval();
  CHECK(drop(x).value() == x.value());
  Dropout a(0.5, 9), b(0.5, 9);
  CHECK(a(x).value() == b(x).value());  // the same seed gives the same masks
}

TEST_CASE("SGD with momentum: two steps by hand") {
  Var p(Tensor::scalar(1.0), true);
  optim::SGD sgd({p}, 0.1, 0.9);
  p.set_grad(Tensor::scalar(0.5));
  sgd.step();  // v = g = 0.5; p = 1 - 0.1 * 0.5
  CHECK(p.item() == doctest::Approx(0.95).epsilon(1e-15));
  sgd.step();  // v = 0.9 * 0.5 + 0.5 = 0.95; p = 0.95 - 0.1 * 0.95
  CHECK(p.item() == doctest::Approx(0.855).epsilon(1e-15));
  Var plain(Tensor::scalar(1.0), true);
  optim::SGD no_momentum({plain}, 0.5);
  plain.set_grad(Tensor::scalar(-2));
  no_momentum.step();
  CHECK(plain.item() == 2);
}

TEST_CASE("Adam: three steps with bias correction by hand") {
  // m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
  // with lr 0.1, b1 0.9, b2 0.999, eps 1e-8 and gradients 0.5, -0.25, 1.0, worked out in full precision.
  Var p(Tensor::scalar(1.0), true);
  optim::Adam adam({p}, 0.1);
  const real gradients[] = {0.5, -0.25, 1.0};
  const real expected[] = {0.900000002, 0.8733662987078463, 0.8075551396770898};
  for (int t = 0; t < 3; ++t) {
    p.set_grad(Tensor::scalar(gradients[t]));
    adam.step();
    CHECK(p.item() == doctest::Approx(expected[t]).epsilon(1e-14));
  }
}

TEST_CASE("Adagrad: three steps by hand") {
  // s += g^2; p -= lr g / (sqrt(s) + eps), lr 0.1, eps 1e-10
  Var p(Tensor::scalar(1.0), true);
  optim::Adagrad adagrad({p}, 0.1);
  const real gradients[] = {0.5, -0.25, 1.0};
  const real expected[] = {0.90000000002, 0.9447213595619958, 0.8574342034752178};
  for (int t = 0; t < 3; ++t) {
    p.set_grad(Tensor::scalar(gradients[t]));
    adagrad.step();
    CHECK(p.item() == doctest::Approx(expected[t]).epsilon(1e-14));
  }
}

TEST_CASE("optimizers skip parameters without a gradient and zero_grad clears") {
  Var a(Tensor::scalar(1), true), b(Tensor::scalar(1), true);
  optim::Adam adam({a, b}, 0.1);
  a.set_grad(Tensor::scalar(1));
  adam.step();
  CHECK(a.item() < 1);
  CHECK(b.item() == 1);
  adam.zero_grad();
  CHECK_FALSE(a.has_grad());
}

TEST_CASE("clip_grad_norm on a known vector") {
  Var a(Tensor::zeros({2}), true), b(Tensor::zeros({1}), true);
  a.set_grad(Tensor::from({2}, {3, 4}));
  b.set_grad(Tensor::from({1}, {0}));
  CHECK(optim::clip_grad_norm({a, b}, 10) == 5);  // below the limit: unchanged
  CHECK(a.grad() == Tensor::from({2}, {3, 4}));
  CHECK(optim::clip_grad_norm({a, b}, 1) == 5);  // the norm before clipping
  CHECK_TENSOR_CLOSE(a.grad(), Tensor::from({2}, {0.6, 0.8}), 1e-6);
  CHECK(std::hypot(a.grad()[0], a.grad()[1]) == doctest::Approx(1).epsilon(1e-6));
}

TEST_CASE("an MLP learns XOR (2-4-1 tanh with Adam 1e-2) in at least 9 of 10 seeds") {
  const Var x(Tensor::from({4, 2}, {0, 0, 0, 1, 1, 0, 1, 1}));
  const Var y(Tensor::from({4, 1}, {0, 1, 1, 0}));
  int solved = 0;
  for (std::uint64_t seed = 0; seed < 10; ++seed) {
    Rng rng(seed);
    Mlp mlp(2, 4, 1, rng);
    optim::Adam adam(mlp.parameters(), 1e-2);
    real loss = 1;
    for (int step = 0; step < 2000 && loss >= 0.01; ++step) {
      adam.zero_grad();
      const Var l = mse_loss(mlp(x), y);
      backward(l);
      adam.step();
      loss = l.item();
    }
    MESSAGE("seed " << seed << ": final MSE " << loss);
    solved += loss < 0.01;
  }
  CHECK(solved >= 9);
}

TEST_CASE("checkpoint round trip is bit-exact with numpy-style names") {
  Rng rng(8);
  Mlp saved(3, 6, 2, rng), restored(3, 6, 2, rng);
  const std::string path = temp_path("mlp.npz");
  saved.save(path);
  CHECK(restored.state_dict() != saved.state_dict());
  restored.load(path);
  CHECK(restored.state_dict() == saved.state_dict());
  const NamedTensors file = load_npz(path);
  REQUIRE(file.size() == 4);
  CHECK(file[0].first == "first.weight");
  CHECK(file[3].first == "second.bias");
  std::filesystem::remove(path);
}

TEST_CASE("a float32 checkpoint from numpy is converted but an int64 one is refused") {
  Rng rng(9);
  Linear layer(3, 2, rng);
  layer.load(data_dir + "/linear_3x2_f4.npz");
  CHECK(layer.weight.value() == Tensor::from({2, 3}, {0, 0.25, 0.5, 0.75, 1, 1.25}));
  const StateDict before = layer.state_dict();
  const std::string m = message_of<FormatError>([&] { layer.load(data_dir + "/linear_3x2_int64.npz"); });
  CHECK_CONTAINS(m, "linear_3x2_int64.npz");
  CHECK_CONTAINS(m, "<i8");
  CHECK(layer.state_dict() == before);
}

TEST_CASE("bad checkpoints are refused and leave the model unchanged") {
  Rng rng(10);
  Mlp model(3, 4, 2, rng);
  const StateDict before = model.state_dict();
  const std::string good = temp_path("good.npz");
  model.save(good);
  const std::string bytes = read_file(good);

  auto refused = [&](const std::string& name, const std::string& content, const std::string& expected) {
    CAPTURE(name);
    const std::string path = temp_path(name);
    write_file_atomically(path, content);
    const std::string m = message_of<std::exception>([&] { model.load(path); });
    CHECK_CONTAINS(m, path);
    CHECK_CONTAINS(m, expected);
    CHECK(model.state_dict() == before);
    std::filesystem::remove(path);
  };
  refused("truncated.npz", bytes.substr(0, bytes.size() / 2), "truncated");
  std::string flipped = bytes;
  flipped[200] = static_cast<char>(flipped[200] ^ 0x10);
  refused("corrupt.npz", flipped, "CRC");
  StateDict missing = before;
  missing.pop_back();
  refused("missing.npz", encode_npz(missing), "missing parameter 'second.bias'");
  StateDict extra = before;
  extra.emplace_back("third.weight", Tensor::zeros({2}));
  refused("extra.npz", encode_npz(extra), "unexpected parameter 'third.weight'");
  StateDict wrong_shape = before;
  wrong_shape[0].second = Tensor::zeros({3, 4});
  refused("shape.npz", encode_npz(wrong_shape), "[4, 3]");
  CHECK_CONTAINS(message_of<FormatError>([&] { model.load("/nonexistent/model.npz"); }), "/nonexistent/model.npz");
  CHECK(model.state_dict() == before);
  std::filesystem::remove(good);
}

TEST_CASE("a save interrupted mid-write leaves the old checkpoint intact") {
  Rng rng(11);
  Mlp old_model(50, 200, 50, rng), new_model(50, 200, 50, rng);  // ~160 KB: several 64 KiB chunks
  const std::string path = temp_path("interrupted.npz");
  old_model.save(path);
  const std::string content = encode_npz(new_model.state_dict());
  REQUIRE(content.size() > 2 * 64 * 1024);
  // Simulate a crash after the first chunk reached the disk.
  CHECK_THROWS_AS(write_file_atomically(path, content, [](std::size_t) { throw std::runtime_error("power cut"); }),
                  std::runtime_error);
  Mlp check(50, 200, 50, rng);
  check.load(path);
  CHECK(check.state_dict() == old_model.state_dict());
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path())) {
    CHECK(entry.path().string().find("rnnlab_nn_test_interrupted.npz.tmp") == std::string::npos);
  }
  std::filesystem::remove(path);
}

}  // TEST_SUITE
