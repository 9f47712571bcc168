#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "check.hpp"
#include "tensor/elementwise.hpp"
#include "tensor/math.hpp"
#include "tensor/ops.hpp"

using namespace rnnlab;
using rnnlab::testing::message_of;

TEST_SUITE("tensor") {

TEST_CASE("factories make the shapes and values they promise") {
  const Tensor z = Tensor::zeros({2, 3});
  CHECK(z.shape() == Shape{2, 3});
  CHECK(z.size() == 6);
  CHECK(z.dim() == 2);
  CHECK(sum(z).item() == 0);
  CHECK(sum(Tensor::ones({4})).item() == 4);
  CHECK(Tensor::full({2, 2}, 2.5).at({1, 1}) == 2.5);
  CHECK(Tensor::scalar(7).dim() == 0);
  CHECK(Tensor::scalar(7).item() == 7);
  CHECK(Tensor::arange(0, 5) == Tensor::from({5}, {0, 1, 2, 3, 4}));
  CHECK(Tensor::arange(1, 2, 0.25) == Tensor::from({4}, {1, 1.25, 1.5, 1.75}));
  CHECK(Tensor::arange(3, 1).size() == 0);
  const Tensor t = Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(t.at({1, 0}) == 4);
  CHECK(t.size(-1) == 3);
  CHECK(Tensor().size() == 0);
}

TEST_CASE("bad factory and access calls name the shapes") {
  CHECK_CONTAINS(message_of<ShapeError>([] { Tensor::from({2, 3}, {1, 2}); }), "[2, 3]");
  const Tensor t = Tensor::zeros({2, 3});
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)t.at({2, 0}); }), "[2, 3]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)t.at({1}); }), "[2, 3]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)t.item(); }), "[2, 3]");
  CHECK_CONTAINS(message_of<std::invalid_argument>([] { Tensor::arange(0, 1, 0); }), "arange");
}

TEST_CASE("Rng is SplitMix64 and reproducible") {
  Rng rng(0);
  // The published first outputs of SplitMix64 from state 0.
  CHECK(rng.next_u64() == 0xE220A8397B1DCDAFULL);
  CHECK(rng.next_u64() == 0x6E789E6AA1B965F4ULL);
  Rng a(42), b(42), c(43);
  const Tensor ta = Tensor::normal({100}, 0, 1, a), tb = Tensor::normal({100}, 0, 1, b);
  CHECK(ta == tb);
  CHECK(ta != Tensor::normal({100}, 0, 1, c));
}

TEST_CASE("Rng::shuffle gives a permutation and every order about equally often") {
  Rng rng(9);
  std::vector<int> counts(6, 0);  // the 3! orders of {0, 1, 2}
  for (int n = 0; n < 6000; ++n) {
    std::vector<int> v = {0, 1, 2};
    rng.shuffle(v);
    std::vector<int> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    REQUIRE(sorted == std::vector<int>{0, 1, 2});
    counts[static_cast<std::size_t>(v[0] * 2 + (v[1] > v[2] ? 1 : 0))] += 1;
  }
  for (int c : counts) CHECK(c == doctest::Approx(1000).epsilon(0.1));
}

TEST_CASE("Rng draws have the right distributions") {
  Rng rng(7);
  const std::size_t n = 200000;
  const Tensor u = Tensor::uniform({n}, -1, 3, rng);
  CHECK(min_value(u) >= -1);
  CHECK(max_value(u) < 3);
  CHECK(mean(u).item() == doctest::Approx(1).epsilon(0.01));
  const Tensor z = Tensor::normal({n}, 2, 0.5, rng);
  const real m = mean(z).item();
  const real var = mean(pow(z + (-m), 2)).item();
  CHECK(m == doctest::Approx(2).epsilon(0.005));
  CHECK(var == doctest::Approx(0.25).epsilon(0.02));
  std::size_t counts[5] = {};
  for (std::size_t i = 0; i < 50000; ++i) ++counts[rng.below(5)];
  for (std::size_t k : counts) CHECK(k == doctest::Approx(10000).epsilon(0.05));
}

