// Additive attention (Bahdanau, Cho & Bengio 2014, "Neural machine translation by jointly learning to align and
// translate", appendix A.1.2) as one op: a decoder state's query scores every encoder position, and the scores'
// softmax weighs the encoder's values into one context vector. For position t of T and row b of B:
//   z_tb = tanh(keys_tb + query_b)          keys [T, B, A] (U h_t), query [B, A] (W s + b)
//   e_tb = score . z_tb                     score [A] (v)
//   a_tb = exp(e_tb) / sum_t' exp(e_t'b)    the weights: a softmax over the positions
//   c_b  = sum_t a_tb values_tb             values [T, B, D] (the encoder's states h_t); the op's output [B, D]
// Built from linear, tanh, softmax, mul and sum it is a dozen nodes and as many [T, B, ...] temporaries per
// decoder step; here it is one node, and the backward is written out (g = dL/dc_b):
//   dL/dvalues_tb = a_tb g_b
//   dL/da_tb      = g_b . values_tb
//   dL/de_tb      = a_tb (dL/da_tb - sum_t' a_t'b dL/da_t'b)          (the softmax's Jacobian)
//   dL/dz_tb      = dL/de_tb score * (1 - z_tb^2)                     (tanh' = 1 - tanh^2)
//   dL/dkeys_tb   = dL/dz_tb,   dL/dquery_b = sum_t dL/dz_tb,   dL/dscore = sum_tb dL/de_tb z_tb
// tanh and exp are tensor/math.hpp's, not the C library's: they give the same bits on every platform and with
// every C library (glibc's and Emscripten's tanh differ in the last bit at 8% of arguments).
// Tested equal to the composition, values and gradients, and gradchecked.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "autograd/ops.hpp"
#include "tensor/math.hpp"

namespace rnnlab {

Var additive_attention(const Var& keys, const Var& query, const Var& score, const Var& values, Tensor* weights) {
  const Shape& k = keys.shape();
  const bool fits = k.size() == 3 && query.dim() == 2 && score.dim() == 1 && values.dim() == 3 &&
                    query.shape()[0] == k[1] && query.shape()[1] == k[2] && score.shape()[0] == k[2] &&
                    values.shape()[0] == k[0] && values.shape()[1] == k[1] && k[0] > 0;
  if (!fits) {
    throw ShapeError("additive_attention: keys " + to_string(k) + ", query " + to_string(query.shape()) + ", score " +
                     to_string(score.shape()) + " and values " + to_string(values.shape()) +
                     " need keys [T, B, A], query [B, A], score [A] and values [T, B, D] with T >= 1");
  }
  const std::size_t T = k[0], B = k[1], A = k[2], D = values.shape()[2];
  auto z = std::make_shared<Tensor>(Shape{T, B, A});
  auto a = std::make_shared<Tensor>(Shape{T, B});
  const real *kv = keys.value().data(), *qv = query.value().data(), *sv = score.value().data(),
             *vv = values.value().data();
  Tensor context({B, D});
  // >>> additive-attention
  for (std::size_t b = 0; b < B; ++b) {
    real largest = -INFINITY;
    for (std::size_t t = 0; t < T; ++t) {
      real* zt = z->data() + (t * B + b) * A;
      const real* kt = kv + (t * B + b) * A;
      real e = 0;
      for (std::size_t i = 0; i < A; ++i) {
        zt[i] = math::tanh(kt[i] + qv[b * A + i]);
        e += sv[i] * zt[i];
      }
      a->data()[t * B + b] = e;
      largest = std::max(largest, e);
    }
    real total = 0;
    for (std::size_t t = 0; t < T; ++t) {
      total += (a->data()[t * B + b] = math::exp_nonpositive(a->data()[t * B + b] - largest));
    }
    real* c = context.data() + b * D;
    for (std::size_t t = 0; t < T; ++t) {
      const real weight = (a->data()[t * B + b] /= total);
      const real* vt = vv + (t * B + b) * D;
      for (std::size_t d = 0; d < D; ++d) c[d] += weight * vt[d];
    }
  }
  // <<< additive-attention
  if (weights) *weights = *a;
  return record("additive_attention", std::move(context), {keys, query, score, values}, [z, a, T, B, A, D](Node& y) {
    const real* g = y.grad.data();
    const real* vv = y.inputs[3]->value.data();
    const real* sv = y.inputs[2]->value.data();
    Tensor dkeys({T, B, A}), dquery({B, A}), dscore({A}), dvalues({T, B, D});
    std::vector<real> da(T);
    for (std::size_t b = 0; b < B; ++b) {
      real expected = 0;  // sum_t a_tb dL/da_tb
      for (std::size_t t = 0; t < T; ++t) {
        const real* vt = vv + (t * B + b) * D;
        real dot = 0;
        for (std::size_t d = 0; d < D; ++d) {
          dot += g[b * D + d] * vt[d];
          dvalues.data()[(t * B + b) * D + d] = a->data()[t * B + b] * g[b * D + d];
        }
        da[t] = dot;
        expected += a->data()[t * B + b] * dot;
      }
      for (std::size_t t = 0; t < T; ++t) {
        const real de = a->data()[t * B + b] * (da[t] - expected);
        const real* zt = z->data() + (t * B + b) * A;
        real* dk = dkeys.data() + (t * B + b) * A;
        for (std::size_t i = 0; i < A; ++i) {
          dk[i] = de * sv[i] * (1 - zt[i] * zt[i]);
          dquery.data()[b * A + i] += dk[i];
          dscore.data()[i] += de * zt[i];
        }
      }
    }
    if (wants_grad(y, 0)) accumulate_grad(*y.inputs[0], std::move(dkeys));
    if (wants_grad(y, 1)) accumulate_grad(*y.inputs[1], std::move(dquery));
    if (wants_grad(y, 2)) accumulate_grad(*y.inputs[2], std::move(dscore));
    if (wants_grad(y, 3)) accumulate_grad(*y.inputs[3], std::move(dvalues));
  });
}

}  // namespace rnnlab
