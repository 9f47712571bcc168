// The fused LSTM and GRU cells: the elementwise part of one step as a single node, with a hand-written backward.
// nn/gated.cpp keeps the same step composed from the basic ops (lstm_step_composed, gru_step_composed); the tests
// check the two equal, values and gradients.
#include <string>

#include "autograd/ops.hpp"
#include "tensor/math.hpp"

namespace rnnlab {

namespace {

void check_cell(const char* op, const Var& gates_x, const Var& gates_h, const Var& state, std::size_t gates) {
  const Shape& s = state.shape();
  const bool fits = s.size() == 2 && gates_x.shape() == gates_h.shape() && gates_x.dim() == 2 &&
                    gates_x.shape()[0] == s[0] && gates_x.shape()[1] == gates * s[1];
  if (!fits) {
    throw ShapeError(std::string(op) + ": gates " + to_string(gates_x.shape()) + " and " + to_string(gates_h.shape()) +
                     " and state " + to_string(s) + " do not fit (need gates [B, " + std::to_string(gates) +
                     "H] twice and state [B, H])");
  }
}

}  // namespace

LSTMCellOutput fused_lstm_cell(const Var& gates_x, const Var& gates_h, const Var& c) {
  check_cell("fused_lstm_cell", gates_x, gates_h, c, 4);
  const std::size_t batch = c.shape()[0], hidden = c.shape()[1];
  // The activated gates, kept for the backward: [B, 4H] holding i, f, g, o, and tanh(c') [B, H].
  auto gates = std::make_shared<Tensor>(Shape{batch, 4 * hidden});
  auto tanh_c = std::make_shared<Tensor>(Shape{batch, hidden});
  Tensor out({batch, 2 * hidden});  // [h' | c'], split into two Vars below
  const real *ax = gates_x.value().data(), *ah = gates_h.value().data(), *c0 = c.value().data();
  real *act = gates->data(), *tc = tanh_c->data(), *y = out.data();
  for (std::size_t b = 0; b < batch; ++b) {
    const real* px = ax + b * 4 * hidden;
    const real* ph = ah + b * 4 * hidden;
    real* a = act + b * 4 * hidden;
    for (std::size_t j = 0; j < hidden; ++j) {
      const real i = math::sigmoid(px[j] + ph[j]);
      const real f = math::sigmoid(px[hidden + j] + ph[hidden + j]);
      const real g = math::tanh(px[2 * hidden + j] + ph[2 * hidden + j]);
      const real o = math::sigmoid(px[3 * hidden + j] + ph[3 * hidden + j]);
      const real c_next = f * c0[b * hidden + j] + i * g;
      const real t = math::tanh(c_next);
      a[j] = i;
      a[hidden + j] = f;
      a[2 * hidden + j] = g;
      a[3 * hidden + j] = o;
      tc[b * hidden + j] = t;
      y[b * 2 * hidden + j] = o * t;
      y[b * 2 * hidden + hidden + j] = c_next;
    }
  }
  const Var both = record("fused_lstm_cell", std::move(out), {gates_x, gates_h, c}, [gates, tanh_c, batch, hidden](Node& y) {
    // With G = [dh' | dc'] and the saved i, f, g, o and t = tanh(c'):
    //   dc  = dc' + dh' o (1 - t^2)       (the error reaching the cell: from c' directly and through h' = o t)
    //   do  = dh' t        di = dc g        df = dc c        dg = dc i        dc_prev = dc f
    //   pre-activations: da_i = di i (1 - i), da_f = df f (1 - f), da_g = dg (1 - g^2), da_o = do o (1 - o)
    // Both gate inputs were added before the activations, so each receives da.
    Tensor da({batch, 4 * hidden}), dc_prev({batch, hidden});
    const real *G = y.grad.data(), *act = gates->data(), *tc = tanh_c->data(), *c0 = y.inputs[2]->value.data();
    for (std::size_t b = 0; b < batch; ++b) {
      const real* a = act + b * 4 * hidden;
      real* d = da.data() + b * 4 * hidden;
      for (std::size_t j = 0; j < hidden; ++j) {
        const real i = a[j], f = a[hidden + j], g = a[2 * hidden + j], o = a[3 * hidden + j];
        const real t = tc[b * hidden + j];
        const real dh = G[b * 2 * hidden + j];
        const real dc = G[b * 2 * hidden + hidden + j] + dh * o * (1 - t * t);
        d[j] = dc * g * i * (1 - i);
        d[hidden + j] = dc * c0[b * hidden + j] * f * (1 - f);
        d[2 * hidden + j] = dc * i * (1 - g * g);
        d[3 * hidden + j] = dh * t * o * (1 - o);
        dc_prev[b * hidden + j] = dc * f;
      }
    }
    if (wants_grad(y, 0)) accumulate_grad(*y.inputs[0], da);
    if (wants_grad(y, 1)) accumulate_grad(*y.inputs[1], std::move(da));
    if (wants_grad(y, 2)) accumulate_grad(*y.inputs[2], std::move(dc_prev));
  });
  return {slice(both, 1, 0, hidden), slice(both, 1, hidden, 2 * hidden)};
}

Var fused_gru_cell(const Var& gates_x, const Var& gates_h, const Var& h) {
  check_cell("fused_gru_cell", gates_x, gates_h, h, 3);
  const std::size_t batch = h.shape()[0], hidden = h.shape()[1];
  auto gates = std::make_shared<Tensor>(Shape{batch, 3 * hidden});  // r, z, n after activation
  Tensor out({batch, hidden});
  const real *ax = gates_x.value().data(), *ah = gates_h.value().data(), *h0 = h.value().data();
  for (std::size_t b = 0; b < batch; ++b) {
    const real* px = ax + b * 3 * hidden;
    const real* ph = ah + b * 3 * hidden;
    real* a = gates->data() + b * 3 * hidden;
    for (std::size_t j = 0; j < hidden; ++j) {
      const real r = math::sigmoid(px[j] + ph[j]);
      const real z = math::sigmoid(px[hidden + j] + ph[hidden + j]);
      const real n = math::tanh(px[2 * hidden + j] + r * ph[2 * hidden + j]);  // reset AFTER the product W_hn h + b_hn
      a[j] = r;
      a[hidden + j] = z;
      a[2 * hidden + j] = n;
      out[b * hidden + j] = (1 - z) * n + z * h0[b * hidden + j];
    }
  }
  return record("fused_gru_cell", std::move(out), {gates_x, gates_h, h}, [gates, batch, hidden](Node& y) {
    // h' = (1 - z) n + z h, n = tanh(a_n + r hn) with hn = (W_hn h + b_hn), the third block of gates_h. With G = dh':
    //   dn = G (1 - z)     dz = G (h - n)     dh_prev = G z
    //   da_n = dn (1 - n^2)   (to gates_x's n block; gates_h's n block receives da_n r)
    //   dr = da_n hn       da_r = dr r (1 - r)       da_z = dz z (1 - z)
    Tensor dx({batch, 3 * hidden}), dh_gates({batch, 3 * hidden}), dh_prev({batch, hidden});
    const real *G = y.grad.data(), *h0 = y.inputs[2]->value.data(), *ah = y.inputs[1]->value.data();
    for (std::size_t b = 0; b < batch; ++b) {
      const real* a = gates->data() + b * 3 * hidden;
      real* dxb = dx.data() + b * 3 * hidden;
      real* dhb = dh_gates.data() + b * 3 * hidden;
      for (std::size_t j = 0; j < hidden; ++j) {
        const real r = a[j], z = a[hidden + j], n = a[2 * hidden + j];
        const real g = G[b * hidden + j];
        const real hn = ah[b * 3 * hidden + 2 * hidden + j];
        const real da_n = g * (1 - z) * (1 - n * n);
        const real da_r = da_n * hn * r * (1 - r);
        const real da_z = g * (h0[b * hidden + j] - n) * z * (1 - z);
        dxb[j] = da_r;
        dhb[j] = da_r;
        dxb[hidden + j] = da_z;
        dhb[hidden + j] = da_z;
        dxb[2 * hidden + j] = da_n;
        dhb[2 * hidden + j] = da_n * r;
        dh_prev[b * hidden + j] = g * z;
      }
    }
    if (wants_grad(y, 0)) accumulate_grad(*y.inputs[0], std::move(dx));
    if (wants_grad(y, 1)) accumulate_grad(*y.inputs[1], std::move(dh_gates));
    if (wants_grad(y, 2)) accumulate_grad(*y.inputs[2], std::move(dh_prev));
  });
}

}  // namespace rnnlab
