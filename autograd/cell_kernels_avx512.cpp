// The LSTM and GRU step kernels for CPUs with AVX-512: see autograd/cell_kernels.hpp. Compiled on x86-64 only.
#define RNNLAB_ISA_AVX512
#include "autograd/cell_kernels.inc"
