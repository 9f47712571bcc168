#include <algorithm>
#include <cmath>
#include <thread>

#include "check.hpp"
#include "tensor/kernels.hpp"
#include "tensor/matmul.hpp"
#include "tensor/parallel.hpp"

using namespace rnnlab;
using rnnlab::testing::message_of;

TEST_SUITE("tensor") {

TEST_CASE("matmul of a known 2x2 product") {
  const Tensor a = Tensor::from({2, 2}, {1, 2, 3, 4});
  const Tensor b = Tensor::from({2, 2}, {5, 6, 7, 8});
  CHECK(matmul(a, b) == Tensor::from({2, 2}, {19, 22, 43, 50}));
  CHECK(matmul_naive(a, b) == Tensor::from({2, 2}, {19, 22, 43, 50}));
  CHECK(matmul(a, b, Transpose::first) == Tensor::from({2, 2}, {26, 30, 38, 44}));
  CHECK(matmul(a, b, Transpose::second) == Tensor::from({2, 2}, {17, 23, 39, 53}));
}

TEST_CASE("blocked matmul equals the naive reference on odd shapes") {
  Rng rng(11);
  // {m, k, n}: tiny, odd, edge-straddling (not multiples of the 4 x 8 tile or the cache blocks), and large.
  // Thin ones take the direct loops: few columns (dot products), a 2-wide inner dimension, one output.
  const std::size_t shapes[][3] = {{1, 1, 1},    {7, 13, 5},     {5, 1, 9},       {33, 31, 35}, {97, 257, 19},
                                   {65, 128, 512}, {130, 300, 70}, {9, 20, 3},     {40, 50, 1},  {300, 2, 16},
                                   {16, 2998, 2}};
  for (const auto& s : shapes) {
    const std::size_t m = s[0], k = s[1], n = s[2];
    CAPTURE(m);
    CAPTURE(k);
    CAPTURE(n);
    const Tensor a = Tensor::normal({m, k}, 0, 1, rng), b = Tensor::normal({k, n}, 0, 1, rng);
    CHECK_TENSOR_CLOSE(matmul(a, b), matmul_naive(a, b), 1e-12, 1e-12);
    const Tensor at = transpose(a, 0, 1), bt = transpose(b, 0, 1);
    CHECK_TENSOR_CLOSE(matmul(at, b, Transpose::first), matmul_naive(a, b), 1e-12, 1e-12);
    CHECK_TENSOR_CLOSE(matmul(a, bt, Transpose::second), matmul_naive(a, b), 1e-12, 1e-12);
    CHECK_TENSOR_CLOSE(matmul(at, bt, Transpose::both), matmul_naive(a, b), 1e-12, 1e-12);
  }
}

TEST_CASE("batched matmul multiplies each batch element") {
  Rng rng(12);
  const Tensor a = Tensor::normal({3, 40, 50}, 0, 1, rng), b = Tensor::normal({3, 50, 60}, 0, 1, rng);
  const Tensor c = matmul(a, b);
  REQUIRE(c.shape() == Shape{3, 40, 60});
  for (std::size_t s = 0; s < 3; ++s) {
    const Tensor expected = matmul_naive(slice(a, 0, s, s + 1).reshape({40, 50}), slice(b, 0, s, s + 1).reshape({50, 60}));
    CHECK_TENSOR_CLOSE(slice(c, 0, s, s + 1).reshape({40, 60}), expected, 1e-12, 1e-12);
  }
  CHECK_TENSOR_CLOSE(matmul(b, a, Transpose::both), transpose(c, 1, 2), 1e-12, 1e-12);
}

TEST_CASE("matmul_accumulate adds the product into C for every transpose flag") {
  Rng rng(14);
  for (const Transpose t : {Transpose::none, Transpose::first, Transpose::second, Transpose::both}) {
    for (const std::size_t size : {3, 40, 130}) {  // the direct loop, the blocked kernel, and two threads
      const std::size_t m = size, n = size + 5, k = size + 2;
      const bool ta = t == Transpose::first || t == Transpose::both, tb = t == Transpose::second || t == Transpose::both;
      const Tensor a = Tensor::normal(ta ? Shape{k, m} : Shape{m, k}, 0, 1, rng);
      const Tensor b = Tensor::normal(tb ? Shape{n, k} : Shape{k, n}, 0, 1, rng);
      const Tensor start = Tensor::normal({m, n}, 0, 1, rng);
      Tensor c = start;
      matmul_accumulate({.a = a.data(), .b = b.data(), .c = c.data(), .m = m, .n = n, .k = k, .transpose = t});
      CAPTURE(size);
      CHECK_TENSOR_CLOSE(c, start + matmul_naive(a, b, t), 1e-12, 1e-12);
    }
  }
}

TEST_CASE("a PackedMatrix multiplies like the naive product: edges and several blocks of k") {
  Rng rng(15);
  // k = 300 spans two of the kernel's k blocks, n = 37 ends in a partial panel, m = 100 in a partial row block.
  for (const bool transposed : {false, true}) {
    for (const std::size_t m : {1, 7, 100}) {
      const std::size_t k = 300, n = 37;
      const Tensor b = Tensor::normal(transposed ? Shape{n, k} : Shape{k, n}, 0, 1, rng);
      const Tensor a = Tensor::normal({m, k}, 0, 1, rng), start = Tensor::normal({m, n}, 0, 1, rng);
      const PackedMatrix packed(b.data(), k, n, transposed);
      Tensor c = start;
      packed.multiply_accumulate(a.data(), m, c.data());
      CAPTURE(transposed);
      CAPTURE(m);
      CHECK_TENSOR_CLOSE(c, start + matmul_naive(a, b, transposed ? Transpose::second : Transpose::none), 1e-12, 1e-12);
    }
  }
}

TEST_CASE("every kernel variant this CPU runs equals the naive reference") {
  // The variants a build compiled that this CPU cannot run are named and skipped: on a machine without AVX-512,
  // say, its variant is compiled and linked but checked only where it can run.
  CHECK(cpu_supports(active_isa()));
  CHECK(kernels_for(Isa::portable) != nullptr);
  Rng rng(21);
  for (const Isa isa : compiled_isas()) {
    if (!cpu_supports(isa)) {
      MESSAGE("this CPU cannot run the " << std::string(isa_name(isa)) << " kernels: not checked here");
      continue;
    }
    const std::string variant = isa_name(isa);
    CAPTURE(variant);
    const Kernels& k = *kernels_for(isa);
    CHECK(k.isa == isa);
    // Shapes across the tile edges of every variant (4 x 4, 6 x 8, 12 x 16) and across a k block (256).
    const std::size_t shapes[][3] = {{1, 1, 1}, {7, 13, 5}, {13, 300, 17}, {25, 31, 33}, {97, 257, 19}, {40, 50, 1}};
    for (const auto& shape : shapes) {
      const std::size_t m = shape[0], kk = shape[1], n = shape[2];
      CAPTURE(m);
      CAPTURE(kk);
      CAPTURE(n);
      const Tensor a = Tensor::normal({m, kk}, 0, 1, rng), b = Tensor::normal({kk, n}, 0, 1, rng);
      const Tensor expected = matmul_naive(a, b);
      Tensor blocked({m, n}), small({m, n}), panels_out({m, n});
      k.gemm_blocked(MatrixView{a.data(), kk, 1}, MatrixView{b.data(), n, 1}, blocked.data(), n, m, kk, 0, n);
      k.gemm_small(MatrixView{a.data(), kk, 1}, MatrixView{b.data(), n, 1}, small.data(), m, n, kk);
      std::vector<real> panels(k.panel_size(kk, n));
      k.pack_panels(MatrixView{b.data(), n, 1}, kk, n, panels.data());
      k.gemm_panels(a.data(), m, kk, n, panels.data(), panels_out.data());
      CHECK_TENSOR_CLOSE(blocked, expected, 1e-12, 1e-12);
      CHECK_TENSOR_CLOSE(small, expected, 1e-12, 1e-12);
      CHECK_TENSOR_CLOSE(panels_out, expected, 1e-12, 1e-12);
    }
    // The squashing functions over an array, against libm across their whole range (and NaN kept).
    std::vector<real> x;
    for (real v = -40; v <= 40; v += 0.0137) x.push_back(v);
    x.push_back(-800);
    x.push_back(std::nan(""));
    std::vector<real> t(x.size()), s(x.size()), e(x.size());
    k.tanh(x.data(), t.data(), x.size());
    k.sigmoid(x.data(), s.data(), x.size());
    k.exp_nonpositive(x.data(), e.data(), x.size());
    for (std::size_t i = 0; i + 1 < x.size(); ++i) {
      CHECK(std::abs(t[i] - std::tanh(x[i])) <= 1e-15 * std::abs(std::tanh(x[i])) + 1e-300);
      CHECK(std::abs(s[i] - 1 / (1 + std::exp(-x[i]))) <= 2e-15 / (1 + std::exp(-x[i])) + 1e-300);
      if (x[i] <= 0) CHECK(std::abs(e[i] - std::exp(x[i])) <= 1e-15 * std::exp(x[i]));
    }
    CHECK((std::isnan(t.back()) && std::isnan(s.back()) && std::isnan(e.back())));
  }
}

TEST_CASE("threaded and single-threaded matmul agree exactly") {
  Rng rng(13);
  // 320 x 200 x 160 = 10.2 million multiply-adds: above the threshold where matmul splits the work.
  const Tensor a = Tensor::normal({320, 200}, 0, 1, rng), b = Tensor::normal({200, 160}, 0, 1, rng);
  const std::size_t saved = num_threads();
  set_num_threads(1);
  const Tensor one = matmul(a, b);
  set_num_threads(2);
  const Tensor two = matmul(a, b);
  set_num_threads(saved);
  CHECK(one == two);  // each element is summed in the same order whatever thread computes it
}

TEST_CASE("parallel_tasks runs every task once and rethrows a task's error") {
  const std::size_t saved = num_threads();
  set_num_threads(2);
  std::vector<int> runs(37, 0);
  std::vector<std::size_t> threads_seen(37, 0);
  parallel_tasks(runs.size(), [&](std::size_t i) {
    ++runs[i];  // each index belongs to one task, so no two threads write the same element
    threads_seen[i] = num_threads();
  });
  CHECK(std::count(runs.begin(), runs.end(), 1) == 37);
  CHECK(std::count(threads_seen.begin(), threads_seen.end(), 1) == 37);  // kernels inside a task stay single-threaded
  CHECK(num_threads() == 2);
  CHECK_CONTAINS(message_of<std::runtime_error>([] {
    parallel_tasks(5, [](std::size_t i) {
      if (i == 3) throw std::runtime_error("task 3 failed");
    });
  }), "task 3 failed");
  set_num_threads(saved);
}

TEST_CASE("parallel_for runs every part once: more parts than threads and nested calls and errors and two callers") {
  const std::size_t saved = num_threads();
  set_num_threads(2);
  for (int round = 0; round < 200; ++round) {  // the pool's threads are reused: many calls in a row
    std::vector<int> runs(5, 0);
    parallel_for(runs.size(), [&](std::size_t part) {
      ++runs[part];
      std::vector<int> inner(3, 0);  // a call from inside a part runs inline
      parallel_for(inner.size(), [&](std::size_t i) { ++inner[i]; });
      if (std::count(inner.begin(), inner.end(), 1) != 3) runs[part] = 100;
    });
    REQUIRE(std::count(runs.begin(), runs.end(), 1) == 5);
  }
  // Every part runs even when one throws; the error reaches the caller and the pool still works afterwards.
  std::vector<int> runs(4, 0);
  CHECK_CONTAINS(message_of<std::runtime_error>([&] {
    parallel_for(runs.size(), [&](std::size_t part) {
      ++runs[part];
      if (part == 2) throw std::runtime_error("part 2 failed");
    });
  }), "part 2 failed");
  CHECK(std::count(runs.begin(), runs.end(), 1) == 4);
  // Two threads of the program calling at once: one uses the pool, the other runs its parts itself.
  std::vector<long> totals(2, 0);
  std::vector<std::thread> callers;
  for (std::size_t c = 0; c < 2; ++c) {
    callers.emplace_back([&, c] {
      for (int round = 0; round < 100; ++round) {
        std::vector<long> parts(3, 0);
        parallel_for(parts.size(), [&](std::size_t part) { parts[part] = static_cast<long>(part) + 1; });
        totals[c] += parts[0] + parts[1] + parts[2];
      }
    });
  }
  for (std::thread& t : callers) t.join();
  CHECK(totals[0] == 600);
  CHECK(totals[1] == 600);
  set_num_threads(saved);
}

TEST_CASE("matmul rejects shapes that do not fit") {
  CHECK(message_of<ShapeError>([] { (void)matmul(Tensor::zeros({2, 3}), Tensor::zeros({4, 5})); }) ==
        "matmul: shapes [2, 3] and [4, 5] are not aligned (3 != 4)");
  const std::string m = message_of<ShapeError>([] { (void)matmul(Tensor::zeros({2, 3}), Tensor::zeros({3})); });
  CHECK_CONTAINS(m, "[2, 3]");
  CHECK_CONTAINS(m, "[3]");
  const std::string b = message_of<ShapeError>([] { (void)matmul(Tensor::zeros({2, 2, 3}), Tensor::zeros({3, 3, 2})); });
  CHECK_CONTAINS(b, "[2, 2, 3]");
  CHECK_CONTAINS(b, "[3, 3, 2]");
  CHECK_CONTAINS(message_of<ShapeError>([] { (void)matmul(Tensor::zeros({2, 3}), Tensor::zeros({3, 2}), Transpose::second); }),
                 "second transposed");
}

}  // TEST_SUITE
