#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <set>

#include "check.hpp"
#include "lessons/20_speech_recognition.hpp"
#include "lessons/common/input.hpp"
#include "wav.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

TEST_SUITE("lesson 20") {
#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
  TEST_CASE("lesson 20: every claim holds in the quick configuration") {
    const auto config = lesson20::config(true, 0);
    const auto result = lesson20::experiment(config, lesson20::load_corpus(lesson20::cache_folder(), config.features));
    CHECK_CLAIMS(lesson20::claims(result, config));
  }
#endif

  TEST_CASE("the words and their letters: class 0 is the blank and every word spells back") {
    const std::string& letters = lesson20::letters();
    CHECK(std::is_sorted(letters.begin(), letters.end()));
    CHECK(std::set<char>(letters.begin(), letters.end()).size() == letters.size());
    CHECK(lesson20::words().size() == 20);
    for (const std::string& word : lesson20::words()) {
      const std::vector<std::size_t> classes = lesson20::spell(word);
      CHECK(std::find(classes.begin(), classes.end(), 0) == classes.end());
      CHECK(lesson20::text_of(classes) == word);
    }
  }

  TEST_CASE("the test voices use variants training never hears") {
    auto variants = [](const std::vector<lesson20::Speaker>& speakers) {
      std::set<std::string> out;
      for (const auto& s : speakers) out.insert(s.voice.substr(s.voice.find('+') + 1));
      return out;
    };
    const auto trained = variants(lesson20::training_speakers()), tested = variants(lesson20::test_speakers());
    for (const std::string& v : tested) CHECK_MESSAGE(trained.count(v) == 0, v);
  }

  TEST_CASE(
      "the corpus: every recording cut into its 20 words (long enough for CTC) and normalized by the training set") {
    const audio::SpectrogramConfig features;
    const lesson20::Corpus corpus = lesson20::load_corpus(lesson20::cache_folder(), features);
    CHECK(corpus.train.size() == 20 * lesson20::training_speakers().size());
    CHECK(corpus.test.size() == 20 * lesson20::test_speakers().size());
    std::vector<double> sum(features.mels, 0), squares(features.mels, 0);
    double frames = 0;
    for (const auto& u : corpus.train) {
      const std::size_t steps = u.features.shape()[0];
      CHECK(steps >= 2 * lesson20::words()[u.word].size());  // room to spare for the letters and the blanks between
      for (std::size_t i = 0; i < u.features.size(); ++i) {
        sum[i % features.mels] += u.features[i];
        squares[i % features.mels] += u.features[i] * u.features[i];
      }
      frames += static_cast<double>(steps);
    }
    for (std::size_t m = 0; m < features.mels; ++m) {
      CHECK(sum[m] / frames == doctest::Approx(0).scale(1).epsilon(1e-9));
      CHECK(squares[m] / frames == doctest::Approx(1).epsilon(1e-9));
    }
  }

  TEST_CASE("without espeak-ng the lesson refuses in one line that names the package") {
    const auto empty_cache = std::filesystem::temp_directory_path() / "rnnlab_lesson20_no_espeak";
    std::filesystem::remove_all(empty_cache);
    const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
    setenv("PATH", "/nonexistent", 1);  // nothing to run: as on a machine without the package
    const std::string message = message_of<InputError>([&] { (void)lesson20::load_corpus(empty_cache.string(), {}); });
    setenv("PATH", path.c_str(), 1);
    CHECK(message == "espeak-ng: not installed; this lesson speaks its words with it (apt-get install espeak-ng)");
    std::filesystem::remove_all(empty_cache);
  }

  TEST_CASE("a learner's recordings: the list's lines and every kind of bad one") {
    const std::vector<lesson20::Recording> list =
        lesson20::parse_recordings("# mine\r\nseven.wav seven\r\n\n  sub/go.wav\tgo  \n", "list.txt");
    REQUIRE(list.size() == 2);
    CHECK(list[0].file == "seven.wav");
    CHECK(lesson20::words()[list[0].word] == "seven");
    CHECK(list[1].file == "sub/go.wav");
    CHECK(list[1].line == 4);
    auto refusal = [](const std::string& text) {
      return message_of<InputError>([&] { (void)lesson20::parse_recordings(text, "list.txt"); });
    };
    CHECK(refusal("# nothing\n") == "list.txt: lists no recordings (one a line: FILE.wav WORD)");
    CHECK_CONTAINS(refusal("seven.wav\n"), "list.txt line 1: expected \"FILE.wav WORD\", got 'seven.wav'");
    CHECK(lesson20::parse_recordings("my words/seven 2.wav  seven\n", "l")[0].file == "my words/seven 2.wav");
    CHECK_CONTAINS(refusal("a.wav seven\nb.wav seventy\n"),
                   "list.txt line 2: 'seventy' is not one of the lesson's words (zero one");
    CHECK_CONTAINS(refusal("a.wav Seven\n"), "'Seven' is not one of the lesson's words");
  }

  TEST_CASE("a learner's recordings: any rate read into the training rate's frames and bad recordings refused by line") {
    const audio::SpectrogramConfig features;
    lesson20::Corpus corpus = lesson20::load_corpus(lesson20::cache_folder(), features);
    const auto folder = std::filesystem::temp_directory_path() / "rnnlab_lesson20_recordings";
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    auto write = [&](const std::string& name, const std::string& bytes) {
      std::ofstream(folder / name, std::ios::binary) << bytes;
    };
    auto tone = [](std::uint32_t rate, double seconds) {
      std::vector<std::int16_t> samples;
      for (std::size_t t = 0; t < static_cast<std::size_t>(seconds * rate); ++t) {
        samples.push_back(static_cast<std::int16_t>(3000 * std::sin(2 * std::numbers::pi * 440.0 * t / rate)));
      }
      return samples;
    };
    write("a.wav", testing::wav_bytes(tone(44100, 0.5), 44100));
    write("b.wav", testing::wav_bytes(tone(22050, 0.5), 22050));
    write("low.wav", testing::wav_bytes(tone(4000, 0.5), 4000));
    write("silent.wav", testing::wav_bytes(std::vector<std::int16_t>(1000, 0), 22050));
    write("long.wav", testing::wav_bytes(std::vector<std::int16_t>(22050 * 11, 1), 22050));
    write("list.txt", "a.wav seven\nb.wav go\n");
    const std::string list_path = (folder / "list.txt").string();
    lesson20::read_recordings(list_path, lesson20::read_recording_list(list_path), corpus, features);
    REQUIRE(corpus.yours.size() == 2);
    CHECK(corpus.your_files == std::vector<std::string>{"a.wav", "b.wav"});
    // Half a second at 22050 Hz in frames of 512: 21 frames, whatever the recording's own rate; the same tone at
    // both rates gives the same loudest band with the same energy.
    CHECK(corpus.yours[0].features.shape() == corpus.yours[1].features.shape());
    CHECK(corpus.yours[0].features.shape()[0] == 21);
    // (In the loudest band of each frame: where a band holds almost nothing, the log makes small differences big.)
    for (std::size_t t = 2; t < 19; ++t) {
      const double* at44 = corpus.yours[0].features.data() + t * features.mels;
      const double* at22 = corpus.yours[1].features.data() + t * features.mels;
      const auto loudest = std::max_element(at22, at22 + features.mels) - at22;
      CHECK(std::max_element(at44, at44 + features.mels) - at44 == loudest);
      CHECK(at44[loudest] == doctest::Approx(at22[loudest]).epsilon(0.01));
    }
    auto refusal = [&](const std::string& line) {
      write("bad.txt", "b.wav go\n" + line + "\n");
      const std::string path = (folder / "bad.txt").string();
      return message_of<InputError>(
          [&] { lesson20::read_recordings(path, lesson20::read_recording_list(path), corpus, features); });
    };
    CHECK_CONTAINS(refusal("low.wav go"),
                   "bad.txt line 2: " + (folder / "low.wav").string() + ": is sampled at 4000 Hz");
    CHECK_CONTAINS(refusal("silent.wav go"), "line 2: " + (folder / "silent.wav").string() + ": is silent");
    CHECK_CONTAINS(refusal("long.wav go"), "line 2: " + (folder / "long.wav").string() + ": is 11 s long");
    CHECK_CONTAINS(refusal("list.txt go"), "line 2: " + (folder / "list.txt").string() + ": not a RIFF WAVE file");
    CHECK_CONTAINS(refusal("none.wav go"), "line 2: " + (folder / "none.wav").string() + ": no such file");
    std::filesystem::remove_all(folder);
  }

}  // TEST_SUITE
