// Lesson 07 — structure in letters and words: prediction error reveals what is predictable, and where words end.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"

namespace rnnlab::lessons::lesson07 {

struct Config {
  // (1) letters
  std::size_t consonants = 1000, test_consonants = 200;
  std::size_t letter_hidden = 20, letter_epochs = 20;
  // (2) words
  std::size_t sentences = 200, test_sentences = 50;
  std::size_t word_hidden = 20, word_epochs = 20;
  std::size_t word_seeds = 2;
  // both
  std::size_t window = 20, batch = 1;  // one window per update: online, as Elman trained
  double learning_rate = 1e-2;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct LetterResult {
  std::string test_letters;             // the fresh test stream
  std::vector<double> error;            // per test letter (predicting it): Euclidean norm of the 6-bit error
  std::vector<std::vector<double>> bit_error;  // [6][letter]: |error| of each feature bit
  double vowel_rms = 0, consonant_rms = 0;     // RMS of `error` at vowel / consonant targets
  double consonant_bit_at_consonants = 0;      // RMS error of the "consonant" bit at consonant targets
  double high_bit_at_consonants = 0;           // RMS error of the "high" bit at consonant targets
};

struct WordResult {
  std::uint64_t seed = 0;
  std::string test_letters;
  std::vector<bool> word_start;
  std::vector<double> error;  // per test letter, Euclidean norm of the 5-bit error
  double word_initial = 0, inside = 0;  // mean error at word-initial letters, and at the others
};

struct Result {
  LetterResult letters;
  std::vector<WordResult> words;
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson07
