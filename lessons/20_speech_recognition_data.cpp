// Lesson 20's data: spoken words from eSpeak NG, cut apart and turned into normalized log-mel spectrograms.
#include "lessons/20_speech_recognition.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#endif

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "lessons/common/input.hpp"
#include "tensor/parallel.hpp"

extern char** environ;

namespace rnnlab::lessons::lesson20 {

const std::vector<std::string>& words() {
  static const std::vector<std::string> all = {"zero",  "one",   "two",  "three", "four", "five", "six",
                                               "seven", "eight", "nine", "yes",   "no",   "up",   "down",
                                               "left",  "right", "on",   "off",   "stop", "go"};
  return all;
}

const std::string& letters() {
  static const std::string all = [] {
    std::string seen;
    for (const std::string& w : words()) {
      for (char ch : w) {
        if (seen.find(ch) == std::string::npos) seen += ch;
      }
    }
    std::sort(seen.begin(), seen.end());
    return seen;
  }();
  return all;
}

std::vector<std::size_t> spell(const std::string& word) {
  std::vector<std::size_t> classes;
  for (char ch : word) classes.push_back(letters().find(ch) + 1);
  return classes;
}

std::string text_of(const std::vector<std::size_t>& classes) {
  std::string text;
  for (std::size_t k : classes) text += letters().at(k - 1);
  return text;
}

std::string Speaker::name() const {
  return voice + " " + std::to_string(speed) + " wpm pitch " + std::to_string(pitch);
}

namespace {

const std::vector<std::string> accents = {"en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan"};

// Speakers from a list of variants: accent, speed (130-199 words a minute) and pitch (25-74) go round in steps that
// share no factor with their ranges, so that the combinations differ.
std::vector<Speaker> speakers(const std::vector<std::string>& variants, std::size_t count, std::size_t offset) {
  std::vector<Speaker> out;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t j = i + offset;
    out.push_back({accents[j % accents.size()] + "+" + variants[i % variants.size()],
                   130 + static_cast<int>(j * 29 % 70), 25 + static_cast<int>(j * 31 % 50)});
  }
  return out;
}

// The text eSpeak NG reads: every word, with half a second of silence between (SSML breaks).
std::string script() {
  std::string text = "<speak>";
  for (std::size_t i = 0; i < words().size(); ++i) text += (i ? "<break time=\"500ms\"/>" : "") + words()[i];
  return text + "</speak>";
}

#if defined(__EMSCRIPTEN__)
// The web build (lessons/web/) cannot start a program from a page. Under Node.js, as the site is built, it runs
// espeak-ng through Node's child_process, and the recordings land in the site (run_in_node.js mounts the lesson's
// folder "recordings" on the cache); in a page it fetches the recording the site holds, beside the lesson's module.
// 0 when `temporary` holds the recording, 2 when espeak-ng is not installed, 1 for any other failure.
EM_JS(int, speak_or_fetch, (const char* arguments_json, const char* temporary, const char* name), {
  var args = JSON.parse(UTF8ToString(arguments_json)), target = UTF8ToString(temporary);
  try {
    if (ENVIRONMENT_IS_NODE) {
      var host = require('os').tmpdir() + '/rnnlab-' + process.pid + '-' + UTF8ToString(name);
      args[args.indexOf('-w') + 1] = host;
      var done = require('child_process').spawnSync(args[0], args.slice(1));
      if (done.error) return done.error.code === 'ENOENT' ? 2 : 1;
      if (done.status !== 0) return 1;
      FS.writeFile(target, require('fs').readFileSync(host));
      require('fs').unlinkSync(host);
      return 0;
    }
    var request = new XMLHttpRequest();
    request.open('GET', locateFile('recordings/' + UTF8ToString(name)), false);
    request.responseType = 'arraybuffer';
    request.send(null);
    if (request.status !== 200) return 1;
    FS.writeFile(target, new Uint8Array(request.response));
    return 0;
  } catch (error) {
    return 1;
  }
});
#endif

// Runs espeak-ng to write `speaker`'s words to `path` (through a temporary file, so that a run stopped half way,
// or two runs at once, never leave half a file there).
void synthesize(const Speaker& speaker, const std::filesystem::path& path) {
  const std::string temporary = path.string() + ".tmp." + std::to_string(getpid());
  const std::string speed = std::to_string(speaker.speed), pitch = std::to_string(speaker.pitch), text = script();
  std::vector<std::string> arguments = {"espeak-ng", "-m",  "-v", speaker.voice, "-s", speed,
                                        "-p",        pitch, "-w", temporary,     text};
#if defined(__EMSCRIPTEN__)
  std::string arguments_json = "[";
  for (const std::string& a : arguments) arguments_json += (arguments_json.size() > 1 ? "," : "") + json_string(a);
  const int outcome = speak_or_fetch((arguments_json + "]").c_str(), temporary.c_str(), path.filename().c_str());
  const bool missing = outcome == 2, failed = outcome != 0;
#else
  std::vector<char*> argv;
  for (std::string& a : arguments) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t child = 0;
  const int spawned = posix_spawnp(&child, "espeak-ng", nullptr, nullptr, argv.data(), environ);
  int status = 0;
  const bool missing = spawned == ENOENT;
  const bool failed =
      spawned != 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
#endif
  if (failed) {
    std::filesystem::remove(temporary);
    throw InputError(missing ? "espeak-ng: not installed; this lesson speaks its words with it "
                               "(apt-get install espeak-ng)"
                             : "espeak-ng: could not speak as " + speaker.name());
  }
  std::filesystem::rename(temporary, path);
}

// The words of one speaker's recording: the spans between pauses, runs longer than 0.15 s of samples within 8 steps
// of zero (of the 32768 of 16-bit sound: eSpeak NG's pauses are exact zeros, or nearly), each word with 80 ms of
// silence added on both sides.
std::vector<audio::Sound> cut_words(const audio::Sound& sound, const std::string& name) {
  const std::size_t gap = sound.rate * 15 / 100, margin = sound.rate * 8 / 100, n = sound.samples.size();
  auto quiet_at = [&](std::size_t t) { return std::abs(sound.samples[t]) <= 8.0 / 32768; };
  std::vector<audio::Sound> out;
  std::size_t t = 0;
  while (t < n) {
    while (t < n && quiet_at(t)) ++t;  // to the next sound
    if (t == n) break;
    std::size_t end = t, quiet = 0;
    for (std::size_t u = t; u < n && quiet < gap; ++u) {
      quiet = quiet_at(u) ? quiet + 1 : 0;
      if (quiet == 0) end = u + 1;
    }
    audio::Sound word{std::vector<double>(margin, 0.0), sound.rate};
    word.samples.insert(word.samples.end(), sound.samples.begin() + static_cast<long>(t),
                        sound.samples.begin() + static_cast<long>(end));
    word.samples.resize(word.samples.size() + margin, 0.0);
    out.push_back(std::move(word));
    t = end;
  }
  if (out.size() != words().size()) {
    throw InputError(name + ": " + std::to_string(out.size()) + " words heard where " + std::to_string(words().size()) +
                     " were spoken; delete the file to synthesize it again");
  }
  return out;
}

// Scales every band by the training frames' mean and standard deviation: x <- (x - mean) / deviation, for the
// training and the test words alike (the test set's own statistics would leak what it holds).
void normalize(Corpus& corpus, std::size_t mels) {
  corpus.mean.assign(mels, 0);
  corpus.deviation.assign(mels, 0);
  double frames = 0;
  for (const Utterance& u : corpus.train) {
    for (std::size_t i = 0; i < u.features.size(); ++i) corpus.mean[i % mels] += u.features[i];
    frames += static_cast<double>(u.features.shape()[0]);
  }
  for (double& m : corpus.mean) m /= frames;
  for (const Utterance& u : corpus.train) {
    for (std::size_t i = 0; i < u.features.size(); ++i)
      corpus.deviation[i % mels] += std::pow(u.features[i] - corpus.mean[i % mels], 2);
  }
  for (double& d : corpus.deviation) d = std::sqrt(d / frames);
  for (std::size_t m = 0; m < mels; ++m) {
    corpus.silence.push_back((std::log(audio::energy_floor) - corpus.mean[m]) / corpus.deviation[m]);
  }
  for (std::vector<Utterance>* set : {&corpus.train, &corpus.test}) {
    for (Utterance& u : *set) {
      for (std::size_t i = 0; i < u.features.size(); ++i) {
        u.features[i] = (u.features[i] - corpus.mean[i % mels]) / corpus.deviation[i % mels];
      }
    }
  }
}

}  // namespace

