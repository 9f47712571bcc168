// The fused LSTM and GRU: the elementwise part of one step as a single node (fused_lstm_cell, fused_gru_cell),
// and a whole layer's recurrence as a single node (fused_lstm_layer, fused_gru_layer), each with a hand-written
// backward. nn/gated.cpp keeps the same step composed from the basic ops (lstm_step_composed, gru_step_composed);
// the tests check all three forms equal, values and gradients.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "autograd/cell_kernels.hpp"
#include "autograd/ops.hpp"
#include "tensor/kernels.hpp"
#include "tensor/matmul.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab {

// ---- the step kernels (autograd/cell_kernels.hpp): the variant of the instruction set tensor's kernels() runs ----

namespace cell_kernels_of {
namespace portable {
extern const CellKernels table;
}
#if defined(__x86_64__)
namespace avx2 {
extern const CellKernels table;
}
namespace avx512 {
extern const CellKernels table;
}
#endif
}  // namespace cell_kernels_of

const CellKernels* cell_kernels_for(Isa isa) {
  switch (isa) {
#if defined(__x86_64__)
    case Isa::avx2: return &cell_kernels_of::avx2::table;
    case Isa::avx512: return &cell_kernels_of::avx512::table;
#else
    case Isa::avx2:
    case Isa::avx512: return nullptr;
#endif
    case Isa::portable: break;
  }
  return &cell_kernels_of::portable::table;
}

const CellKernels& cell_kernels() {
  static const CellKernels& chosen = *cell_kernels_for(active_isa());
  return chosen;
}

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

// ---- cells: one step ----

