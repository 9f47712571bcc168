// Rng: the project's one source of randomness. There is no global random state: every function that draws
// random numbers takes an Rng&, so a seed fixes a whole experiment.
//
// The generator is SplitMix64 (Steele, Lea & Flood 2014, "Fast splittable pseudorandom number generators"),
// and the uniform and normal transforms are written here too, so a seed gives the same numbers whatever the
// standard library (std::normal_distribution differs between libstdc++ and libc++).
#pragma once

#include <cstdint>
#include <utility>

#include "tensor/shape.hpp"

namespace rnnlab {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : state_(seed) {}

  // 64 random bits. SplitMix64: add the golden-ratio increment, then mix the bits.
  std::uint64_t next_u64() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1): the top 53 bits scaled by 2^-53, so every value is an exact double.
  real uniform() { return static_cast<real>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform in [low, high).
  real uniform(real low, real high) { return low + (high - low) * uniform(); }

  // Standard normal N(0, 1) by Marsaglia's polar method; the second value of each pair is kept for the next call.
  real normal();

  // N(mean, stddev^2).
  real normal(real mean, real stddev) { return mean + stddev * normal(); }

  // Uniform integer in [0, n), without modulo bias.
  std::uint64_t below(std::uint64_t n);

  // true with probability p.
  bool bernoulli(real p) { return uniform() < p; }

  // Puts the elements of `items` (a vector, say) in uniformly random order (Fisher & Yates; Durstenfeld 1964).
  template <typename Sequence>
  void shuffle(Sequence& items) {
    for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[below(i)]);
  }

 private:
  std::uint64_t state_;
  bool has_spare_ = false;
  real spare_ = 0;
};

}  // namespace rnnlab