TEST_CASE("elementwise ops broadcast like NumPy") {
  const Tensor a = Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6});
  CHECK(a + Tensor::from({3}, {10, 20, 30}) == Tensor::from({2, 3}, {11, 22, 33, 14, 25, 36}));
  CHECK(a * Tensor::from({2, 1}, {2, 3}) == Tensor::from({2, 3}, {2, 4, 6, 12, 15, 18}));
  CHECK(Tensor::from({2, 1}, {1, 2}) - Tensor::from({1, 3}, {1, 2, 3}) == Tensor::from({2, 3}, {0, -1, -2, 1, 0, -1}));
  CHECK(a / Tensor::scalar(2) == Tensor::from({2, 3}, {0.5, 1, 1.5, 2, 2.5, 3}));
  const Tensor big = Tensor::ones({3, 1, 2}) + Tensor::from({4, 1}, {0, 1, 2, 3});
  CHECK(big.shape() == Shape{3, 4, 2});
  CHECK(big.at({2, 3, 1}) == 4);
  CHECK(-a == a * -1.0);
  CHECK(relu(Tensor::from({3}, {-1, 0, 2})) == Tensor::from({3}, {0, 0, 2}));
  CHECK(sigmoid(Tensor::from({3}, {-800, 0, 800})) == Tensor::from({3}, {0, 0.5, 1}));
  CHECK(abs(Tensor::from({2}, {-1.5, 2})) == Tensor::from({2}, {1.5, 2}));
}

TEST_CASE("in-place ops broadcast the right side") {
  Tensor a = Tensor::ones({2, 3});
  a += Tensor::from({3}, {1, 2, 3});
  CHECK(a == Tensor::from({2, 3}, {2, 3, 4, 2, 3, 4}));
  a *= 2.0;
  CHECK(a.at({1, 2}) == 8);
  CHECK_CONTAINS(message_of<ShapeError>([&] { a += Tensor::ones({4, 3}); }), "[2, 3]");
}

TEST_CASE("mismatched broadcasts name both shapes") {
  const std::string m = message_of<ShapeError>([] { (void)(Tensor::zeros({2, 3}) + Tensor::zeros({4})); });
  CHECK_CONTAINS(m, "add");
  CHECK_CONTAINS(m, "[2, 3]");
  CHECK_CONTAINS(m, "[4]");
}

TEST_CASE("a freed buffer of 32 MiB or more is reused by the next tensor of that size and still starts at zero") {
  const std::size_t count = std::size_t{4} << 20;  // 4 Mi doubles = 32 MiB
  const real* first = nullptr;
  {
    Tensor big({count});
    big.fill(7);
    first = big.data();
  }
  const Tensor again({count});
  CHECK(again.data() == first);  // recycled, not mapped afresh
  CHECK(std::all_of(again.values().begin(), again.values().end(), [](real v) { return v == 0; }));
  Tensor other = Tensor::for_overwrite({count + 1});  // another size: a buffer of its own
  CHECK(other.data() != again.data());
}

TEST_CASE("math::exp_nonpositive agrees with libm to a unit in the last place") {
  double worst = 0;
  for (double x = -708; x <= 0; x += 0.000913) worst = std::max(worst, std::abs(math::exp_nonpositive(x) - std::exp(x)) / std::exp(x));
  for (double x = -1e-300; x > -1; x *= 1.37) worst = std::max(worst, std::abs(math::exp_nonpositive(x) - std::exp(x)) / std::exp(x));
  CHECK(worst < 4.5e-16);
  CHECK(math::exp_nonpositive(0.0) == 1.0);
  CHECK(math::exp_nonpositive(-709.0) == 0.0);  // the exact value, 1.2e-308, is below where the result turns to 0
  CHECK(math::exp_nonpositive(-std::numeric_limits<double>::infinity()) == 0.0);
  CHECK(std::isnan(math::exp_nonpositive(std::nan(""))));
}

TEST_CASE("math::tanh and math::sigmoid agree with libm to a few units in the last place") {
  // A dense sweep through both of tanh's formulas and the switch between them at |x| = 0.25, tiny values where
  // only the series is accurate, and the saturated ends.
  double worst_tanh = 0, worst_sigmoid = 0;
  auto relative = [](double ours, double exact) { return std::abs(ours - exact) / std::max(std::abs(exact), 1e-300); };
  for (double x = -25; x <= 25; x += 0.000731) {
    worst_tanh = std::max(worst_tanh, relative(math::tanh(x), std::tanh(x)));
    worst_sigmoid = std::max(worst_sigmoid, relative(math::sigmoid(x), 1 / (1 + std::exp(-x))));
  }
  for (double x = 1e-300; x < 1; x *= 1.37) {
    worst_tanh = std::max({worst_tanh, relative(math::tanh(x), std::tanh(x)), relative(math::tanh(-x), std::tanh(-x))});
  }
  CHECK(worst_tanh < 2e-15);
  CHECK(worst_sigmoid < 2e-15);
  CHECK(math::tanh(0.0) == 0.0);
  CHECK(math::tanh(1e3) == 1.0);
  CHECK(math::tanh(-std::numeric_limits<double>::infinity()) == -1.0);
  CHECK(std::isnan(math::tanh(std::nan(""))));
  CHECK(math::sigmoid(-1e3) == 0.0);
  CHECK(math::sigmoid(1e3) == 1.0);
  CHECK(std::isnan(math::sigmoid(std::nan(""))));
}

