// Synthetic data sets the lessons (and their tests) share. Each is generated from an explicit Rng, so a seed
// fixes it.
#pragma once

#include <string>
#include <vector>

#include "tensor/tensor.hpp"

namespace rnnlab::lessons::data {

// A two-state Markov chain of weather (1 = rain, 0 = dry): it keeps raining with probability p_stay_rain and
// starts raining on a dry step with probability p_start_rain. Starts in the stationary distribution.
std::vector<int> rain_chain(std::size_t steps, double p_stay_rain, double p_start_rain, Rng& rng);

// Independent steps, rain with probability p: the same rain rate with no memory at all.
std::vector<int> independent_rain(std::size_t steps, double p, Rng& rng);

// Elman's (1990) temporal XOR: random bit pairs, each followed by their XOR: a b (a^b) c d (c^d) ...
// `bits` is rounded down to a multiple of 3. Only every third bit (phase 2 of each triple) is predictable.
std::vector<int> temporal_xor(std::size_t bits, Rng& rng);
// The lowest MSE on that stream of any predictor that sees only the last `window` bits (1 or 2; NaN otherwise), at
// `phase` (0, 1: the coins; 2: the XOR bit). Such a predictor does not know the phase, so its best answer to a
// window is the mean target over every place that window occurs. One bit tells nothing: 1/2 everywhere, MSE 1/4.
// Two bits (x, y): the XOR bit follows them once in three; a coin follows twice. Over the 16 equally likely pairs
// of triples, P(next = 1 | x, y) = 2/3 if x != y, 1/3 if x == y: MSE 1/9 at the XOR bit, 5/18 at the coins.
double temporal_xor_best_mse(std::size_t window, int phase);

// Synthetic spoken stop consonants /b/, /d/, /g/ before the same vowel, after the task of Waibel et al. (1989):
// spectrogram-like tokens of 15 frames x 16 frequency channels. Before the onset there is silence; over the
// 3 frames after it, two formants (bumps of energy at a frequency) glide to the vowel's F1 = channel 5 and
// F2 = channel 11 and stay there. The glide's direction is all that tells the consonants apart:
//   /b/: F1 rises, F2 rises    /d/: F1 rises, F2 falls    /g/: F1 falls, F2 rises
// The onset is frame 5 + shift, with the shift drawn uniformly from [-max_shift, max_shift] (or fixed with
// fixed_shift); every value gets Gaussian noise of standard deviation noise.
struct Tokens {
  Tensor frames;                    // [15, n, 16]: time-major, as the recurrent and time-delay layers read it
  std::vector<std::size_t> labels;  // 0 = b, 1 = d, 2 = g
  std::vector<int> shifts;
};
inline constexpr std::size_t token_frames = 15, token_channels = 16;
Tokens stop_consonants(std::size_t n, int max_shift, Rng& rng, double noise = 0.3);
Tokens stop_consonants_shifted_by(std::size_t n, int shift, Rng& rng, double noise = 0.3);

// Elman's (1990) letter stream: random consonants from {b, d, g}, each followed by its vowels:
// b -> ba, d -> dii, g -> guuu. Returns the letters.
std::string elman_letters(std::size_t consonants, Rng& rng);

// Elman's 6 phonetic features of a letter (his Table 1): consonant, vowel, interrupted, high, back, voiced.
inline constexpr const char* letter_feature_names[6] = {"consonant", "vowel", "interrupted", "high", "back", "voiced"};
std::vector<double> letter_features(char letter);

// Elman's word-discovery stream: sentences of 4 to 9 words drawn from a lexicon of 15 words, run together
// with no spaces or punctuation. `word_start[i]` tells whether letter i begins a word.
struct WordStream {
  std::string letters;
  std::vector<bool> word_start;
};
const std::vector<std::string>& lexicon();
WordStream word_stream(std::size_t sentences, Rng& rng);

// The long-term dependency of the source notes: "i grew up in <country> ... i speak fluent <language>".
// Each sentence is "i grew up in C", then `gap` filler words drawn at random, then "i speak fluent"; the task
// is to name C's language at the end. Tokens are word ids into language_vocabulary(); the batch is time-major.
struct LanguageBatch {
  std::size_t steps = 0, batch = 0;
  std::vector<std::size_t> tokens;  // [steps * batch]: tokens[t * batch + b] is word t of sentence b
  std::vector<std::size_t> labels;  // the language of each sentence: 0 french, 1 german, 2 spanish, 3 italian
};
const std::vector<std::string>& language_vocabulary();
inline constexpr std::size_t language_count = 4;
LanguageBatch language_batch(std::size_t gap, std::size_t batch, Rng& rng);
// The words of sentence b of a batch, joined by spaces.
std::string sentence_of(const LanguageBatch& batch, std::size_t b);

// The adding problem: a sequence of (value, marker) pairs; at the end, output the sum of the two marked values.
// Only two of T steps matter, and the first of them lies far back.
//   le_2015          (Le, Jaitly & Hinton 2015): values U[0, 1], one marker (1) uniformly in each half of the
//                    sequence, target X1 + X2. Predicting the mean (1) scores MSE = Var(X1 + X2) = 1/6 ~ 0.167.
//   hochreiter_1997  (Hochreiter & Schmidhuber 1997, Experiment 4): values U[-1, 1]; X1 is one of the first 10
//                    pairs, X2 one of the first T/2 - 1 others; the first and last pair carry marker -1 unless
//                    marked (X1 counts as 0 if the first pair was marked); target 0.5 + (X1 + X2) / 4; "correct"
//                    means |error| < 0.04. The paper draws each sequence's length from [T, T + T/10]; here one
//                    length is drawn per batch so a batch stays one [T, B, 2] tensor.
enum class AddingForm { le_2015, hochreiter_1997 };
struct AddingBatch {
  Tensor inputs;   // [T, B, 2]: value, marker
  Tensor targets;  // [B, 1]
  std::vector<std::size_t> first_marker, second_marker;  // the marked steps of each sequence
};
AddingBatch adding_batch(std::size_t steps, std::size_t batch, Rng& rng, AddingForm form = AddingForm::le_2015);

// Number words in, their digits out in reverse order (lessons 19 and 23): "three one four" -> "4 1 3". Source
// tokens 1-10 are the words "zero" to "nine" (0 is left for padding), target tokens 0-9 the digits. Each pair's
// length is drawn uniformly from min_length .. max_length.
struct SequencePairs {
  std::vector<std::vector<std::size_t>> sources, targets;
};
SequencePairs reversed_digit_pairs(std::size_t count, std::size_t min_length, std::size_t max_length, Rng& rng);

}  // namespace rnnlab::lessons::data
