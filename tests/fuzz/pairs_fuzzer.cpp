// libFuzzer target for lesson 19's --data reader (source/target pairs, one a line).
#include "lessons/19_seq2seq.hpp"
#include "text_reader.hpp"

using namespace rnnlab::lessons;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return rnnlab::fuzz::read_or_refuse(
      data, size, [](const std::string& text) { return lesson19::parse_pairs(text, "fuzz input"); },
      [](const lesson19::TextPairs& t) {
        const auto& p = t.pairs;
        if (p.sources.size() < 20 || p.sources.size() != p.targets.size() || p.sources.size() > lesson19::max_pairs) return false;
        for (std::size_t i = 0; i < p.sources.size(); ++i) {
          if (p.sources[i].empty() || p.targets[i].empty()) return false;
          if (p.sources[i].size() > lesson19::max_pair_words || p.targets[i].size() > lesson19::max_pair_words) return false;
          for (std::size_t id : p.sources[i]) {
            if (id == 0 || id >= t.source_words.size()) return false;  // 0 is <end>, never a word of the file
          }
          for (std::size_t id : p.targets[i]) {
            if (id >= t.target_words.size()) return false;
          }
        }
        return true;
      });
}
