// Lesson 19 — one in, sequence out; and sequence to sequence.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/common/data.hpp"
#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"
#include "nn/gated.hpp"
#include "nn/layers.hpp"

namespace rnnlab::lessons::lesson19 {

// ---- (a) one to many: a number's English name, generated from a vector ----

// The words of 0 .. 99 in English: "seven", "thirteen", "forty two". Token 0 is <end>.
const std::vector<std::string>& number_words();
// Token ids as text: their words, separated by spaces.
std::string spelled(const std::vector<std::size_t>& ids, const std::vector<std::string>& words);
std::vector<std::size_t> name_of_number(std::size_t n);  // word tokens, without <end>
Tensor number_vector(std::size_t n);                     // [20]: one-hot tens digit, one-hot units digit

// ---- (b) many to many: number words in, digits out, in reverse order ----
// "three one four" -> "4 1 3": every source word maps to a digit and the order turns around.

inline constexpr std::size_t digit_end = 10, digit_start = 11;  // target tokens: 0..9, <end>, <start>

// The pairs: data::reversed_digit_pairs (word tokens 1..10 are "zero".."nine" of number_words, digit tokens 0..9).
using Pairs = data::SequencePairs;

// A learner's pairs (--data): one a line, "source words<TAB>target words". Source ids: 0 is <end> (padding),
// words from 1; target ids: words from 0 (then <end> and <start> after them). parse_pairs reads the text of the
// file named `name`, read_pairs opens it; both throw InputError naming the file and the line for a line without a
// tab or with an empty side, for the words <end> and <start> (the lesson's own markers), for fewer than 20 pairs,
// and past the limits below.
inline constexpr std::size_t max_pair_words = 50, max_pair_vocabulary = 20'000, max_pairs = 200'000;
struct TextPairs {
  std::vector<std::string> source_words, target_words;  // source_words[0] == "<end>"
  Pairs pairs;
};
TextPairs parse_pairs(std::string_view text, const std::string& name);
TextPairs read_pairs(const std::string& path);

// A GRU decoder that emits one token per step from its state, fed its previous token (teacher forcing in
// training: the true previous token; greedy at test: its own argmax).
class Decoder : public nn::Module {
 public:
  Decoder(std::size_t vocabulary, std::size_t embedding, std::size_t hidden, Rng& rng);
  // inputs [T * B] time-major tokens, h0 [1, B, H] -> logits [T, B, V]
  Var forward(const std::vector<std::size_t>& inputs, std::size_t steps, std::size_t batch, const Var& h0);
  // Greedy decoding from h0 [1, B, H]: up to max_steps tokens per row, each stopping at `end`.
  std::vector<std::vector<std::size_t>> greedy(const Var& h0, std::size_t start, std::size_t end, std::size_t max_steps);

 private:
  nn::Embedding embedding_;
  nn::GRU gru_;
  nn::Linear readout_;
};

// (a): a linear map from the number's vector to the decoder's first state.
class Namer : public nn::Module {
 public:
  Namer(std::size_t hidden, Rng& rng);
  Var loss(const std::vector<std::size_t>& numbers);  // teacher-forced cross-entropy
  std::vector<std::vector<std::size_t>> name(const std::vector<std::size_t>& numbers);

 private:
  Var start_state(const std::vector<std::size_t>& numbers);  // tanh(W digits + b) as the decoder's h0 [1, B, H]

  std::size_t hidden_;
  nn::Linear init_;
  Decoder decoder_;
};

// (b): an encoder GRU reads the source; its last state starts the decoder (Sutskever, Vinyals & Le 2014; Cho et
// al. 2014): the whole input squeezed into one vector. Target ids 0 .. target_words - 1 are words, then <end>
// and <start> (for the digits: 0-9, digit_end, digit_start).
class Translator : public nn::Module {
 public:
  Translator(std::size_t source_vocabulary, std::size_t target_words, std::size_t embedding, std::size_t hidden,
             Rng& rng);
  Var loss(const Pairs& batch);
  std::vector<std::vector<std::size_t>> translate(const std::vector<std::vector<std::size_t>>& sources);

 private:
  Var encode(const std::vector<std::vector<std::size_t>>& sources);  // [1, B, H]
  std::size_t end_, start_;
  nn::Embedding embedding_;
  nn::GRU encoder_;
  Decoder decoder_;
};

struct Config {
  // (a)
  std::size_t namer_hidden = 48, namer_steps = 1500, namer_batch = 32;
  double held_out_share = 0.2;  // of the numbers 21..99 that are not multiples of ten
  // (b)
  std::size_t embedding = 16, hidden = 64, steps = 4000, batch = 32;
  std::size_t min_length = 1, max_length = 6, longest_test = 10, test_per_length = 200;
  std::size_t held_out_from = 4;  // test sources this long or longer never occur in training
  double learning_rate = 1e-2, clip = 1;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct Result {
  std::vector<std::size_t> held_out;                    // (a) numbers never seen in training
  std::vector<std::vector<std::size_t>> held_out_names;  // what the namer generated for them
  double naming_accuracy = 0;                           // exact matches on the held-out numbers
  std::vector<double> lengths, translation_accuracy;    // (b) exact match by source length
  double trained_lengths_accuracy = 0;                  // (b) held-out sources of lengths held_out_from..max
  std::vector<std::pair<std::string, std::string>> examples;  // (b) source, output
};

Result experiment(const Config& config);
// (b) alone on a learner's pairs: a random 80% trains, the rest tests (accuracy by source length).
Result experiment_on(const Config& config, const TextPairs& pairs);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson19
