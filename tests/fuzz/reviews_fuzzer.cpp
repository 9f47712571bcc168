// libFuzzer target for lesson 18's --data reader (labeled reviews, one a line).
#include "lessons/18_sentiment.hpp"
#include "text_reader.hpp"

using namespace rnnlab::lessons;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return rnnlab::fuzz::read_or_refuse(
      data, size, [](const std::string& text) { return lesson18::parse_reviews(text, "fuzz input"); },
      [](const std::vector<lesson18::Review>& reviews) {
        if (reviews.size() < 20 || reviews.size() > lesson18::max_reviews) return false;
        for (const lesson18::Review& r : reviews) {
          if (r.words.empty() || r.words.size() > lesson18::max_review_words || (r.label != 0 && r.label != 1)) return false;
        }
        // Every word of every review has an id in the vocabulary the lesson builds from them.
        const lesson18::WordIndex words = lesson18::words_of(reviews);
        return words.size() <= lesson18::max_review_vocabulary + 1 &&
               lesson18::review_batch(reviews, words).batch == reviews.size();
      });
}
