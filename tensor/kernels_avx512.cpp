// The kernels for CPUs with AVX-512: see tensor/kernels.hpp. Compiled on x86-64 only.
#define RNNLAB_ISA_AVX512
#include "tensor/kernels.inc"
