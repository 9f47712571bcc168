// The kernels for any CPU the build targets (SSE2 on x86-64): see tensor/kernels.hpp.
#include "tensor/kernels.inc"
