// The fused LSTM and GRU: the elementwise part of one step as a single node (fused_lstm_cell, fused_gru_cell),
// and a whole layer's recurrence as a single node (fused_lstm_layer, fused_gru_layer), each with a hand-written
// backward. nn/gated.cpp keeps the same step composed from the basic ops (lstm_step_composed, gru_step_composed);
// the tests check all three forms equal, values and gradients.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "autograd/ops.hpp"
#include "tensor/math.hpp"
#include "tensor/matmul.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab {

namespace {

// ---- the kernels of one step, shared by the cell and layer ops ----
// Each works on `batch` rows of `hidden` units; gate blocks sit side by side in a row ([i | f | g | o] for the
// LSTM, [r | z | n] for the GRU).

// The activations over a run of values, in place: simple loops over contiguous memory, which the compiler turns
// into vector code (tensor/math.hpp's functions are branch-free for that).
void sigmoid_in_place(real* v, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) v[k] = math::sigmoid(v[k]);
}
void tanh_in_place(real* v, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) v[k] = math::tanh(v[k]);
}

// LSTM forward. From the two halves of the pre-activation, ax = x W_ih^T + b_ih and ah = h W_hh^T + b_hh, and the
// previous cell c_prev: act = (i, f, g, o), tanh_c = tanh(c'), and h' = o tanh(c'), c' = f c + i g written to rows
// `h_stride` and `c_stride` apart. One pass per kind of work, each over contiguous memory.
void lstm_forward(std::size_t batch, std::size_t hidden, const real* ax, const real* ah, const real* c_prev, real* act,
                  real* tanh_c, real* h, std::size_t h_stride, real* c, std::size_t c_stride) {
  for (std::size_t b = 0; b < batch; ++b) {
    const real *px = ax + b * 4 * hidden, *ph = ah + b * 4 * hidden, *cp = c_prev + b * hidden;
    real *a = act + b * 4 * hidden, *tc = tanh_c + b * hidden, *hb = h + b * h_stride, *cb = c + b * c_stride;
    for (std::size_t k = 0; k < 4 * hidden; ++k) a[k] = px[k] + ph[k];
    sigmoid_in_place(a, 2 * hidden);               // i, f
    tanh_in_place(a + 2 * hidden, hidden);         // g
    sigmoid_in_place(a + 3 * hidden, hidden);      // o
    const real *i = a, *f = a + hidden, *g = a + 2 * hidden, *o = a + 3 * hidden;
    for (std::size_t j = 0; j < hidden; ++j) cb[j] = f[j] * cp[j] + i[j] * g[j];
    for (std::size_t j = 0; j < hidden; ++j) tc[j] = math::tanh(cb[j]);
    for (std::size_t j = 0; j < hidden; ++j) hb[j] = o[j] * tc[j];
  }
}

// LSTM backward. With dh = dL/dh' (rows dh_stride apart), dc = dL/dc' from outside the step (rows dc_stride apart),
// and the saved i, f, g, o and t = tanh(c'):
//   dc  = dc + dh o (1 - t^2)       (the error reaching the cell: from c' directly and through h' = o t)
//   do  = dh t        di = dc g        df = dc c        dg = dc i        dc_prev = dc f
//   pre-activations: da_i = di i (1 - i), da_f = df f (1 - f), da_g = dg (1 - g^2), da_o = do o (1 - o)
// Both gate halves were added before the activations, so each receives da. dc_prev may be dc itself (in place).
void lstm_backward(std::size_t batch, std::size_t hidden, const real* dh, std::size_t dh_stride, const real* dc,
                   std::size_t dc_stride, const real* act, const real* tanh_c, const real* c_prev, real* da,
                   real* dc_prev) {
  for (std::size_t b = 0; b < batch; ++b) {
    const real *a = act + b * 4 * hidden, *tc = tanh_c + b * hidden, *cp = c_prev + b * hidden;
    const real *dhb = dh + b * dh_stride, *dcb = dc + b * dc_stride;
    real *d = da + b * 4 * hidden, *dcp = dc_prev + b * hidden;
    const real *i = a, *f = a + hidden, *g = a + 2 * hidden, *o = a + 3 * hidden;
    // In passes with few pointers each, so that every loop vectorizes; dcp holds the total dc until the last one.
    for (std::size_t j = 0; j < hidden; ++j) dcp[j] = dcb[j] + dhb[j] * o[j] * (1 - tc[j] * tc[j]);
    for (std::size_t j = 0; j < hidden; ++j) d[j] = dcp[j] * g[j] * i[j] * (1 - i[j]);
    for (std::size_t j = 0; j < hidden; ++j) d[hidden + j] = dcp[j] * cp[j] * f[j] * (1 - f[j]);
    for (std::size_t j = 0; j < hidden; ++j) d[2 * hidden + j] = dcp[j] * i[j] * (1 - g[j] * g[j]);
    for (std::size_t j = 0; j < hidden; ++j) d[3 * hidden + j] = dhb[j] * tc[j] * o[j] * (1 - o[j]);
    for (std::size_t j = 0; j < hidden; ++j) dcp[j] *= f[j];
  }
}

