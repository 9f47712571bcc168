#include "lessons/common/data.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

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

double temporal_xor_best_mse(std::size_t window, int phase) {
  if (window == 1) return 0.25;
  if (window == 2) return phase == 2 ? 1.0 / 9 : 5.0 / 18;
  return std::nan("");
}

namespace {

Tokens make_tokens(std::size_t n, Rng& rng, double noise, const std::function<int()>& next_shift) {
  constexpr double vowel[2] = {5, 11};
  // Where each formant starts its glide, per consonant: 3 channels below (rise) or above (fall) the vowel's.
  constexpr double start[3][2] = {{2, 8}, {2, 14}, {8, 8}};
  Tokens tokens{Tensor({token_frames, n, token_channels}), std::vector<std::size_t>(n), std::vector<int>(n)};
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t label = rng.below(3);
    const int shift = next_shift();
    const int onset = 5 + shift;
    tokens.labels[i] = label;
    tokens.shifts[i] = shift;
    for (std::size_t f = 0; f < token_frames; ++f) {
      const int since = static_cast<int>(f) - onset;  // frames since the onset
      for (std::size_t c = 0; c < token_channels; ++c) {
        double energy = 0;
        if (since >= 0) {
          const double progress = std::min(1.0, (since + 1) / 3.0);  // 1/3, 2/3, then the steady vowel
          for (int formant = 0; formant < 2; ++formant) {
            const double center = start[label][formant] + progress * (vowel[formant] - start[label][formant]);
            const double distance = static_cast<double>(c) - center;
            energy += std::exp(-distance * distance / (2 * 0.6 * 0.6));  // a formant: a bump 0.6 channels wide
          }
        }
        tokens.frames.at({f, i, c}) = energy + rng.normal(0, noise);
      }
    }
  }
  return tokens;
}

}  // namespace

Tokens stop_consonants(std::size_t n, int max_shift, Rng& rng, double noise) {
  return make_tokens(n, rng, noise, [&] {
    return static_cast<int>(rng.below(static_cast<std::uint64_t>(2 * max_shift + 1))) - max_shift;
  });
}

Tokens stop_consonants_shifted_by(std::size_t n, int shift, Rng& rng, double noise) {
  return make_tokens(n, rng, noise, [shift] { return shift; });
}

std::string elman_letters(std::size_t consonants, Rng& rng) {
  static const char* const syllables[3] = {"ba", "dii", "guuu"};
  std::string letters;
  for (std::size_t i = 0; i < consonants; ++i) letters += syllables[rng.below(3)];
  return letters;
}

std::vector<double> letter_features(char letter) {
  //                     consonant vowel interrupted high back voiced
  switch (letter) {
    case 'b': return {1, 0, 1, 0, 0, 1};
    case 'd': return {1, 0, 1, 1, 0, 1};
    case 'g': return {1, 0, 1, 0, 1, 1};
    case 'a': return {0, 1, 0, 0, 1, 1};
    case 'i': return {0, 1, 0, 1, 0, 1};
    case 'u': return {0, 1, 0, 1, 1, 1};
    default: throw std::invalid_argument(std::string("letter_features: no code for '") + letter + "'");
  }
}

const std::vector<std::string>& lexicon() {
  static const std::vector<std::string> words = {"many", "years", "ago", "a",     "boy",   "and",    "girl",  "lived",
                                                 "by",   "the",   "sea", "they", "played", "happily", "together"};
  return words;
}

WordStream word_stream(std::size_t sentences, Rng& rng) {
  WordStream stream;
  for (std::size_t s = 0; s < sentences; ++s) {
    const std::size_t words = 4 + rng.below(6);  // 4 .. 9 words
    for (std::size_t w = 0; w < words; ++w) {
      const std::string& word = lexicon()[rng.below(lexicon().size())];
      for (std::size_t i = 0; i < word.size(); ++i) {
        stream.letters += word[i];
        stream.word_start.push_back(i == 0);
      }
    }
  }
  return stream;
}

namespace {

// Word ids: the frame words, the countries (their index is the label), then the filler words.
enum : std::size_t { word_i, word_grew, word_up, word_in, word_speak, word_fluent, first_country };
constexpr std::size_t first_filler = first_country + language_count;

}  // namespace

