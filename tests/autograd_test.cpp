#include <cmath>
#include <memory>

#include "autograd/dot.hpp"
#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "check.hpp"

using namespace rnnlab;
using rnnlab::testing::message_of;

TEST_SUITE("autograd") {

TEST_CASE("a reused node receives every contribution") {
  // b = a + a; c = b + b: dc/da = 4 (the topological sort runs b's backward once, after both uses are in).
  Var a(Tensor::scalar(3), true);
  const Var b = a + a;
  const Var c = b + b;
  backward(c);
  CHECK(c.item() == 12);
  CHECK(a.grad().item() == 4);

  // x * x: d(x^2)/dx = 2x, both inputs of mul are the same node.
  Var x(Tensor::from({2}, {3, -1}), true);
  backward(sum(x * x));
  CHECK(x.grad() == Tensor::from({2}, {6, -2}));
}

TEST_CASE("a diamond graph") {
  // a -> (b = 2a, c = 3a) -> d = b * c = 6a^2, so dd/da = 12a.
  Var a(Tensor::scalar(1.5), true);
  const Var d = (a * 2.0) * (a * 3.0);
  backward(d);
  CHECK(d.item() == doctest::Approx(13.5));
  CHECK(a.grad().item() == doctest::Approx(18));
}

TEST_CASE("topological order lists each node once with inputs first") {
  Var a(Tensor::scalar(1), true), b(Tensor::scalar(2), true);
  const Var c = a * b;
  const Var d = c + a;
  const Var e = d * c;
  const auto order = topological_order(e);
  CHECK(order.size() == 5);  // a, b, c, d, e
  auto position = [&](const Var& v) {
    for (std::size_t i = 0; i < order.size(); ++i)
      if (order[i].get() == v.node()) return i;
    return order.size();
  };
  CHECK(position(a) < position(c));
  CHECK(position(b) < position(c));
  CHECK(position(c) < position(d));
  CHECK(position(d) < position(e));
  CHECK(position(e) == order.size() - 1);
}

TEST_CASE("backward twice accumulates and zero_grad resets") {
  Var w(Tensor::from({2}, {1, 2}), true);
  auto loss = [&] { return sum(w * w); };
  backward(loss());
  CHECK(w.grad() == Tensor::from({2}, {2, 4}));
  backward(loss());  // a second forward and backward without zero_grad: the gradients add up
  CHECK(w.grad() == Tensor::from({2}, {4, 8}));
  w.zero_grad();
  CHECK(w.grad() == Tensor::from({2}, {0, 0}));
  backward(loss());
  CHECK(w.grad() == Tensor::from({2}, {2, 4}));
}

TEST_CASE("backward frees the graph unless asked to keep it") {
  Var w(Tensor::scalar(2), true);
  const Var y = tanh(w * 3.0);
  backward(y);
  CHECK_CONTAINS(message_of<std::logic_error>([&] { backward(y); }), "already freed");

  const Var z = w * w;
  w.zero_grad();
  backward(z, true);
  backward(z, true);
  CHECK(w.grad().item() == 8);  // 2 * (2w) with w = 2
}

TEST_CASE("the graph is released right after backward") {
  Rng rng(1);
  Var w(Tensor::normal({8, 8}, 0, 1, rng), true);
  std::size_t still_alive = 0, intermediates = 0;
  for (int pass = 0; pass < 1000; ++pass) {
    Var h(Tensor::ones({4, 8}));
    for (int t = 0; t < 5; ++t) h = tanh(matmul(h, w));
    const Var loss = mean(h);
    std::vector<std::weak_ptr<Node>> nodes;
    for (const auto& node : topological_order(loss)) {
      if (node.get() != loss.node() && node.get() != w.node()) nodes.push_back(node);
    }
    intermediates += nodes.size();
    h = Var();
    backward(loss);
    // `loss` is still alive here, but backward dropped its inputs: nothing below it may survive.
    for (const auto& n : nodes) still_alive += !n.expired();
  }
  CHECK(intermediates == 1000 * 11);  // 5 matmul + 5 tanh + the sum inside mean, per pass
  CHECK(still_alive == 0);
}

TEST_CASE("a 100000-node chain backpropagates without stack overflow") {
  // y = x + 1e-5 * t accumulated step by step: one long chain of add nodes.
  Var x(Tensor::scalar(0.5), true);
  Var y = x;
  for (int t = 0; t < 100000; ++t) y = y * 1.0 + constant(1e-5);
  backward(y);
  CHECK(x.grad().item() == 1);
  CHECK(y.item() == doctest::Approx(1.5));
  // Dropping a long graph that was never backpropagated must not recurse either.
  Var z = x;
  for (int t = 0; t < 100000; ++t) z = tanh(z);
  z = Var();
  CHECK(x.requires_grad());
}

TEST_CASE("NoGradGuard records nothing") {
  Var w(Tensor::scalar(2), true);
  {
    NoGradGuard no_grad;
    const Var y = w * w;
    CHECK_FALSE(y.requires_grad());
    CHECK(y.is_leaf());
    CHECK(topological_order(y).empty());
    CHECK_CONTAINS(message_of<std::logic_error>([&] { backward(y); }), "does not require grad");
  }
  CHECK((w * w).requires_grad());  // recording is back on after the guard
}

TEST_CASE("retain_grad keeps an intermediate gradient") {
  Var x(Tensor::scalar(0.3), true);
  Var h = tanh(x);
  h.retain_grad();
  Var other = h * 1.0;
  const Var y = h * h + other;
  backward(y);
  CHECK(h.grad().item() == doctest::Approx(2 * std::tanh(0.3) + 1));
  CHECK_CONTAINS(message_of<std::logic_error>([&] { (void)other.grad(); }), "retain_grad");
}

TEST_CASE("detach stops the gradient") {
  Var x(Tensor::scalar(2), true);
  const Var y = x * x.detach();
  backward(y);
  CHECK(x.grad().item() == 2);  // d(x * c)/dx = c, with c = 2 held constant
}

TEST_CASE("backward needs a scalar loss or an explicit output gradient") {
  Var x(Tensor::from({2}, {1, 2}), true);
  const Var y = x * 3.0;
  const std::string m = message_of<ShapeError>([&] { backward(y); });
  CHECK_CONTAINS(m, "[2]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { backward(y, Tensor::ones({3})); }), "[3]");
  backward(y, Tensor::from({2}, {1, -1}));
  CHECK(x.grad() == Tensor::from({2}, {3, -3}));
}

TEST_CASE("differentiable ops reject bad shapes and name them") {
  Var a(Tensor::zeros({2, 3}), true), b(Tensor::zeros({4, 5}), true);
  CHECK(message_of<ShapeError>([&] { (void)matmul(a, b); }) == "matmul: shapes [2, 3] and [4, 5] are not aligned (3 != 4)");
  const std::string add = message_of<ShapeError>([&] { (void)(a + b); });
  CHECK_CONTAINS(add, "[2, 3]");
  CHECK_CONTAINS(add, "[4, 5]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)cross_entropy(a, {0, 3}); }), "[2, 3]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)cross_entropy(a, {0}); }), "[2, 3]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)mse_loss(a, b); }), "[4, 5]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)slice(a, 1, 0, 4); }), "[2, 3]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)index_select(a, {2}); }), "[2, 3]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)sum(a, 5); }), "[2, 3]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)reshape(a, {4, 2}); }), "[2, 3]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)stack({a, b}, 0); }), "[4, 5]");
}

