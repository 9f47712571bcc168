// Synthetic data sets the lessons (and their tests) share. Each is generated from an explicit Rng, so a seed
// fixes it.
#pragma once

#include <vector>

#include "tensor/random.hpp"

namespace rnnlab::lessons::data {

// A two-state Markov chain of weather (1 = rain, 0 = dry): it keeps raining with probability p_stay_rain and
// starts raining on a dry step with probability p_start_rain. Starts in the stationary distribution.
std::vector<int> rain_chain(std::size_t steps, double p_stay_rain, double p_start_rain, Rng& rng);

// Independent steps, rain with probability p: the same rain rate with no memory at all.
std::vector<int> independent_rain(std::size_t steps, double p, Rng& rng);

// Elman's (1990) temporal XOR: random bit pairs, each followed by their XOR: a b (a^b) c d (c^d) ...
// `bits` is rounded down to a multiple of 3. Only every third bit (phase 2 of each triple) is predictable.
std::vector<int> temporal_xor(std::size_t bits, Rng& rng);

}  // namespace rnnlab::lessons::data
