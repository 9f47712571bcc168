// Which kernels run: the one place that decides (see tensor/kernels.hpp).
#include "tensor/kernels.hpp"

#include <cstdlib>
#include <cstring>

namespace rnnlab {

// The variants compiled into this build (kernels_portable.cpp always; the others on x86-64).
namespace kernels_of {
namespace portable {
extern const Kernels table;
}
#if defined(__x86_64__)
namespace avx2 {
extern const Kernels table;
}
namespace avx512 {
extern const Kernels table;
}
#endif
}  // namespace kernels_of

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::avx2: return "avx2";
    case Isa::avx512: return "avx512";
    case Isa::portable: break;
  }
  return "portable";
}

const char* isa_description(Isa isa) {
  switch (isa) {
    case Isa::avx2: return "AVX2 + FMA, 4 doubles a vector";
    case Isa::avx512: return "AVX-512 + FMA, 8 doubles a vector";
    case Isa::portable: break;
  }
#if defined(__x86_64__)
  return "SSE2, 2 doubles a vector";
#else
  return "the build's own target";
#endif
}

bool cpu_supports(Isa isa) {
#if defined(__x86_64__)
  switch (isa) {
    case Isa::avx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::avx512: return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case Isa::portable: return true;
  }
#endif
  return isa == Isa::portable;
}

const Kernels* kernels_for(Isa isa) {
  switch (isa) {
#if defined(__x86_64__)
    case Isa::avx2: return &kernels_of::avx2::table;
    case Isa::avx512: return &kernels_of::avx512::table;
#else
    case Isa::avx2:
    case Isa::avx512: return nullptr;
#endif
    case Isa::portable: break;
  }
  return &kernels_of::portable::table;
}

std::vector<Isa> compiled_isas() {
  std::vector<Isa> isas;
  for (Isa isa : {Isa::portable, Isa::avx2, Isa::avx512}) {
    if (kernels_for(isa)) isas.push_back(isa);
  }
  return isas;
}

namespace {

// The widest variant compiled that the CPU runs, no wider than RNNLAB_ISA names (when it names one).
const Kernels& choose() {
  const char* asked = std::getenv("RNNLAB_ISA");
  const Kernels* chosen = kernels_for(Isa::portable);
  for (Isa isa : compiled_isas()) {
    if (cpu_supports(isa)) chosen = kernels_for(isa);
    if (asked && std::strcmp(asked, isa_name(isa)) == 0) break;
  }
  return *chosen;
}

}  // namespace

const Kernels& kernels() {
  static const Kernels& chosen = choose();
  return chosen;
}

}  // namespace rnnlab