TEST_CASE("fused ops equal their composed versions") {
  Rng rng(21);
  const Tensor logits = Tensor::normal({4, 5}, 0, 2, rng);
  const std::vector<std::size_t> targets{3, 0, 4, 4};

  // log_softmax(x) = x - log(sum(exp(x))) along the axis.
  Var x1(logits, true), x2(logits, true);
  const Var fused = log_softmax(x1, 1);
  const Var composed = x2 - log(sum(exp(x2), 1, true));
  CHECK_TENSOR_CLOSE(fused.value(), composed.value(), 1e-12, 1e-12);
  const Tensor upstream = Tensor::normal({4, 5}, 0, 1, rng);
  backward(fused, upstream);
  backward(composed, upstream);
  CHECK_TENSOR_CLOSE(x1.grad(), x2.grad(), 1e-12, 1e-12);

  // cross_entropy = mean over rows of -log_softmax[target].
  Var z1(logits, true), z2(logits, true);
  const Var ce = cross_entropy(z1, targets);
  const Var ce_composed = -mean(sum(log_softmax(z2, 1) * Var(one_hot(targets, 5)), 1));
  CHECK(ce.item() == doctest::Approx(ce_composed.item()).epsilon(1e-12));
  backward(ce);
  backward(ce_composed);
  CHECK_TENSOR_CLOSE(z1.grad(), z2.grad(), 1e-12, 1e-12);

  // mse = mean((p - t)^2).
  Var p1(logits, true), p2(logits, true);
  const Var t(Tensor::normal({4, 5}, 0, 1, rng));
  const Var mse = mse_loss(p1, t);
  const Var mse_composed = mean(pow(p2 - t, 2));
  CHECK(mse.item() == doctest::Approx(mse_composed.item()).epsilon(1e-12));
  backward(mse);
  backward(mse_composed);
  CHECK_TENSOR_CLOSE(p1.grad(), p2.grad(), 1e-12, 1e-12);
}

