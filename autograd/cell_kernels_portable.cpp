// The LSTM and GRU step kernels for any CPU the build targets (SSE2 on x86-64): see autograd/cell_kernels.hpp.
#include "autograd/cell_kernels.inc"
