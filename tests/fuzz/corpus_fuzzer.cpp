// libFuzzer target for lesson 16's --data reader (a UTF-8 text), and the vocabulary built from what it accepts.
#include "lessons/16_text_generation.hpp"
#include "text_reader.hpp"

using namespace rnnlab::lessons;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const lesson16::Config config = lesson16::config(true, 0);
  return rnnlab::fuzz::read_or_refuse(
      data, size, [](const std::string& text) { return lesson16::parse_corpus(text, "fuzz input", config); },
      [](const lesson16::Corpus& corpus) {
        if (corpus.text.size() < lesson16::minimum_corpus_bytes(config)) return false;
        const lesson16::Vocabulary vocabulary(corpus.text);
        return vocabulary.encode(corpus.text).size() == corpus.text.size();
      });
}
