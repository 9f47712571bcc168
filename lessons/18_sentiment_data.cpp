#include "lessons/18_sentiment.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

#include "lessons/common/input.hpp"

namespace rnnlab::lessons::lesson18 {

// ---- the reviews ----

namespace {

const std::vector<std::string> subjects = {"movie", "plot", "acting", "ending", "cast", "story"};
const std::vector<std::string> positive = {"good", "great", "fun", "clever", "moving"};
const std::vector<std::string> negative = {"bad", "dull", "boring", "weak", "silly"};

const std::string& pick(const std::vector<std::string>& words, Rng& rng) { return words[rng.below(words.size())]; }

}  // namespace

WordIndex::WordIndex(const std::vector<std::string>& words) {
  words_.push_back("<pad>");
  for (const std::string& w : words) {
    if (w != "<pad>" && ids_.find(w) == ids_.end()) words_.push_back(w);
    ids_[words_.back()] = words_.size() - 1;
  }
  ids_["<pad>"] = 0;
}

std::size_t WordIndex::operator()(const std::string& word) const {
  const auto at = ids_.find(word);
  if (at == ids_.end()) throw std::invalid_argument("lesson 18: unknown word '" + word + "'");
  return at->second;
}

const WordIndex& review_words() {
  static const WordIndex words = [] {
    std::vector<std::string> v = {"the", "was", "really", "quite", "not", "and", "but"};
    for (const auto* list : {&subjects, &positive, &negative}) v.insert(v.end(), list->begin(), list->end());
    return WordIndex(v);
  }();
  return words;
}

std::size_t word_index(const std::string& word) { return review_words()(word); }

std::vector<Review> parse_reviews(std::string_view text, const std::string& name) {
  std::vector<Review> reviews;
  const std::vector<std::string_view> lines = text_lines(text, name, 10'000);
  std::set<std::string> distinct;
  for (std::size_t number = 1; number <= lines.size(); ++number) {
    std::vector<std::string> words;
    std::string word;
    for (char ch : std::string(lines[number - 1]) + " ") {
      const auto byte = static_cast<unsigned char>(ch);
      if (std::isalnum(byte) || ch == '\'' || byte >= 0x80) {  // bytes >= 0x80: letters of other scripts (UTF-8)
        word += static_cast<char>(std::tolower(byte));
      } else if (!word.empty()) {
        words.push_back(word);
        word.clear();
      }
    }
    if (words.empty()) continue;
    const std::string label = words.front();
    words.erase(words.begin());
    Review r;
    if (label == "1" || label == "positive") {
      r.label = 1;
    } else if (label == "0" || label == "negative") {
      r.label = 0;
    } else {
      refuse_line(name, number, "a review starts with its label (0, 1, negative or positive), got " + quoted(label));
    }
    if (words.empty()) refuse_line(name, number, "a label and no text");
    if (words.size() > max_review_words) {
      refuse_line(name, number,
                  "has " + std::to_string(words.size()) + " words; reviews of at most " +
                      std::to_string(max_review_words) + " are read");
    }
    distinct.insert(words.begin(), words.end());
    if (distinct.size() > max_review_vocabulary) {
      refuse_line(name, number,
                  "brings the distinct words past " + std::to_string(max_review_vocabulary) +
                      ", more than the lesson's models are sized for");
    }
    if (reviews.size() == max_reviews) {
      throw InputError(name + ": has more than " + std::to_string(max_reviews) +
                       " reviews; the lesson reads at most that many");
    }
    r.words = std::move(words);
    reviews.push_back(std::move(r));
  }
  if (reviews.size() < 20) {
    throw InputError(name + ": has " + std::to_string(reviews.size()) +
                     " reviews; it needs at least 20 to train on some and test on others");
  }
  return reviews;
}

std::vector<Review> read_reviews(const std::string& path) { return parse_reviews(read_input_file(path), path); }

WordIndex words_of(const std::vector<Review>& reviews) {
  std::vector<std::string> all;
  for (const Review& r : reviews) all.insert(all.end(), r.words.begin(), r.words.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return WordIndex(all);
}

Review make_review(Rng& rng) {
  Review r;
  const double u = rng.uniform();
  const std::size_t clauses = u < 0.4 ? 1 : u < 0.8 ? 2 : 3;
  bool polarity = rng.bernoulli(0.5);  // the clause's meaning: true = positive
  for (std::size_t k = 0; k < clauses; ++k) {
    if (k > 0) {
      const bool contrast = rng.bernoulli(0.5);
      r.words.push_back(contrast ? "but" : "and");
      if (contrast) polarity = !polarity;  // "but" turns the verdict; "and" keeps it
    }
    r.words.insert(r.words.end(), {"the", pick(subjects, rng), "was"});
    const bool negated = rng.bernoulli(0.4);
    if (negated) r.words.push_back("not");
    if (rng.bernoulli(0.3)) r.words.push_back(rng.bernoulli(0.5) ? "really" : "quite");
    r.words.push_back(pick(polarity != negated ? positive : negative, rng));  // "not" flips the word's polarity
  }
  r.label = polarity ? 1 : 0;
  return r;
}

ReviewBatch review_batch(std::vector<Review> reviews, const WordIndex& words) {
  ReviewBatch b;
  b.batch = reviews.size();
  b.reviews = std::move(reviews);
  for (const Review& r : b.reviews) {
    b.steps = std::max(b.steps, r.words.size());
    b.labels.push_back(static_cast<std::size_t>(r.label));
  }
  b.tokens.assign(b.steps * b.batch, 0);  // <pad>
  for (std::size_t i = 0; i < b.batch; ++i) {
    const auto& w = b.reviews[i].words;
    const std::size_t offset = b.steps - w.size();  // left padding: every review ends at the last step
    for (std::size_t t = 0; t < w.size(); ++t) b.tokens[(offset + t) * b.batch + i] = words(w[t]);
  }
  return b;
}

ReviewBatch review_batch(std::size_t batch, Rng& rng) {
  std::vector<Review> reviews;
  for (std::size_t i = 0; i < batch; ++i) reviews.push_back(make_review(rng));
  return review_batch(std::move(reviews), review_words());
}

}  // namespace rnnlab::lessons::lesson18