TEST_CASE("linear and bce_with_logits equal their composed versions") {
  Rng rng(22);
  const Tensor xs = Tensor::normal({2, 3, 4}, 0, 1, rng), ws = Tensor::normal({5, 4}, 0, 1, rng);
  const Tensor bs = Tensor::normal({5}, 0, 1, rng);
  Var x1(xs, true), w1(ws, true), b1(bs, true), x2(xs, true), w2(ws, true), b2(bs, true);
  const Var fused = linear(x1, w1, b1);
  const Var composed = reshape(matmul(reshape(x2, {6, 4}), transpose(w2, 0, 1)) + b2, {2, 3, 5});
  CHECK_TENSOR_CLOSE(fused.value(), composed.value(), 1e-12, 1e-12);
  const Tensor upstream = Tensor::normal({2, 3, 5}, 0, 1, rng);
  backward(fused, upstream);
  backward(composed, upstream);
  CHECK_TENSOR_CLOSE(x1.grad(), x2.grad(), 1e-12, 1e-12);
  CHECK_TENSOR_CLOSE(w1.grad(), w2.grad(), 1e-12, 1e-12);
  CHECK_TENSOR_CLOSE(b1.grad(), b2.grad(), 1e-12, 1e-12);

  // bce = mean(-[y log s + (1 - y) log(1 - s)]), s = sigmoid(z)
  const Tensor zs = Tensor::normal({3, 4}, 0, 2, rng);
  const Var y(sigmoid(Tensor::normal({3, 4}, 0, 1, rng)));
  Var z1(zs, true), z2(zs, true);
  const Var bce = bce_with_logits(z1, y);
  const Var s = sigmoid(z2);
  const Var bce_composed = -mean(y * log(s) + (1.0 - y) * log(1.0 - s));
  CHECK(bce.item() == doctest::Approx(bce_composed.item()).epsilon(1e-12));
  backward(bce);
  backward(bce_composed);
  CHECK_TENSOR_CLOSE(z1.grad(), z2.grad(), 1e-10, 1e-12);
  // Stable where the composed form is not: sigmoid(800) rounds to 1 and log(1 - 1) = -inf.
  CHECK(bce_with_logits(Var(Tensor::from({2}, {800, -800})), Var(Tensor::from({2}, {0, 1}))).item() == doctest::Approx(800));
  CHECK_CONTAINS(message_of<ShapeError>([] { (void)linear(Var(Tensor::zeros({2, 3})), Var(Tensor::zeros({4, 5})), Var()); }),
                 "[4, 5]");
}

TEST_CASE("log_softmax and cross_entropy are stable for huge logits") {
  Var x(Tensor::from({2, 3}, {1000, 0, -1000, -1e4, -1e4, -1e4}), true);
  const Var loss = cross_entropy(x, {0, 2});
  backward(loss);
  CHECK(loss.item() == doctest::Approx(std::log(3.0) / 2));
  for (real g : x.grad().values()) CHECK(std::isfinite(g));
  CHECK(sum(softmax(x, 1), 1).value() == Tensor::from({2}, {1, 1}));
}

TEST_CASE("anomaly mode names the op that made a NaN or Inf") {
  Var x(Tensor::from({2}, {1, 0}), true);
  CHECK_NOTHROW((void)log(x));  // off by default: log(0) = -inf silently
  DetectAnomalyGuard anomaly;
  const std::string forward = message_of<AnomalyError>([&] { (void)log(x); });
  CHECK_CONTAINS(forward, "'log'");
  CHECK_CONTAINS(forward, "-Inf");
  CHECK_CONTAINS(forward, "element 1");
  // sqrt(0) = 0 is fine forward, but its derivative 1 / (2 sqrt x) is infinite there.
  const Var y = sum(sqrt(x));
  const std::string back = message_of<AnomalyError>([&] { backward(y); });
  CHECK_CONTAINS(back, "backward pass of 'sqrt'");
  CHECK_CONTAINS(back, "Inf");
}

