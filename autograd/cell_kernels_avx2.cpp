// The LSTM and GRU step kernels for CPUs with AVX2 and FMA: see autograd/cell_kernels.hpp. Compiled on x86-64 only.
#define RNNLAB_ISA_AVX2
#include "autograd/cell_kernels.inc"