// GRU forward: act = (r, z, n) and h' = (1 - z) n + z h with r, z = sigmoid(ax + ah) of the first two blocks and
// n = tanh(ax_n + r ah_n): the reset gate scales W_hn h + b_hn AFTER the product, as PyTorch and cuDNN do.
void gru_forward(std::size_t batch, std::size_t hidden, const real* ax, const real* ah, const real* h_prev, real* act,
                 real* h) {
  for (std::size_t b = 0; b < batch; ++b) {
    const real *px = ax + b * 3 * hidden, *ph = ah + b * 3 * hidden, *hp = h_prev + b * hidden;
    real *a = act + b * 3 * hidden, *hb = h + b * hidden;
    for (std::size_t k = 0; k < 2 * hidden; ++k) a[k] = px[k] + ph[k];
    sigmoid_in_place(a, 2 * hidden);  // r, z
    const real *r = a, *z = a + hidden;
    real* n = a + 2 * hidden;
    for (std::size_t j = 0; j < hidden; ++j) n[j] = px[2 * hidden + j] + r[j] * ph[2 * hidden + j];
    tanh_in_place(n, hidden);
    for (std::size_t j = 0; j < hidden; ++j) hb[j] = (1 - z[j]) * n[j] + z[j] * hp[j];
  }
}

// GRU backward. With G = dL/dh' and hn = ah_n = W_hn h + b_hn:
//   dn = G (1 - z)     dz = G (h - n)     dh_prev = G z   (the direct path; the path through ah is the caller's)
//   da_n = dn (1 - n^2)   (to ax's n block; ah's n block receives da_n r)
//   dr = da_n hn       da_r = dr r (1 - r)       da_z = dz z (1 - z)
// dax gets the gradient of ax, dah that of ah.
void gru_backward(std::size_t batch, std::size_t hidden, const real* G, const real* act, const real* ah,
                  const real* h_prev, real* dax, real* dah, real* dh_prev) {
  for (std::size_t b = 0; b < batch; ++b) {
    const real *a = act + b * 3 * hidden, *hn = ah + b * 3 * hidden + 2 * hidden, *hp = h_prev + b * hidden;
    const real* g = G + b * hidden;
    real *dx = dax + b * 3 * hidden, *dhg = dah + b * 3 * hidden, *dhp = dh_prev + b * hidden;
    const real *r = a, *z = a + hidden, *n = a + 2 * hidden;
    // In passes with few pointers each, so that every loop vectorizes: da_n, then da_r and da_z, then copies.
    for (std::size_t j = 0; j < hidden; ++j) dx[2 * hidden + j] = g[j] * (1 - z[j]) * (1 - n[j] * n[j]);
    for (std::size_t j = 0; j < hidden; ++j) dx[j] = dx[2 * hidden + j] * hn[j] * r[j] * (1 - r[j]);
    for (std::size_t j = 0; j < hidden; ++j) dx[hidden + j] = g[j] * (hp[j] - n[j]) * z[j] * (1 - z[j]);
    for (std::size_t j = 0; j < 2 * hidden; ++j) dhg[j] = dx[j];
    for (std::size_t j = 0; j < hidden; ++j) dhg[2 * hidden + j] = dx[2 * hidden + j] * r[j];
    for (std::size_t j = 0; j < hidden; ++j) dhp[j] = g[j] * z[j];
  }
}

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

// ---- cells: one step ----