TEST_CASE("math::exp math::log math::log1p and math::pow agree with libm to a unit or two in the last place") {
  // Sweeps across the whole range in steps that land on every rounding case: exp from underflow to overflow,
  // log over every binade from the smallest subnormal up (and around 1 and sqrt(2), where the reduction switches),
  // log1p from tiny arguments, where log(1 + x) would lose them, to large ones.
  double worst_exp = 0, worst_log = 0, worst_log1p = 0;
  auto relative = [](double ours, double exact) { return std::abs(ours - exact) / std::max(std::abs(exact), 1e-300); };
  for (double x = -708; x <= 709.7; x += 0.000913) worst_exp = std::max(worst_exp, relative(math::exp(x), std::exp(x)));
  for (double x = 1e-310; x < 1e308; x *= 1.0007) worst_log = std::max(worst_log, relative(math::log(x), std::log(x)));
  for (double x : {4.9e-324, 1e-323, 3e-320, 2.2e-308}) worst_log = std::max(worst_log, relative(math::log(x), std::log(x)));
  for (double x = 0.5; x < 2; x += 0.0000371) worst_log = std::max(worst_log, relative(math::log(x), std::log(x)));
  for (double x = 1e-300; x < 1e300; x *= 1.0011) {
    worst_log1p = std::max({worst_log1p, relative(math::log1p(x), std::log1p(x)),
                            x < 1 ? relative(math::log1p(-x), std::log1p(-x)) : 0.0});
  }
  CHECK(worst_exp < 4.5e-16);
  CHECK(worst_log < 2.3e-16);
  CHECK(worst_log1p < 4.5e-16);
  CHECK(math::exp(0.0) == 1.0);
  CHECK(math::exp(710.0) == std::numeric_limits<double>::infinity());
  CHECK(math::exp(std::numeric_limits<double>::infinity()) == std::numeric_limits<double>::infinity());
  CHECK(std::isnan(math::exp(std::nan(""))));
  CHECK(math::log(1.0) == 0.0);
  CHECK(math::log(0.0) == -std::numeric_limits<double>::infinity());
  CHECK(math::log(std::numeric_limits<double>::infinity()) == std::numeric_limits<double>::infinity());
  CHECK(std::isnan(math::log(-1.0)));
  CHECK(std::isnan(math::log(std::nan(""))));
  CHECK(math::log1p(0.0) == 0.0);
  CHECK(math::log1p(-1.0) == -std::numeric_limits<double>::infinity());
  CHECK(math::log1p(1e-300) == 1e-300);
  CHECK(math::pow(0.1, 2) == 0.1 * 0.1);
  CHECK(math::pow(0.1, -1) == 1 / 0.1);
  CHECK(math::pow(0.1, 1) == 0.1);
  CHECK(math::pow(std::nan(""), 0) == 1);
  CHECK(math::pow(2.0, 0.5) == std::sqrt(2.0));
}

TEST_CASE("reductions over everything and over one axis") {
  const Tensor a = Tensor::from({2, 3}, {1, 5, 3, 4, 2, 6});
  CHECK(sum(a).item() == 21);
  CHECK(mean(a).item() == 3.5);
  CHECK(sum(a, 0) == Tensor::from({3}, {5, 7, 9}));
  CHECK(sum(a, 1) == Tensor::from({2}, {9, 12}));
  CHECK(sum(a, -1, true) == Tensor::from({2, 1}, {9, 12}));
  CHECK(mean(a, 0) == Tensor::from({3}, {2.5, 3.5, 4.5}));
  CHECK(max(a, 1) == Tensor::from({2}, {5, 6}));
  CHECK(argmax(a, 1) == Tensor::from({2}, {1, 2}));
  CHECK(argmax(a, 0, true) == Tensor::from({1, 3}, {1, 0, 1}));
  CHECK(argmax(Tensor::from({3}, {2, 2, 1}), 0).item() == 0);  // ties: the first
  const Tensor c = Tensor::arange(0, 24).reshape({2, 3, 4});
  CHECK(sum(c, 1) == sum(sum(c, 1, true), 1));
  CHECK(sum(sum(c, 1), 1) == Tensor::from({2}, {66, 210}));
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)sum(a, 2); }), "[2, 3]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)max(Tensor::zeros({2, 0}), 1); }), "[2, 0]");
}

