#include "autograd/ops.hpp"
#include "check.hpp"

using namespace rnnlab;
using rnnlab::testing::message_of;

namespace {

// The attention of Bahdanau et al. (2014) built from basic ops, as autograd/attention.cpp's comment reads.
Var composed_attention(const Var& keys, const Var& query, const Var& score, const Var& values, Var* weights) {
  const long B = static_cast<long>(query.shape()[0]), A = static_cast<long>(query.shape()[1]);
  const Var energy = linear(tanh(add(keys, reshape(query, {1, B, A}))), reshape(score, {1, A}), Var());  // [T, B, 1]
  const Var a = softmax(energy, 0);
  *weights = a;
  return sum(mul(a, values), 0);
}

}  // namespace

TEST_SUITE("autograd") {
  TEST_CASE("additive_attention equals its composition from basic ops: values and gradients and weights") {
    Rng rng(5);
    const std::size_t T = 6, B = 3, A = 4, D = 5;
    Var keys(Tensor::normal({T, B, A}, 0, 1, rng), true), query(Tensor::normal({B, A}, 0, 1, rng), true);
    Var score(Tensor::normal({A}, 0, 1, rng), true), values(Tensor::normal({T, B, D}, 0, 1, rng), true);
    const Var projection(Tensor::normal({B, D}, 0, 1, rng));  // a loss that weighs every output differently
    Tensor fused_weights;
    const Var fused = additive_attention(keys, query, score, values, &fused_weights);
    backward(sum(mul(fused, projection)));
    const std::vector<Tensor> fused_grads = {keys.grad(), query.grad(), score.grad(), values.grad()};
    for (Var* v : {&keys, &query, &score, &values}) v->zero_grad();
    Var composed_weights;
    const Var composed = composed_attention(keys, query, score, values, &composed_weights);
    backward(sum(mul(composed, projection)));
    CHECK_TENSOR_CLOSE(fused.value(), composed.value(), 1e-10, 1e-12);
    CHECK_TENSOR_CLOSE(fused_weights, reshape(composed_weights, {static_cast<long>(T), static_cast<long>(B)}).value(),
                       1e-10, 1e-12);
    CHECK_TENSOR_CLOSE(fused_grads[0], keys.grad(), 1e-10, 1e-12);
    CHECK_TENSOR_CLOSE(fused_grads[1], query.grad(), 1e-10, 1e-12);
    CHECK_TENSOR_CLOSE(fused_grads[2], score.grad(), 1e-10, 1e-12);
    CHECK_TENSOR_CLOSE(fused_grads[3], values.grad(), 1e-10, 1e-12);
  }

  TEST_CASE("additive_attention: one position gets all the weight and bad shapes name the op") {
    const Var keys(Tensor::from({1, 1, 2}, {0.3, -0.1})), query(Tensor::from({1, 2}, {0.2, 0.5}));
    const Var score(Tensor::from({2}, {1, 2})), values(Tensor::from({1, 1, 3}, {4, 5, 6}));
    Tensor weights;
    CHECK_TENSOR_CLOSE(additive_attention(keys, query, score, values, &weights).value(),
                       Tensor::from({1, 3}, {4, 5, 6}), 1e-12, 1e-12);
    CHECK(weights.at({0, 0}) == doctest::Approx(1));
    CHECK_CONTAINS(
        message_of<ShapeError>([&] {
          (void)additive_attention(keys, query, score, Var(Tensor::zeros({2, 1, 3})));
        }),
        "additive_attention: keys [1, 1, 2], query [1, 2], score [2] and values [2, 1, 3] need keys [T, B, A]");
  }
}
