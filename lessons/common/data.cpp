#include "lessons/common/data.hpp"

namespace rnnlab::lessons::data {

std::vector<int> rain_chain(std::size_t steps, double p_stay_rain, double p_start_rain, Rng& rng) {
  // Stationary rain rate pi solves pi = pi p_stay + (1 - pi) p_start: pi = p_start / (1 - p_stay + p_start).
  const double stationary = p_start_rain / (1 - p_stay_rain + p_start_rain);
  std::vector<int> weather(steps);
  int now = rng.bernoulli(stationary);
  for (std::size_t t = 0; t < steps; ++t) {
    weather[t] = now;
    now = rng.bernoulli(now ? p_stay_rain : p_start_rain);
  }
  return weather;
}

std::vector<int> independent_rain(std::size_t steps, double p, Rng& rng) {
  std::vector<int> weather(steps);
  for (int& w : weather) w = rng.bernoulli(p);
  return weather;
}

std::vector<int> temporal_xor(std::size_t bits, Rng& rng) {
  std::vector<int> stream;
  stream.reserve(bits);
  for (std::size_t i = 0; i + 3 <= bits; i += 3) {
    const int a = static_cast<int>(rng.below(2)), b = static_cast<int>(rng.below(2));
    stream.push_back(a);
    stream.push_back(b);
    stream.push_back(a ^ b);
  }
  return stream;
}

}  // namespace rnnlab::lessons::data