LSTMCellOutput fused_lstm_cell(const Var& gates_x, const Var& gates_h, const Var& c) {
  check_cell("fused_lstm_cell", gates_x, gates_h, c, 4);
  const std::size_t batch = c.shape()[0], hidden = c.shape()[1];
  // The activated gates, kept for the backward: [B, 4H] holding i, f, g, o, and tanh(c') [B, H].
  auto gates = std::make_shared<Tensor>(Shape{batch, 4 * hidden});
  auto tanh_c = std::make_shared<Tensor>(Shape{batch, hidden});
  Tensor out({batch, 2 * hidden});  // [h' | c'], split into two Vars below
  lstm_forward(batch, hidden, gates_x.value().data(), gates_h.value().data(), c.value().data(), gates->data(),
               tanh_c->data(), out.data(), 2 * hidden, out.data() + hidden, 2 * hidden);
  const Var both = record("fused_lstm_cell", std::move(out), {gates_x, gates_h, c}, [gates, tanh_c, batch, hidden](Node& y) {
    Tensor da({batch, 4 * hidden}), dc_prev({batch, hidden});
    const real* G = y.grad.data();  // [dh' | dc'] per row
    lstm_backward(batch, hidden, G, 2 * hidden, G + hidden, 2 * hidden, gates->data(), tanh_c->data(),
                  y.inputs[2]->value.data(), da.data(), dc_prev.data());
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
  gru_forward(batch, hidden, gates_x.value().data(), gates_h.value().data(), h.value().data(), gates->data(), out.data());
  return record("fused_gru_cell", std::move(out), {gates_x, gates_h, h}, [gates, batch, hidden](Node& y) {
    Tensor dx({batch, 3 * hidden}), dh_gates({batch, 3 * hidden}), dh_prev({batch, hidden});
    gru_backward(batch, hidden, y.grad.data(), gates->data(), y.inputs[1]->value.data(), y.inputs[2]->value.data(),
                 dx.data(), dh_gates.data(), dh_prev.data());
    if (wants_grad(y, 0)) accumulate_grad(*y.inputs[0], std::move(dx));
    if (wants_grad(y, 1)) accumulate_grad(*y.inputs[1], std::move(dh_gates));
    if (wants_grad(y, 2)) accumulate_grad(*y.inputs[2], std::move(dh_prev));
  });
}

// ---- layers: the whole time loop ----

namespace {

// The shapes of one layer's inputs, checked: gates_x [T, B, G*H], h0 (and c0) [B, H], weight_hh [G*H, H],
// bias_hh [G*H] or none.
struct LayerShape {
  std::size_t steps, batch, hidden;
};

LayerShape check_layer(const char* op, std::size_t gates, const Var& gates_x, const Var& h0, const Var* c0,
                       const Var& weight_hh, const Var& bias_hh) {
  const Shape& w = weight_hh.shape();
  const std::size_t hidden = w.size() == 2 ? w[1] : 0;
  const Shape& x = gates_x.shape();
  const bool fits = hidden > 0 && w[0] == gates * hidden && x.size() == 3 && x[0] > 0 && x[2] == gates * hidden &&
                    h0.shape() == Shape{x[1], hidden} && (!c0 || c0->shape() == Shape{x[1], hidden}) &&
                    (!bias_hh || bias_hh.shape() == Shape{gates * hidden});
  if (!fits) {
    throw ShapeError(std::string(op) + ": gates_x " + to_string(x) + ", h0 " + to_string(h0.shape()) +
                     (c0 ? ", c0 " + to_string(c0->shape()) : std::string()) + ", weight_hh " + to_string(w) +
                     " and bias_hh " + (bias_hh ? to_string(bias_hh.shape()) : std::string("(none)")) +
                     " do not fit (need gates_x [T >= 1, B, " + std::to_string(gates) + "H], state [B, H], weight_hh [" +
                     std::to_string(gates) + "H, H], bias_hh [" + std::to_string(gates) + "H])");
  }
  return {x[0], x[1], hidden};
}

// Step s of the loop runs at time t(s): s itself, or T - 1 - s in reverse.
std::size_t time_of(std::size_t s, std::size_t steps, bool reverse) { return reverse ? steps - 1 - s : s; }

// Fills `rows` rows of width G*H with the bias (or zeros): the start of h W_hh^T + b_hh.
void fill_bias(real* out, std::size_t rows, std::size_t width, const Var& bias) {
  for (std::size_t b = 0; b < rows; ++b) {
    if (bias) {
      std::copy_n(bias.value().data(), width, out + b * width);
    } else {
      std::fill_n(out + b * width, width, real{0});
    }
  }
}

// Runs step(r0, r1) over the batch rows [0, B) of one time step, split among the threads when the step's product
// is big enough to repay it. A row's product and cell depend on that row alone, so each thread runs the cell right
// after its rows of the product: one hand-off per step, and the cells run in parallel too.
template <typename Step>
void split_rows(std::size_t batch, double work_per_row, const Step& step) {
  const std::size_t parts = work_per_row * static_cast<double>(batch) >= min_parallel_work
                                ? std::min(num_threads(), std::max<std::size_t>(1, batch / 4))
                                : 1;
  if (parts == 1) return step(std::size_t{0}, batch);
  parallel_for(parts, [&](std::size_t part) { step(part * batch / parts, (part + 1) * batch / parts); });
}

// The weight gradients every step shares, after the loop: with dA_t = dL/d(h_{t-1} W_hh^T + b_hh) for each step,
//   dW_hh = sum_t dA_t^T h_{t-1}        db_hh = sum_t (row sums of dA_t)
// Every step's h_{t-1} but the first is a row of `states` ([T, B, H], the layer's own output), so all of them
// make one large product: [G*H, (T-1)B] x [(T-1)B, H]; the first step's h_{t-1} = h0 adds a small one.
void accumulate_weight_grads(Node& y, std::size_t weight_input, const Tensor& dA, const real* states, const Tensor& h0,
                             const LayerShape& s, std::size_t gates, bool reverse) {
  const std::size_t width = gates * s.hidden, step_rows = s.batch, later = (s.steps - 1) * s.batch;
  Node& weight = *y.inputs[weight_input];
  if (weight.requires_grad) {
    real* dW = grad_to_update(weight).data();
    // Forward: steps t = 1..T-1 read h_{t-1} = states[0..T-2]. Reverse: steps t = 0..T-2 read h_{t+1} = states[1..T-1].
    const real* dA_later = dA.data() + (reverse ? 0 : step_rows * width);
    const real* h_later = states + (reverse ? step_rows * s.hidden : 0);
    matmul_accumulate(dA_later, h_later, dW, width, s.hidden, later, Transpose::first);
    const real* dA_first = dA.data() + time_of(0, s.steps, reverse) * step_rows * width;
    matmul_accumulate(dA_first, h0.data(), dW, width, s.hidden, step_rows, Transpose::first);
  }
  if (y.inputs.size() > weight_input + 1 && y.inputs[weight_input + 1]->requires_grad) {
    real* db = grad_to_update(*y.inputs[weight_input + 1]).data();
    for (std::size_t row = 0; row < s.steps * s.batch; ++row) {
      const real* d = dA.data() + row * width;
      for (std::size_t j = 0; j < width; ++j) db[j] += d[j];
    }
  }
}

std::vector<Var> layer_inputs(std::initializer_list<Var> always, const Var& bias_hh) {
  std::vector<Var> inputs(always);
  if (bias_hh) inputs.push_back(bias_hh);
  return inputs;
}

}  // namespace

LSTMLayerOutput fused_lstm_layer(const Var& gates_x, const Var& h0, const Var& c0, const Var& weight_hh,
                                 const Var& bias_hh, bool reverse) {
  const LayerShape s = check_layer("fused_lstm_layer", 4, gates_x, h0, &c0, weight_hh, bias_hh);
  const std::size_t T = s.steps, B = s.batch, H = s.hidden, row = B * H, gate_row = B * 4 * H;
  // Saved for the backward: the activated gates of every step, c_t and tanh(c_t) ([T, B, 4H], [T, B, H] twice).
  auto act = std::make_shared<Tensor>(Tensor::for_overwrite({T, B, 4 * H}));
  auto cells = std::make_shared<Tensor>(Tensor::for_overwrite({T, B, H}));
  auto tanh_c = std::make_shared<Tensor>(Tensor::for_overwrite({T, B, H}));
  // The node's value: h_t for every t in rows 0..T-1, and the last step's c in row T (sliced apart below).
  Tensor out = Tensor::for_overwrite({T + 1, B, H});  // every step writes its rows; row T is copied last
  Tensor gates_h = Tensor::for_overwrite({B, 4 * H});
  const PackedMatrix weight(weight_hh.value().data(), H, 4 * H, true);  // W_hh^T, [H, 4H], packed once for all steps
  for (std::size_t step = 0; step < T; ++step) {
    const std::size_t t = time_of(step, T, reverse), before = reverse ? t + 1 : t - 1;
    const real* h_prev = step == 0 ? h0.value().data() : out.data() + before * row;
    const real* c_prev = step == 0 ? c0.value().data() : cells->data() + before * row;
    split_rows(B, 4.0 * H * H, [&](std::size_t r0, std::size_t r1) {
      real* ah = gates_h.data() + r0 * 4 * H;
      fill_bias(ah, r1 - r0, 4 * H, bias_hh);
      weight.multiply_accumulate(h_prev + r0 * H, r1 - r0, ah);  // + h W_hh^T
      lstm_forward(r1 - r0, H, gates_x.value().data() + t * gate_row + r0 * 4 * H, ah, c_prev + r0 * H,
                   act->data() + t * gate_row + r0 * 4 * H, tanh_c->data() + t * row + r0 * H,
                   out.data() + t * row + r0 * H, H, cells->data() + t * row + r0 * H, H);
    });
  }
  std::copy_n(cells->data() + time_of(T - 1, T, reverse) * row, row, out.data() + T * row);

  const Var node = record("fused_lstm_layer", std::move(out), layer_inputs({gates_x, h0, c0, weight_hh}, bias_hh),
                          [act, cells, tanh_c, s, reverse](Node& y) {
    // Backpropagation through time, last step first. The error reaching h_t is the output's own gradient plus
    // what step t+1 sends back through its product: dh_t = G_t + dA_{t+1} W_hh, where dA is the gradient of the
    // step's pre-activation. The cell's error dc carries from step to step (dc_prev = dc f).
    const std::size_t T = s.steps, B = s.batch, H = s.hidden, row = B * H, gate_row = B * 4 * H;
    const real* G = y.grad.data();
    const PackedMatrix weight(y.inputs[3]->value.data(), 4 * H, H, false);  // W_hh, [4H, H]
    // Every element of dA, dh and dc is written (each step's rows, the copies) before it is read.
    Tensor dA = Tensor::for_overwrite({T, B, 4 * H}), dh = Tensor::for_overwrite({B, H}), dc = Tensor::for_overwrite({B, H});
    std::copy_n(G + T * row, row, dc.data());  // dL/d(the last c), from c_n
    for (std::size_t step = T; step-- > 0;) {
      const std::size_t t = time_of(step, T, reverse), before = reverse ? t + 1 : t - 1;
      const real* c_prev = step == 0 ? y.inputs[2]->value.data() : cells->data() + before * row;
      split_rows(B, 4.0 * H * H, [&](std::size_t r0, std::size_t r1) {
        real* dh_rows = dh.data() + r0 * H;
        std::copy_n(G + t * row + r0 * H, (r1 - r0) * H, dh_rows);
        if (step + 1 < T) {  // + dA_{t+1} W_hh
          weight.multiply_accumulate(dA.data() + time_of(step + 1, T, reverse) * gate_row + r0 * 4 * H, r1 - r0, dh_rows);
        }
        lstm_backward(r1 - r0, H, dh_rows, H, dc.data() + r0 * H, H, act->data() + t * gate_row + r0 * 4 * H,
                      tanh_c->data() + t * row + r0 * H, c_prev + r0 * H, dA.data() + t * gate_row + r0 * 4 * H,
                      dc.data() + r0 * H);
      });
    }
    if (wants_grad(y, 1)) {
      Tensor dh0({B, H});  // the first step's h_{t-1} is h0: dh0 = dA_first W_hh
      weight.multiply_accumulate(dA.data() + time_of(0, T, reverse) * gate_row, B, dh0.data());
      accumulate_grad(*y.inputs[1], std::move(dh0));
    }
    if (wants_grad(y, 2)) accumulate_grad(*y.inputs[2], std::move(dc));
    accumulate_weight_grads(y, 3, dA, y.value.data(), y.inputs[1]->value, s, 4, reverse);
    if (wants_grad(y, 0)) accumulate_grad(*y.inputs[0], std::move(dA));  // gates_x was added to gates_h: same dA
  });
  return {slice(node, 0, 0, T), select(node, 0, time_of(T - 1, T, reverse)), select(node, 0, T)};
}

Var fused_gru_layer(const Var& gates_x, const Var& h0, const Var& weight_hh, const Var& bias_hh, bool reverse) {
  const LayerShape s = check_layer("fused_gru_layer", 3, gates_x, h0, nullptr, weight_hh, bias_hh);
  const std::size_t T = s.steps, B = s.batch, H = s.hidden, row = B * H, gate_row = B * 3 * H;
  // Saved for the backward: the activated gates (r, z, n) and h W_hh^T + b_hh of every step, both [T, B, 3H].
  auto act = std::make_shared<Tensor>(Tensor::for_overwrite({T, B, 3 * H}));
  auto gates_h = std::make_shared<Tensor>(Tensor::for_overwrite({T, B, 3 * H}));
  Tensor out = Tensor::for_overwrite({T, B, H});
  const PackedMatrix weight(weight_hh.value().data(), H, 3 * H, true);  // W_hh^T, [H, 3H]
  for (std::size_t step = 0; step < T; ++step) {
    const std::size_t t = time_of(step, T, reverse), before = reverse ? t + 1 : t - 1;
    const real* h_prev = step == 0 ? h0.value().data() : out.data() + before * row;
    split_rows(B, 3.0 * H * H, [&](std::size_t r0, std::size_t r1) {
      real* ah = gates_h->data() + t * gate_row + r0 * 3 * H;
      fill_bias(ah, r1 - r0, 3 * H, bias_hh);
      weight.multiply_accumulate(h_prev + r0 * H, r1 - r0, ah);  // + h W_hh^T
      gru_forward(r1 - r0, H, gates_x.value().data() + t * gate_row + r0 * 3 * H, ah, h_prev + r0 * H,
                  act->data() + t * gate_row + r0 * 3 * H, out.data() + t * row + r0 * H);
    });
  }
  return record("fused_gru_layer", std::move(out), layer_inputs({gates_x, h0, weight_hh}, bias_hh),
                [act, gates_h, s, reverse](Node& y) {
    // As for the LSTM: dh_t = G_t + (the direct path from step t+1: dh' z) + dA_{t+1} W_hh, where dA is the
    // gradient of h W_hh^T + b_hh (the GRU's two halves differ in the n block, so dA_x and dA_h are kept apart).
    const std::size_t T = s.steps, B = s.batch, H = s.hidden, row = B * H, gate_row = B * 3 * H;
    const real* G = y.grad.data();
    const PackedMatrix weight(y.inputs[2]->value.data(), 3 * H, H, false);  // W_hh, [3H, H]
    Tensor dA_x = Tensor::for_overwrite({T, B, 3 * H}), dA_h = Tensor::for_overwrite({T, B, 3 * H});
    Tensor dh = Tensor::for_overwrite({B, H}), direct({B, H});  // direct starts at 0: no step after the last
    for (std::size_t step = T; step-- > 0;) {
      const std::size_t t = time_of(step, T, reverse), before = reverse ? t + 1 : t - 1;
      const real* h_prev = step == 0 ? y.inputs[1]->value.data() : y.value.data() + before * row;
      split_rows(B, 3.0 * H * H, [&](std::size_t r0, std::size_t r1) {
        real* dh_rows = dh.data() + r0 * H;
        for (std::size_t i = r0 * H; i < r1 * H; ++i) dh[i] = G[t * row + i] + direct[i];
        if (step + 1 < T) {  // + dA_{t+1} W_hh
          weight.multiply_accumulate(dA_h.data() + time_of(step + 1, T, reverse) * gate_row + r0 * 3 * H, r1 - r0, dh_rows);
        }
        gru_backward(r1 - r0, H, dh_rows, act->data() + t * gate_row + r0 * 3 * H,
                     gates_h->data() + t * gate_row + r0 * 3 * H, h_prev + r0 * H,
                     dA_x.data() + t * gate_row + r0 * 3 * H, dA_h.data() + t * gate_row + r0 * 3 * H,
                     direct.data() + r0 * H);
      });
    }
    if (wants_grad(y, 1)) {
      Tensor dh0 = std::move(direct);  // h0's error: the first step's direct path plus dA_first W_hh
      weight.multiply_accumulate(dA_h.data() + time_of(0, T, reverse) * gate_row, B, dh0.data());
      accumulate_grad(*y.inputs[1], std::move(dh0));
    }
    accumulate_weight_grads(y, 2, dA_h, y.value.data(), y.inputs[1]->value, s, 3, reverse);
    if (wants_grad(y, 0)) accumulate_grad(*y.inputs[0], std::move(dA_x));
  });
}

}  // namespace rnnlab