LSTMCellOutput fused_lstm_cell(const Var& gates_x, const Var& gates_h, const Var& c) {
  check_cell("fused_lstm_cell", gates_x, gates_h, c, 4);
  const std::size_t batch = c.shape()[0], hidden = c.shape()[1];
  // The activated gates, kept for the backward: [B, 4H] holding i, f, g, o, and tanh(c') [B, H].
  auto gates = std::make_shared<Tensor>(Shape{batch, 4 * hidden});
  auto tanh_c = std::make_shared<Tensor>(Shape{batch, hidden});
  Tensor out({batch, 2 * hidden});  // [h' | c'], split into two Vars below
  cell_kernels().lstm_forward({.batch = batch, .hidden = hidden, .ax = gates_x.value().data(), .ah = gates_h.value().data(),
                               .c_prev = c.value().data(), .act = gates->data(), .tanh_c = tanh_c->data(),
                               .h = out.data(), .h_stride = 2 * hidden, .c = out.data() + hidden, .c_stride = 2 * hidden});
  const Var both = record("fused_lstm_cell", std::move(out), {gates_x, gates_h, c}, [gates, tanh_c, batch, hidden](Node& y) {
    Tensor da({batch, 4 * hidden}), dc_prev({batch, hidden});
    const real* G = y.grad.data();  // [dh' | dc'] per row
    cell_kernels().lstm_backward({.batch = batch, .hidden = hidden, .dh = G, .dh_stride = 2 * hidden, .dc = G + hidden,
                                  .dc_stride = 2 * hidden, .act = gates->data(), .tanh_c = tanh_c->data(),
                                  .c_prev = y.inputs[2]->value.data(), .da = da.data(), .dc_prev = dc_prev.data()});
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
  cell_kernels().gru_forward({.batch = batch, .hidden = hidden, .ax = gates_x.value().data(), .ah = gates_h.value().data(),
                              .h_prev = h.value().data(), .act = gates->data(), .h = out.data()});
  return record("fused_gru_cell", std::move(out), {gates_x, gates_h, h}, [gates, batch, hidden](Node& y) {
    Tensor dx({batch, 3 * hidden}), dh_gates({batch, 3 * hidden}), dh_prev({batch, hidden});
    cell_kernels().gru_backward({.batch = batch, .hidden = hidden, .dh = y.grad.data(), .act = gates->data(),
                                 .ah = y.inputs[1]->value.data(), .h_prev = y.inputs[2]->value.data(), .dax = dx.data(),
                                 .dah = dh_gates.data(), .dh_prev = dh_prev.data()});
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
    matmul_accumulate(
        {.a = dA_later, .b = h_later, .c = dW, .m = width, .n = s.hidden, .k = later, .transpose = Transpose::first});
    const real* dA_first = dA.data() + time_of(0, s.steps, reverse) * step_rows * width;
    matmul_accumulate({.a = dA_first,
                       .b = h0.data(),
                       .c = dW,
                       .m = width,
                       .n = s.hidden,
                       .k = step_rows,
                       .transpose = Transpose::first});
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
      cell_kernels().lstm_forward({.batch = r1 - r0, .hidden = H, .ax = gates_x.value().data() + t * gate_row + r0 * 4 * H,
                                   .ah = ah, .c_prev = c_prev + r0 * H, .act = act->data() + t * gate_row + r0 * 4 * H,
                                   .tanh_c = tanh_c->data() + t * row + r0 * H, .h = out.data() + t * row + r0 * H,
                                   .h_stride = H, .c = cells->data() + t * row + r0 * H, .c_stride = H});
    });
  }
  std::copy_n(cells->data() + time_of(T - 1, T, reverse) * row, row, out.data() + T * row);

  const Var node = record("fused_lstm_layer", std::move(out), layer_inputs({gates_x, h0, c0, weight_hh}, bias_hh),
                          [act, cells, tanh_c, s, reverse](Node& y) {
    // Backpropagation through time, t = T .. 1 (the same as backward through lstm_step_composed at every step,
    // nn/gated.cpp; tested equal). With G_t = dL/dh_t from the output and A_t = x_t W_ih^T + b_ih + h_{t-1} W_hh^T
    // + b_hh the step's pre-activation (blocks i, f, g, o):
    //     dh_t = G_t + dA_{t+1} W_hh                              what step t+1 sends back, through its product
    //     dc_t = dh_t o_t (1 - tanh^2 c_t) + dc_{t+1} f_{t+1}     the carousel: along c, only f multiplies
    //     dA_t = [dc_t g_t i(1-i), dc_t c_{t-1} f(1-f), dc_t i (1-g^2), dh_t tanh(c_t) o(1-o)]   (lstm_backward)
    //     dW_hh = sum_t dA_t^T h_{t-1},  db_hh = sum_t dA_t,  d gates_x_t = dA_t
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
        cell_kernels().lstm_backward({.batch = r1 - r0, .hidden = H, .dh = dh_rows, .dh_stride = H, .dc = dc.data() + r0 * H,
                                      .dc_stride = H, .act = act->data() + t * gate_row + r0 * 4 * H,
                                      .tanh_c = tanh_c->data() + t * row + r0 * H, .c_prev = c_prev + r0 * H,
                                      .da = dA.data() + t * gate_row + r0 * 4 * H, .dc_prev = dc.data() + r0 * H});
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
      cell_kernels().gru_forward({.batch = r1 - r0, .hidden = H, .ax = gates_x.value().data() + t * gate_row + r0 * 3 * H,
                                  .ah = ah, .h_prev = h_prev + r0 * H, .act = act->data() + t * gate_row + r0 * 3 * H,
                                  .h = out.data() + t * row + r0 * H});
    });
  }
  return record("fused_gru_layer", std::move(out), layer_inputs({gates_x, h0, weight_hh}, bias_hh),
                [act, gates_h, s, reverse](Node& y) {
    // Backpropagation through time, t = T .. 1 (the same as backward through gru_step_composed at every step,
    // nn/gated.cpp; tested equal). With h_t = (1 - z) n + z h_{t-1}, n = tanh(X_n + r (H_n)), where X = gates_x_t
    // and H = h_{t-1} W_hh^T + b_hh (blocks r, z, n):
    //     dh_t = G_t + dh_{t+1} z_{t+1} + dH_{t+1} W_hh            the direct path through z, and the product
    //     dX_n = dh_t (1 - z)(1 - n^2),  dH_n = dX_n r,  dX_r = dH_r = dX_n H_n r(1-r),
    //     dX_z = dH_z = dh_t (h_{t-1} - n) z(1-z)
    //     dW_hh = sum_t dH_t^T h_{t-1},  db_hh = sum_t dH_t,  d gates_x_t = dX_t   (dX and dH differ in the n block)
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
        cell_kernels().gru_backward({.batch = r1 - r0, .hidden = H, .dh = dh_rows, .act = act->data() + t * gate_row + r0 * 3 * H,
                                     .ah = gates_h->data() + t * gate_row + r0 * 3 * H, .h_prev = h_prev + r0 * H,
                                     .dax = dA_x.data() + t * gate_row + r0 * 3 * H,
                                     .dah = dA_h.data() + t * gate_row + r0 * 3 * H, .dh_prev = direct.data() + r0 * H});
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

Var fused_rnn_layer(const Var& gates_x, const Var& h0, const Var& weight_hh, const Var& bias_hh, Squash squash,
                    bool reverse) {
  const LayerShape s = check_layer("fused_rnn_layer", 1, gates_x, h0, nullptr, weight_hh, bias_hh);
  const std::size_t T = s.steps, B = s.batch, H = s.hidden, row = B * H;
  Tensor out = Tensor::for_overwrite({T, B, H});
  const PackedMatrix weight(weight_hh.value().data(), H, H, true);  // W_hh^T, [H, H]
  for (std::size_t step = 0; step < T; ++step) {
    const std::size_t t = time_of(step, T, reverse), before = reverse ? t + 1 : t - 1;
    const real* h_prev = step == 0 ? h0.value().data() : out.data() + before * row;
    split_rows(B, 1.0 * H * H, [&](std::size_t r0, std::size_t r1) {
      // a = gates_x_t + b_hh + h W_hh^T, built in h_t's own rows, then squashed in place.
      real* a = out.data() + t * row + r0 * H;
      fill_bias(a, r1 - r0, H, bias_hh);
      const real* ax = gates_x.value().data() + t * row + r0 * H;
      for (std::size_t i = 0; i < (r1 - r0) * H; ++i) a[i] += ax[i];
      weight.multiply_accumulate(h_prev + r0 * H, r1 - r0, a);
      if (squash == Squash::tanh) {
        kernels().tanh(a, a, (r1 - r0) * H);
      } else {
        for (std::size_t i = 0; i < (r1 - r0) * H; ++i) a[i] = a[i] > 0 || a[i] != a[i] ? a[i] : real{0};  // NaN stays
      }
    });
  }
  return record("fused_rnn_layer", std::move(out), layer_inputs({gates_x, h0, weight_hh}, bias_hh),
                [s, squash, reverse](Node& y) {
    // Backpropagation through time, last step first, with a_t the pre-activation and h_t = f(a_t):
    //   dh_t = G_t + dA_{t+1} W_hh          (the output's own gradient, and what step t+1 sends back)
    //   dA_t = dh_t f'(a_t),  f' = 1 - h_t^2 for tanh, [h_t > 0] for relu (0 at the kink, as PyTorch)
    // dA_t is also the gradient of gates_x_t; dW_hh and db_hh sum dA over the steps (accumulate_weight_grads).
    const std::size_t T = s.steps, B = s.batch, H = s.hidden, row = B * H;
    const real* G = y.grad.data();
    const real* h = y.value.data();
    const PackedMatrix weight(y.inputs[2]->value.data(), H, H, false);  // W_hh, [H, H]
    Tensor dA = Tensor::for_overwrite({T, B, H});
    for (std::size_t step = T; step-- > 0;) {
      const std::size_t t = time_of(step, T, reverse);
      split_rows(B, 1.0 * H * H, [&](std::size_t r0, std::size_t r1) {
        real* d = dA.data() + t * row + r0 * H;
        std::copy_n(G + t * row + r0 * H, (r1 - r0) * H, d);
        if (step + 1 < T) weight.multiply_accumulate(dA.data() + time_of(step + 1, T, reverse) * row + r0 * H, r1 - r0, d);
        const real* ht = h + t * row + r0 * H;
        if (squash == Squash::tanh) {
          for (std::size_t i = 0; i < (r1 - r0) * H; ++i) d[i] *= 1 - ht[i] * ht[i];
        } else {
          for (std::size_t i = 0; i < (r1 - r0) * H; ++i) d[i] = ht[i] <= 0 ? real{0} : d[i];
        }
      });
    }
    if (wants_grad(y, 1)) {
      Tensor dh0({B, H});  // the first step's h_{t-1} is h0: dh0 = dA_first W_hh
      weight.multiply_accumulate(dA.data() + time_of(0, T, reverse) * row, B, dh0.data());
      accumulate_grad(*y.inputs[1], std::move(dh0));
    }
    accumulate_weight_grads(y, 2, dA, y.value.data(), y.inputs[1]->value, s, 1, reverse);
    if (wants_grad(y, 0)) accumulate_grad(*y.inputs[0], std::move(dA));
  });
}

}  // namespace rnnlab
