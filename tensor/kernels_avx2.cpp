// The kernels for CPUs with AVX2 and FMA: see tensor/kernels.hpp. Compiled on x86-64 only.
#define RNNLAB_ISA_AVX2
#include "tensor/kernels.inc"
