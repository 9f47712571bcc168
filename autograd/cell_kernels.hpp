// The elementwise work of one LSTM or GRU step, forward and backward, for a block of batch rows: what the fused
// cell and layer ops (autograd/cells.cpp) run between their matrix products. Like tensor's kernels, these are
// compiled once per instruction set (autograd/cell_kernels.inc) and run in the variant kernels() picked.
//
// Each kernel takes one struct that names its arrays. Gate blocks sit side by side in a row: [i | f | g | o] for
// the LSTM, [r | z | n] for the GRU; H is the hidden size, and every array holds `batch` rows.
#pragma once

#include <cstddef>

#include "tensor/kernels.hpp"

namespace rnnlab {

// LSTM forward: act = (i, f, g, o) = (sigma, sigma, tanh, sigma)(ax + ah), c' = f c + i g, h' = o tanh(c').
struct LstmForwardStep {
  std::size_t batch, hidden;
  const real* ax;      // x W_ih^T + b_ih                [B, 4H]
  const real* ah;      // h W_hh^T + b_hh                [B, 4H]
  const real* c_prev;  // c                              [B, H]
  real* act;           // out: i, f, g, o               [B, 4H]
  real* tanh_c;        // out: tanh(c')                  [B, H]
  real* h;             // out: h', rows h_stride apart
  std::size_t h_stride;
  real* c;             // out: c', rows c_stride apart
  std::size_t c_stride;
};

// LSTM backward, from the errors reaching h' and c' (from outside the step) and what the forward saved:
//   dc  = dc + dh o (1 - t^2)       (the error reaching the cell: from c' directly and through h' = o t, t = tanh c')
//   do  = dh t        di = dc g        df = dc c        dg = dc i        dc_prev = dc f
//   pre-activations: da_i = di i (1 - i), da_f = df f (1 - f), da_g = dg (1 - g^2), da_o = do o (1 - o)
// Both halves of the pre-activation (ax and ah) were added before the activations, so each receives da.
struct LstmBackwardStep {
  std::size_t batch, hidden;
  const real* dh;  // dL/dh', rows dh_stride apart
  std::size_t dh_stride;
  const real* dc;  // dL/dc' from outside the step, rows dc_stride apart
  std::size_t dc_stride;
  const real* act;     // the forward's i, f, g, o  [B, 4H]
  const real* tanh_c;  // the forward's tanh(c')    [B, H]
  const real* c_prev;  // c                         [B, H]
  real* da;            // out: dL/d(ax) = dL/d(ah)  [B, 4H]
  real* dc_prev;       // out: dL/dc               [B, H]; may be dc itself (in place)
};

// GRU forward: r, z = sigma(ax + ah) of the first two blocks, n = tanh(ax_n + r ah_n), h' = (1 - z) n + z h. The
// reset gate scales W_hn h + b_hn AFTER the product, as PyTorch and cuDNN do.
struct GruForwardStep {
  std::size_t batch, hidden;
  const real* ax;      // x W_ih^T + b_ih  [B, 3H]
  const real* ah;      // h W_hh^T + b_hh  [B, 3H]
  const real* h_prev;  // h                [B, H]
  real* act;           // out: r, z, n     [B, 3H]
  real* h;             // out: h'          [B, H]
};

// GRU backward. With G = dL/dh' and hn = ah_n = W_hn h + b_hn:
//   dn = G (1 - z)     dz = G (h - n)     dh_prev = G z   (the direct path; the path through ah is the caller's)
//   da_n = dn (1 - n^2)   (to ax's n block; ah's n block receives da_n r)
//   dr = da_n hn       da_r = dr r (1 - r)       da_z = dz z (1 - z)
struct GruBackwardStep {
  std::size_t batch, hidden;
  const real* dh;      // G = dL/dh'               [B, H]
  const real* act;     // the forward's r, z, n    [B, 3H]
  const real* ah;      // h W_hh^T + b_hh          [B, 3H]
  const real* h_prev;  // h                        [B, H]
  real* dax;           // out: dL/d(ax)            [B, 3H]
  real* dah;           // out: dL/d(ah)            [B, 3H]
  real* dh_prev;       // out: dL/dh, direct path  [B, H]
};

struct CellKernels {
  Isa isa;
  void (*lstm_forward)(const LstmForwardStep& step);
  void (*lstm_backward)(const LstmBackwardStep& step);
  void (*gru_forward)(const GruForwardStep& step);
  void (*gru_backward)(const GruBackwardStep& step);
};

// The variant of the instruction set kernels() runs.
const CellKernels& cell_kernels();
// The variant for `isa`, or nullptr when this build did not compile it.
const CellKernels* cell_kernels_for(Isa isa);

}  // namespace rnnlab