TEST_CASE("sum_to undoes broadcasting") {
  const Tensor x = Tensor::ones({2, 3, 4});
  CHECK(sum_to(x, {3, 4}) == Tensor::full({3, 4}, 2));
  CHECK(sum_to(x, {3, 1}) == Tensor::full({3, 1}, 8));
  CHECK(sum_to(x, {1, 1, 4}) == Tensor::full({1, 1, 4}, 6));
  CHECK(sum_to(x, {}) == Tensor::scalar(24));
  CHECK(sum_to(x, {2, 3, 4}) == x);
  // sum_to is the adjoint of broadcasting: <broadcast(b), x> = <b, sum_to(x)>.
  Rng rng(3);
  const Tensor b = Tensor::normal({3, 1}, 0, 1, rng), y = Tensor::normal({2, 3, 4}, 0, 1, rng);
  CHECK(sum((Tensor::zeros({2, 3, 4}) + b) * y).item() == doctest::Approx(sum(b * sum_to(y, {3, 1})).item()));
  const std::string m = message_of<ShapeError>([&] { (void)sum_to(x, {2, 4}); });
  CHECK_CONTAINS(m, "[2, 3, 4]");
  CHECK_CONTAINS(m, "[2, 4]");
}

TEST_CASE("reshape keeps the numbers and infers -1") {
  const Tensor a = Tensor::arange(0, 6);
  const Tensor b = a.reshape({2, -1});
  CHECK(b.shape() == Shape{2, 3});
  CHECK(b.at({1, 0}) == 3);
  CHECK(Tensor::scalar(2).reshape({1, 1}).shape() == Shape{1, 1});
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)a.reshape({}); }), "[6]");  // 6 numbers are not a scalar
  const std::string m = message_of<ShapeError>([&] { (void)a.reshape({4, -1}); });
  CHECK_CONTAINS(m, "[6]");
  CHECK_CONTAINS(m, "[4, -1]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)a.reshape({5}); }), "[5]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)a.reshape({-1, -1}); }), "[6]");
}

TEST_CASE("permute and transpose reorder axes") {
  const Tensor a = Tensor::arange(0, 24).reshape({2, 3, 4});
  const Tensor p = permute(a, {2, 0, 1});
  CHECK(p.shape() == Shape{4, 2, 3});
  for (std::size_t i = 0; i < 2; ++i)
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t k = 0; k < 4; ++k) CHECK(p.at({k, i, j}) == a.at({i, j, k}));
  const Tensor t = transpose(Tensor::from({2, 3}, {1, 2, 3, 4, 5, 6}), 0, 1);
  CHECK(t == Tensor::from({3, 2}, {1, 4, 2, 5, 3, 6}));
  CHECK(permute(p, {1, 2, 0}) == a);
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)permute(a, {0, 0, 1}); }), "[2, 3, 4]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)permute(a, {0, 1}); }), "[2, 3, 4]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)transpose(a, 0, 3); }), "[2, 3, 4]");
}