std::string cache_folder() { return RNNLAB_CACHE_DIR; }

std::vector<Recording> parse_recordings(std::string_view text, const std::string& name) {
  std::vector<Recording> list;
  const std::vector<std::string_view> lines = text_lines(text, name, 1000);
  for (std::size_t number = 1; number <= lines.size(); ++number) {
    const std::string_view line = lines[number - 1];
    const std::vector<std::string_view> fields = split_words(line);
    if (fields.empty() || fields.front().front() == '#') continue;
    if (fields.size() < 2) refuse_line(name, number, "expected \"FILE.wav WORD\", got " + quoted(line));
    // The word is the last field; the file is all before it, from its first field to its end (a name may hold spaces).
    const std::string_view said = fields.back(), before = fields[fields.size() - 2];
    const std::string file(fields.front().data(),
                           static_cast<std::size_t>(before.data() + before.size() - fields.front().data()));
    const auto word = std::find(words().begin(), words().end(), said);
    if (word == words().end()) {
      std::string known;
      for (const std::string& w : words()) known += (known.empty() ? "" : " ") + w;
      refuse_line(name, number, quoted(said) + " is not one of the lesson's words (" + known + ")");
    }
    if (list.size() == max_recordings) {
      throw InputError(name + ": lists more than " + std::to_string(max_recordings) +
                       " recordings; the lesson reads at most that many");
    }
    list.push_back({file, static_cast<std::size_t>(word - words().begin()), number});
  }
  if (list.empty()) throw InputError(name + ": lists no recordings (one a line: FILE.wav WORD)");
  return list;
}