const std::vector<std::string>& language_vocabulary() {
  static const std::vector<std::string> words = {
      "i",      "grew",   "up",    "in",     "speak",   "fluent",  "france", "germany", "spain", "italy",
      "the",    "weather", "was",  "nice",   "and",     "we",      "went",   "to",      "school", "every",
      "day",    "my",      "friends", "liked", "music",  "books",   "a",      "lot",     "then",  "moved",
      "later",  "city",    "work", "there",  "many",    "years",   "ago",    "with",    "family", "often"};
  return words;
}

LanguageBatch language_batch(std::size_t gap, std::size_t batch, Rng& rng) {
  const std::size_t fillers = language_vocabulary().size() - first_filler;
  LanguageBatch out;
  out.steps = 5 + gap + 3;
  out.batch = batch;
  out.tokens.resize(out.steps * batch);
  out.labels.resize(batch);
  for (std::size_t b = 0; b < batch; ++b) {
    const std::size_t country = rng.below(language_count);
    out.labels[b] = country;
    std::vector<std::size_t> words = {word_i, word_grew, word_up, word_in, first_country + country};
    for (std::size_t g = 0; g < gap; ++g) words.push_back(first_filler + rng.below(fillers));
    for (std::size_t w : {word_i, word_speak, word_fluent}) words.push_back(w);
    for (std::size_t t = 0; t < out.steps; ++t) out.tokens[t * batch + b] = words[t];
  }
  return out;
}

std::string sentence_of(const LanguageBatch& batch, std::size_t b) {
  std::string s;
  for (std::size_t t = 0; t < batch.steps; ++t) s += (t ? " " : "") + language_vocabulary()[batch.tokens[t * batch.batch + b]];
  return s;
}

AddingBatch adding_batch(std::size_t steps, std::size_t batch, Rng& rng, AddingForm form) {
  if (steps < 2 || (form == AddingForm::hochreiter_1997 && steps < 24)) {
    throw std::invalid_argument("adding_batch: " + std::to_string(steps) + " steps is too short for this form");
  }
  const bool original = form == AddingForm::hochreiter_1997;
  const std::size_t length = original ? steps + rng.below(steps / 10 + 1) : steps;
  AddingBatch out{Tensor::zeros({length, batch, 2}), Tensor::zeros({batch, 1}), {}, {}};
  for (std::size_t b = 0; b < batch; ++b) {
    std::size_t first = 0, second = 0;
    if (original) {
      first = rng.below(10);
      second = rng.below(steps / 2 - 2);  // one of the first T/2 - 1 pairs other than `first`
      if (second >= first) ++second;
    } else {
      first = rng.below(length / 2);
      second = length / 2 + rng.below(length - length / 2);
    }
    double sum = 0;
    for (std::size_t t = 0; t < length; ++t) {
      const double value = original ? rng.uniform(-1, 1) : rng.uniform(0, 1);
      out.inputs.at({t, b, 0}) = value;
      if (t == first || t == second) {
        out.inputs.at({t, b, 1}) = 1;
        if (!(original && t == 0)) sum += value;
      } else if (original && (t == 0 || t == length - 1)) {
        out.inputs.at({t, b, 1}) = -1;
      }
    }
    out.targets.at({b, 0}) = original ? 0.5 + sum / 4 : sum;
    out.first_marker.push_back(std::min(first, second));
    out.second_marker.push_back(std::max(first, second));
  }
  return out;
}

SequencePairs reversed_digit_pairs(std::size_t count, std::size_t min_length, std::size_t max_length, Rng& rng) {
  if (min_length == 0 || max_length < min_length) {
    throw std::invalid_argument("reversed_digit_pairs: lengths " + std::to_string(min_length) + " to " +
                                std::to_string(max_length) + " (need 1 <= min <= max)");
  }
  SequencePairs p;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t length = min_length + rng.below(max_length - min_length + 1);
    std::vector<std::size_t> source(length), target(length);
    for (std::size_t t = 0; t < length; ++t) {
      const std::size_t digit = rng.below(10);
      source[t] = 1 + digit;           // the word: "zero" is token 1
      target[length - 1 - t] = digit;  // the digit, in reverse order
    }
    p.sources.push_back(std::move(source));
    p.targets.push_back(std::move(target));
  }
  return p;
}

}  // namespace rnnlab::lessons::data
