// Lesson 20 — speech recognition with CTC.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lessons/common/audio.hpp"
#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"
#include "nn/gated.hpp"
#include "nn/layers.hpp"

namespace rnnlab::lessons::lesson20 {

extern const LessonInfo info;

// ---- the data: spoken words synthesized by eSpeak NG ----

// The 20 words: the digits and ten short commands.
const std::vector<std::string>& words();
// The letters they use; class 0 is CTC's blank and class k + 1 is letters()[k].
const std::string& letters();
std::vector<std::size_t> spell(const std::string& word);  // classes of its letters
std::string text_of(const std::vector<std::size_t>& classes);

// A synthetic speaker: an eSpeak NG voice ("en-us+m3": an accent and a voice variant), a speed in words a minute
// and a pitch (0-99).
struct Speaker {
  std::string voice;
  int speed = 160, pitch = 50;
  std::string name() const;  // "en-us+m3 160 wpm pitch 50"
};
// Training speakers use the voice variants m1-m4 and f1-f3; test speakers m5-m7 and f4-f5, which training never
// hears, with accents, speeds and pitches of their own.
std::vector<Speaker> training_speakers();
std::vector<Speaker> test_speakers();

struct Utterance {
  std::size_t word = 0, speaker = 0;
  Tensor features;  // [frames, mels], normalized
};
struct Corpus {
  std::vector<Utterance> train, test;
  audio::Sound example;                 // one test word's sound, for the plot
  std::vector<double> mean, deviation;  // the training frames' statistics per mel band, used to normalize
  std::vector<double> silence;          // a frame of silence, normalized: what pads a batch
  std::vector<Utterance> yours;         // a learner's recordings (--data), normalized alike
  std::vector<std::string> your_files;  // and their files
};
// Synthesizes every speaker's 20 words (one eSpeak NG run each, cached as WAV files in `cache`, so that a second run
// reads them), cuts them apart at the silences between words, and computes log-mel spectrograms normalized by the
// training set's mean and deviation per band. Throws InputError naming the package when espeak-ng is not installed.
Corpus load_corpus(const std::string& cache, const audio::SpectrogramConfig& features);
// A learner's own recordings (--data FILE): one a line, a WAV file (mono 16-bit PCM, 8 to 192 kHz, at most
// max_recording_seconds; its path relative to the list's folder unless absolute, and it may hold spaces), then the
// word it says, one of words(). Lines starting with # are skipped. parse_recordings reads the list (read_recording_list
// opens it: before the corpus is made, so that a bad list is refused at once); read_recordings reads every recording in
// it into corpus.yours: scaled to eSpeak NG's loudness (a peak of 0.8), resampled to the training rate, its spectrogram
// normalized as the corpus's. Refusals name the list and the line.
struct Recording {
  std::string file;
  std::size_t word = 0, line = 0;
};
inline constexpr std::size_t max_recordings = 1000;
inline constexpr double max_recording_seconds = 10;
std::vector<Recording> parse_recordings(std::string_view text, const std::string& name);
std::vector<Recording> read_recording_list(const std::string& path);
void read_recordings(const std::string& path, const std::vector<Recording>& list, Corpus& corpus,
                     const audio::SpectrogramConfig& features);

// The build tree's cache folder (build/release/cache), where the program and the tests keep the recordings.
std::string cache_folder();

// ---- the model ----

// LSTM layers over the spectrogram's frames, one or both directions, and a linear readout to log-probabilities of
// the blank and the letters at every frame.
class Recognizer : public nn::Module {
 public:
  Recognizer(std::size_t inputs, std::size_t hidden, bool bidirectional, Rng& rng);
  Var log_probs(const Var& frames);  // [T, B, mels] -> [T, B, classes]

 private:
  nn::LSTM lstm_;
  nn::Linear readout_;
};

struct Config {
  audio::SpectrogramConfig features;
  std::size_t bi_hidden = 48, uni_hidden = 0;  // 0: as many as make the one-way model's parameters match
  std::size_t steps = 1000, batch = 16, evaluate_every = 50, beam = 8;
  double learning_rate = 1e-2, clip = 1;
  double letter_error_at_most = 0.1;  // the claim's bound; the quick budget states a weaker one
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct Curve {
  std::vector<double> step, letter_error;  // on the test speakers, greedy decoding
};
struct Trained {
  std::string name;
  std::size_t hidden = 0, parameters = 0;
  Curve curve;
  double letter_error = 0, word_error = 0;            // greedy (best path) decoding
  double beam_letter_error = 0, beam_word_error = 0;  // prefix beam search
  double blank_share = 0;                             // frames of the test words whose most likely symbol is the blank
  std::vector<std::string> decoded;                   // every test word, greedy
  Tensor example_posteriors;                          // [T, classes]: the example word's per-frame probabilities
  double yours_letter_error = 0;                      // on the learner's recordings, if any (greedy)
  std::vector<std::string> yours_decoded;
};
struct Result {
  Corpus corpus;
  Trained bi, uni;
};
Result experiment(const Config& c, Corpus corpus);
std::vector<Claim> claims(const Result& r, const Config& c);

int run(const Options& options);

}  // namespace rnnlab::lessons::lesson20