std::vector<Recording> read_recording_list(const std::string& path) {
  return parse_recordings(read_input_file(path), path);
}

void read_recordings(const std::string& path, const std::vector<Recording>& list, Corpus& corpus,
                     const audio::SpectrogramConfig& features) {
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  for (const Recording& r : list) {
    const std::filesystem::path file = folder / r.file;  // an absolute r.file stays as it is
    audio::Sound sound;
    try {
      sound = audio::read_wav(file.string());
    } catch (const InputError& e) {
      refuse_line(path, r.line, e.what());
    }
    const double seconds = static_cast<double>(sound.samples.size()) / static_cast<double>(sound.rate);
    if (sound.rate < 8000 || sound.rate > 192000) {
      refuse_line(
          path, r.line,
          file.string() + ": is sampled at " + std::to_string(sound.rate) + " Hz; the lesson reads 8000 to 192000 Hz");
    }
    if (seconds > max_recording_seconds) {
      refuse_line(path, r.line,
                  file.string() + ": is " + std::to_string(static_cast<int>(seconds)) +
                      " s long; the lesson reads recordings of one word, at most 10 s");
    }
    double peak = 0;
    for (double v : sound.samples) peak = std::max(peak, std::abs(v));
    if (peak == 0) refuse_line(path, r.line, file.string() + ": is silent");
    for (double& v : sound.samples) v *= 0.8 / peak;
    Tensor f = audio::log_mel_spectrogram(audio::resample(sound, corpus.example.rate), features);
    for (std::size_t i = 0; i < f.size(); ++i) {
      f[i] = (f[i] - corpus.mean[i % features.mels]) / corpus.deviation[i % features.mels];
    }
    corpus.yours.push_back({r.word, 0, std::move(f)});
    corpus.your_files.push_back(r.file);
  }
}

std::vector<Speaker> training_speakers() { return speakers({"m1", "m2", "m3", "m4", "f1", "f2", "f3"}, 21, 0); }
std::vector<Speaker> test_speakers() { return speakers({"m5", "m6", "m7", "f4", "f5"}, 5, 3); }

Corpus load_corpus(const std::string& cache, const audio::SpectrogramConfig& features) {
  const std::filesystem::path folder = std::filesystem::path(cache) / "espeak-ng";
  std::filesystem::create_directories(folder);
  std::vector<Speaker> all = training_speakers();
  const std::size_t trained = all.size();
  for (const Speaker& s : test_speakers()) all.push_back(s);
  // One recording a speaker: synthesized once (both cores at a time), then read from the cache.
  std::vector<std::filesystem::path> files(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    files[i] =
        folder / (all[i].voice + "_" + std::to_string(all[i].speed) + "_" + std::to_string(all[i].pitch) + ".wav");
  }
  std::vector<std::string> errors(all.size());
  auto make = [&](std::size_t i) {
    try {
      if (!std::filesystem::exists(files[i])) synthesize(all[i], files[i]);
    } catch (const std::exception& e) {
      errors[i] = e.what();
    }
  };
#if defined(__EMSCRIPTEN__)
  // In the web build one after the other, on the program's thread: the file system the recordings arrive in is its
  // (a thread of the threaded build has a JavaScript file system of its own).
  for (std::size_t i = 0; i < all.size(); ++i) make(i);
#else
  parallel_tasks(all.size(), make);
#endif
  for (const std::string& e : errors) {
    if (!e.empty()) throw InputError(e);
  }
  Corpus corpus;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::vector<audio::Sound> spoken = cut_words(audio::read_wav(files[i].string()), files[i].string());
    for (std::size_t w = 0; w < spoken.size(); ++w) {
      (i < trained ? corpus.train : corpus.test)
          .push_back({w, i < trained ? i : i - trained, audio::log_mel_spectrogram(spoken[w], features)});
    }
    if (i == trained) corpus.example = spoken[7];  // "seven", by the first test speaker
  }
  normalize(corpus, features.mels);
  return corpus;
}

}  // namespace rnnlab::lessons::lesson20
