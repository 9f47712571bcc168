#include "lessons/19_seq2seq.hpp"

#include <algorithm>
#include <stdexcept>

#include "lessons/common/input.hpp"

namespace rnnlab::lessons::lesson19 {

// ---- the data ----

const std::vector<std::string>& number_words() {
  static const std::vector<std::string> words = {
      "<end>",    "zero",   "one",    "two",    "three",    "four",     "five",    "six",     "seven",     "eight",
      "nine",     "ten",    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
      "nineteen", "twenty", "thirty", "forty",  "fifty",    "sixty",    "seventy", "eighty",  "ninety"};
  return words;
}

std::string spelled(const std::vector<std::size_t>& ids, const std::vector<std::string>& words) {
  std::string text;
  for (std::size_t id : ids) text.append(text.empty() ? "" : " ").append(words[id]);
  return text;
}

std::vector<std::size_t> name_of_number(std::size_t n) {
  if (n > 99) throw std::invalid_argument("name_of_number: " + std::to_string(n) + " is not in 0..99");
  if (n < 10) return {1 + n};
  if (n < 20) return {11 + (n - 10)};
  std::vector<std::size_t> name = {21 + (n / 10 - 2)};
  if (n % 10 != 0) name.push_back(1 + n % 10);
  return name;
}

Tensor number_vector(std::size_t n) {
  Tensor v({20});
  v[n / 10] = 1;
  v[10 + n % 10] = 1;
  return v;
}

TextPairs parse_pairs(std::string_view text, const std::string& name) {
  TextPairs t;
  t.source_words = {"<end>"};
  std::map<std::string, std::size_t, std::less<>> source_ids = {{"<end>", 0}}, target_ids;
  auto id = [](std::map<std::string, std::size_t, std::less<>>& ids, std::vector<std::string>& words,
               std::string_view w) {
    const auto [at, added] = ids.emplace(std::string(w), words.size());
    if (added) words.push_back(std::string(w));
    return at->second;
  };
  const std::vector<std::string_view> lines = text_lines(text, name, 10'000);
  for (std::size_t number = 1; number <= lines.size(); ++number) {
    const std::string_view line = lines[number - 1];
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const auto tab = line.find('\t');
    const std::vector<std::string_view> source = split_words(line.substr(0, tab));
    const std::vector<std::string_view> target =
        tab == std::string_view::npos ? std::vector<std::string_view>{} : split_words(line.substr(tab + 1));
    if (tab == std::string_view::npos || source.empty() || target.empty()) {
      refuse_line(name, number, "expected \"source words<TAB>target words\", got " + quoted(line));
    }
    if (source.size() > max_pair_words || target.size() > max_pair_words) {
      refuse_line(name, number,
                  "a side of " + std::to_string(std::max(source.size(), target.size())) + " words; sides of at most " +
                      std::to_string(max_pair_words) + " are read");
    }
    for (const std::vector<std::string_view>* side : {&source, &target}) {
      for (const std::string_view w : *side) {
        if (w == "<end>" || w == "<start>") {
          refuse_line(name, number,
                      quoted(w) + " is the lesson's own marker for the start or end of a sequence; write it otherwise");
        }
      }
    }
    std::vector<std::size_t> s, g;
    for (const auto& w : source) s.push_back(id(source_ids, t.source_words, w));
    for (const auto& w : target) g.push_back(id(target_ids, t.target_words, w));
    if (t.source_words.size() > max_pair_vocabulary || t.target_words.size() > max_pair_vocabulary) {
      refuse_line(name, number,
                  "brings the distinct words of a side past " + std::to_string(max_pair_vocabulary) +
                      ", more than the lesson's models are sized for");
    }
    if (t.pairs.sources.size() == max_pairs) {
      throw InputError(name + ": has more than " + std::to_string(max_pairs) +
                       " pairs; the lesson reads at most that many");
    }
    t.pairs.sources.push_back(std::move(s));
    t.pairs.targets.push_back(std::move(g));
  }
  if (t.pairs.sources.size() < 20) {
    throw InputError(name + ": has " + std::to_string(t.pairs.sources.size()) +
                     " pairs; it needs at least 20 to train on some and test on others");
  }
  return t;
}

TextPairs read_pairs(const std::string& path) { return parse_pairs(read_input_file(path), path); }

}  // namespace rnnlab::lessons::lesson19
