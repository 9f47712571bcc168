// What a kernel variant's source (tensor/kernels.inc, autograd/cell_kernels.inc) needs to know of the instruction
// set it is compiled for. The file that includes the source first defines RNNLAB_ISA_AVX2 or RNNLAB_ISA_AVX512,
// or neither for the portable variant. Then:
//   RNNLAB_TARGET   marks each kernel function: it lets the compiler use the set's instructions inside that
//                   function and only there. The rest of the program, the inline functions from headers included,
//                   stays portable, so no shared function compiled for AVX2 can end up run on a CPU without it.
//   RNNLAB_VARIANT  the namespace the variant's functions live in (portable, avx2, avx512).
//   variant_isa     the Isa it is.
#pragma once

#include "tensor/kernels.hpp"

#if defined(RNNLAB_ISA_AVX512)
#define RNNLAB_TARGET __attribute__((target("avx512f,avx2,fma")))
#define RNNLAB_VARIANT avx512
#elif defined(RNNLAB_ISA_AVX2)
#define RNNLAB_TARGET __attribute__((target("avx2,fma")))
#define RNNLAB_VARIANT avx2
#else
#define RNNLAB_TARGET
#define RNNLAB_VARIANT portable
#endif

namespace rnnlab {
#if defined(RNNLAB_ISA_AVX512)
inline constexpr Isa variant_isa = Isa::avx512;
#elif defined(RNNLAB_ISA_AVX2)
inline constexpr Isa variant_isa = Isa::avx2;
#else
inline constexpr Isa variant_isa = Isa::portable;
#endif
}  // namespace rnnlab