TEST_CASE("anomaly scopes name where a NaN or Inf appeared in forward and in backward") {
  Var x(Tensor::from({2}, {1, 0}), true);
  {
    AnomalyScope outside("ignored while anomaly mode is off", 1);
    CHECK(anomaly_scopes().empty());
  }
  DetectAnomalyGuard anomaly;
  Var y;
  {
    const AnomalyScope training("training step", 12);
    const AnomalyScope time("time step", 3);
    CHECK(anomaly_scopes() == "training step 12, time step 3");
    CHECK_CONTAINS(message_of<AnomalyError>([&] { (void)log(x); }), "(in training step 12, time step 3)");
    y = sum(sqrt(x));  // finite forward; its backward divides by 2 sqrt(0)
  }
  CHECK(anomaly_scopes().empty());
  // The backward runs outside the scopes; the message names where the failing node was recorded.
  const std::string back = message_of<AnomalyError>([&] { backward(y); });
  CHECK_CONTAINS(back, "backward pass of 'sqrt'");
  CHECK_CONTAINS(back, "(in training step 12, time step 3)");
}

TEST_CASE("to_dot draws the graph") {
  Var a(Tensor::scalar(2), true), b(Tensor::scalar(-3), true);
  a.set_name("a");
  b.set_name("b");
  Var c = a * b;
  c.set_name("c");
  const Var d = tanh(c + a);
  const std::string dot = to_dot(d);
  CHECK_CONTAINS(dot, "digraph");
  CHECK_CONTAINS(dot, "c = mul");
  CHECK_CONTAINS(dot, "tanh");
  CHECK_CONTAINS(dot, "value -6");
  std::size_t edges = 0;
  for (std::size_t at = dot.find("->"); at != std::string::npos; at = dot.find("->", at + 1)) ++edges;
  CHECK(edges == 5);  // a->mul, b->mul, mul->add, a->add, add->tanh
  CHECK(dot.find("[]") == std::string::npos);  // scalars: no shape line
  CHECK_CONTAINS(to_dot(sum(Var(Tensor::zeros({2, 3}), true))), "leaf\\n[2, 3]");
}

TEST_CASE("an empty (default-constructed) Var refuses every use with a message and never crashes") {
  const Var empty;
  CHECK(!empty);
  const std::string expected = "Var: this Var is empty";
  CHECK_CONTAINS(message_of<std::logic_error>([&] { (void)empty.shape(); }), expected);
  CHECK_CONTAINS(message_of<std::logic_error>([&] { (void)empty.value(); }), expected);
  CHECK_CONTAINS(message_of<std::logic_error>([&] { (void)empty.item(); }), expected);
  CHECK_CONTAINS(message_of<std::logic_error>([&] { (void)empty.grad(); }), expected);
  CHECK_CONTAINS(message_of<std::logic_error>([&] { (void)empty.requires_grad(); }), expected);
  CHECK_CONTAINS(message_of<std::logic_error>([&] { (void)(empty + empty); }), expected);
  CHECK_CONTAINS(message_of<std::logic_error>([&] { (void)tanh(empty); }), expected);
  CHECK_CONTAINS(message_of<std::logic_error>([&] { (void)matmul(empty, Var(Tensor::ones({2, 2}))); }), expected);
  CHECK_CONTAINS(message_of<std::logic_error>([&] { backward(empty); }), "empty Var");
  Var assigned;
  assigned = Var(Tensor::ones({2}), true);
  CHECK(assigned.shape() == Shape{2});
}

TEST_CASE("relu keeps a NaN visible: forward and backward and anomaly mode") {
  const Var x(Tensor::from({3}, {std::nan(""), -1, 2}), true);
  const Var y = relu(x);
  CHECK(std::isnan(y.value()[0]));
  backward(sum(y * Var(Tensor::from({3}, {1, 1, 1}))));
  CHECK(std::isnan(x.grad()[0]) == false);  // d relu/dx at NaN: the gradient passes (PyTorch: zero only where y <= 0)
  CHECK(x.grad()[0] == 1);
  CHECK(x.grad()[1] == 0);
  DetectAnomalyGuard anomaly;
  CHECK_CONTAINS(message_of<AnomalyError>([&] { (void)relu(Var(Tensor::from({1}, {std::nan("")}), true)); }), "relu");
}

TEST_CASE("the mean of an empty tensor is NaN and its gradient is empty") {
  const Var x(Tensor::zeros({0, 4}), true);
  const Var m = mean(x);
  CHECK(std::isnan(m.item()));
  backward(m);
  CHECK(x.grad().shape() == Shape{0, 4});
  CHECK(mean(Var(Tensor::zeros({2, 0})), 1).value().shape() == Shape{2});
}

}  // TEST_SUITE