TEST_CASE("slice and concat and stack") {
  const Tensor a = Tensor::arange(0, 12).reshape({3, 4});
  CHECK(slice(a, 0, 1, 3) == Tensor::from({2, 4}, {4, 5, 6, 7, 8, 9, 10, 11}));
  CHECK(slice(a, 1, 1, 2) == Tensor::from({3, 1}, {1, 5, 9}));
  CHECK(slice(a, -1, 2, 2).shape() == Shape{3, 0});
  CHECK(concat({slice(a, 1, 0, 1), slice(a, 1, 1, 4)}, 1) == a);
  CHECK(concat({slice(a, 0, 0, 2), slice(a, 0, 2, 3)}, 0) == a);
  const Tensor s = stack({Tensor::from({2}, {1, 2}), Tensor::from({2}, {3, 4})}, 0);
  CHECK(s == Tensor::from({2, 2}, {1, 2, 3, 4}));
  CHECK(stack({Tensor::from({2}, {1, 2}), Tensor::from({2}, {3, 4})}, -1) == Tensor::from({2, 2}, {1, 3, 2, 4}));
  Tensor g = Tensor::zeros({3, 4});
  slice_add(g, 1, 2, Tensor::ones({3, 2}));
  CHECK(sum(g, 0) == Tensor::from({4}, {0, 0, 3, 3}));
  const std::string m = message_of<ShapeError>([&] { (void)slice(a, 1, 2, 5); });
  CHECK_CONTAINS(m, "[2, 5)");
  CHECK_CONTAINS(m, "[3, 4]");
  const std::string c = message_of<ShapeError>([&] { (void)concat({a, Tensor::zeros({2, 3})}, 0); });
  CHECK_CONTAINS(c, "[3, 4]");
  CHECK_CONTAINS(c, "[2, 3]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { (void)stack({a, Tensor::zeros({4, 3})}, 0); }), "[4, 3]");
}

TEST_CASE("index_select and index_add and one_hot") {
  const Tensor table = Tensor::arange(0, 6).reshape({3, 2});
  CHECK(index_select(table, {2, 0, 2}) == Tensor::from({3, 2}, {4, 5, 0, 1, 4, 5}));
  Tensor g = Tensor::zeros({3, 2});
  index_add(g, {2, 0, 2}, Tensor::ones({3, 2}));
  CHECK(g == Tensor::from({3, 2}, {1, 1, 0, 0, 2, 2}));
  CHECK(one_hot({1, 0}, 3) == Tensor::from({2, 3}, {0, 1, 0, 1, 0, 0}));
  const std::string m = message_of<ShapeError>([&] { (void)index_select(table, {1, 3}); });
  CHECK_CONTAINS(m, "index 3");
  CHECK_CONTAINS(m, "[3, 2]");
  CHECK_CONTAINS(message_of<ShapeError>([&] { index_add(g, {0}, Tensor::ones({1, 3})); }), "[3, 2]");
  CHECK_CONTAINS(message_of<ShapeError>([] { (void)one_hot({3}, 3); }), "class 3");
}

TEST_CASE("printing shows values and shape") {
  std::ostringstream out;
  out << Tensor::from({2, 2}, {1, 2.5, -3, 4});
  CHECK(out.str() == "tensor([[1, 2.5],\n        [-3, 4]], shape=[2, 2])");
  std::ostringstream big;
  big << Tensor::zeros({2000});
  CHECK_CONTAINS(big.str(), "...");
  CHECK_CONTAINS(big.str(), "shape=[2000]");
}

TEST_CASE("element counts that would overflow are refused and never wrap around") {
  // 2^32 * 2^32 * 2 wraps to 0 in 64 bits: without the check the tensor held nothing and at() wrote past it.
  CHECK_CONTAINS(message_of<ShapeError>([] { Tensor t({std::size_t{1} << 32, std::size_t{1} << 32, 2}); }),
                 "shape [4294967296, 4294967296, 2] has more elements than a tensor can hold");
  CHECK_CONTAINS(message_of<ShapeError>([] { (void)Tensor::zeros({std::size_t{1} << 40, std::size_t{1} << 40}); }),
                 "more elements than a tensor can hold");
  CHECK_THROWS_AS((void)Tensor::for_overwrite({std::size_t{1} << 61}), ShapeError);
  CHECK_THROWS_AS((void)Tensor::full({std::size_t{1} << 31, std::size_t{1} << 31, 4}, 1.0), ShapeError);
  // A zero anywhere makes the count 0, however large the other dimensions.
  CHECK(numel({std::size_t{1} << 40, std::size_t{1} << 40, 0}) == 0);
  CHECK(numel({max_elements}) == max_elements);
  // A reshape target whose known dimensions overflow names the op and both shapes.
  CHECK_CONTAINS(message_of<ShapeError>([] { (void)Tensor::zeros({4}).reshape({1L << 40, 1L << 40, -1}); }),
                 "reshape: cannot reshape [4] to [1099511627776, 1099511627776, -1]");
  CHECK(Tensor::zeros({0}).reshape({1L << 40, 1L << 40, 0}).shape() == Shape{std::size_t{1} << 40, std::size_t{1} << 40, 0});
}

TEST_CASE("empty tensors: the sum of nothing is 0 and its mean NaN as in PyTorch") {
  const Tensor empty = Tensor::zeros({0, 3});
  CHECK(sum(empty).item() == 0);
  CHECK(std::isnan(mean(empty).item()));
  CHECK(sum(empty, 0) == Tensor::zeros({3}));
  const Tensor means = mean(empty, 0);
  REQUIRE(means.shape() == Shape{3});
  for (real v : means.values()) CHECK(std::isnan(v));
  CHECK(mean(empty, 1).shape() == Shape{0});
  CHECK_THROWS_AS((void)max_value(empty), ShapeError);
}

TEST_CASE("relu passes NaN through as PyTorch does and maps -0 to 0") {
  const Tensor y = relu(Tensor::from({4}, {std::nan(""), -1, -0.0, 2}));
  CHECK(std::isnan(y[0]));
  CHECK(y[1] == 0);
  CHECK(!std::signbit(y[2]));
  CHECK(y[3] == 2);
}

}  // TEST_SUITE
