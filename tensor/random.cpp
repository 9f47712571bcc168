#include "tensor/random.hpp"

#include <cmath>
#include <stdexcept>

#include "tensor/math.hpp"

namespace rnnlab {

real Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // Draw (u, v) uniform in the square [-1, 1)^2 until it falls inside the unit disc (s in (0, 1)); then
  // u * sqrt(-2 ln s / s) and v * sqrt(-2 ln s / s) are two independent N(0, 1) values.
  real u = 0, v = 0, s = 0;
  do {
    u = 2 * uniform() - 1;
    v = 2 * uniform() - 1;
    s = u * u + v * v;
  } while (s >= 1 || s == 0);
  const real scale = std::sqrt(-2 * math::log(s) / s);
  spare_ = v * scale;
  has_spare_ = true;
  return u * scale;
}

std::uint64_t Rng::below(std::uint64_t n) {
  if (n == 0) throw std::invalid_argument("Rng::below: n must be positive");
  // x % n is biased when 2^64 is not a multiple of n. Rejecting the lowest (2^64 mod n) values leaves a range
  // whose length is a multiple of n, so every remainder is equally likely.
  const std::uint64_t threshold = (0 - n) % n;  // 2^64 mod n, computed in 64-bit wrap-around arithmetic
  std::uint64_t x = next_u64();
  while (x < threshold) x = next_u64();
  return x % n;
}

}  // namespace rnnlab
