#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "check.hpp"
#include "lessons/20_speech_recognition.hpp"
#include "lessons/common/input.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using rnnlab::testing::message_of;

TEST_SUITE("lesson 20") {
#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their determinism test checks these
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

  TEST_CASE("the corpus: every recording cut into its 20 words (long enough for CTC) and normalized by the training set") {
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

}  // TEST_SUITE
