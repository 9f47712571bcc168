#include "lessons/16_text_generation.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "lessons/common/input.hpp"

namespace rnnlab::lessons::lesson16 {

// ---- the text ----

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("lesson 16: cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

std::size_t minimum_corpus_bytes(const Config& c) { return 10 * c.batch * (c.window + 1); }

Corpus parse_corpus(std::string text, const std::string& name, const Config& c) {
  check_text(text, name);
  if (text.size() < minimum_corpus_bytes(c)) {
    throw InputError(name + ": has " + std::to_string(text.size()) + " bytes of text; it needs at least " +
                     std::to_string(minimum_corpus_bytes(c)) + " (the last 10% is held out for validation)");
  }
  return {std::move(text), name};
}

Corpus load_corpus(const std::string& path, const Config& c) {
  if (!path.empty()) return parse_corpus(read_input_file(path), path, c);
  const std::filesystem::path licenses = "/usr/share/common-licenses";
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(licenses, error)) {
    if (entry.is_regular_file() && !entry.is_symlink()) files.push_back(entry.path());  // links repeat files
  }
  std::sort(files.begin(), files.end());
  std::string text;
  for (const auto& file : files) text += read_file(file);
  if (text.size() < minimum_corpus_bytes(c)) {
    throw InputError(licenses.string() +
                     ": not here, or too short to learn from; it comes with Debian's package "
                     "base-files (apt-get install base-files), or train on your own text with --data FILE");
  }
  return {std::move(text), licenses.string() + " (" + std::to_string(files.size()) + " files)"};
}

Vocabulary::Vocabulary(const std::string& text) {
  index_.fill(-1);
  std::array<bool, 256> seen{};
  for (char c : text) seen[static_cast<unsigned char>(c)] = true;
  for (int c = 0; c < 256; ++c) {
    if (seen[static_cast<std::size_t>(c)]) {
      index_[static_cast<std::size_t>(c)] = static_cast<int>(chars_.size());
      chars_ += static_cast<char>(c);
    }
  }
}

std::size_t Vocabulary::index(char c) const {
  const int i = index_[static_cast<unsigned char>(c)];
  if (i < 0)
    throw std::invalid_argument("Vocabulary: character code " + std::to_string(static_cast<unsigned char>(c)) +
                                " is not in the vocabulary");
  return static_cast<std::size_t>(i);
}

std::vector<std::size_t> Vocabulary::encode(const std::string& text) const {
  std::vector<std::size_t> out;
  out.reserve(text.size());
  for (char c : text) out.push_back(index(c));
  return out;
}

double unigram_entropy(const std::string& text) {
  std::array<double, 256> count{};
  for (char c : text) count[static_cast<unsigned char>(c)] += 1;
  double h = 0;
  for (double n : count) {
    if (n > 0) h -= n / static_cast<double>(text.size()) * std::log(n / static_cast<double>(text.size()));
  }
  return h;
}

}  // namespace rnnlab::lessons::lesson16
