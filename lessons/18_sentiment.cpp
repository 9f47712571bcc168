// Lesson 18 — sequence in, one label out: sentiment (the source notes' many-to-one pattern; Socher et al. 2013's
// Stanford Sentiment Treebank made negation and contrast the test of sentiment models; Tang, Qin & Liu 2015 and
// many since used gated RNNs for it).
//
// The simplest text classifier forgets order altogether: count the words, weigh each count, add up (a bag of
// words with logistic regression). It does well when words carry their sentiment alone. It cannot read "not
// good": a linear score gives "not" one weight whatever follows, and "good" one weight whatever precedes, so it
// can get "good" and "not good" right only by getting "bad" or "not bad" wrong - the XOR that a single linear
// layer cannot represent (Minsky & Papert 1969). Nor can it tell "good, but dull" from "dull, but good": the same
// counts. A recurrent network reads the words in order, and its final state can hold "the last clause said not +
// good" - the sequence-to-one pattern, a label read from the last state.
#include "lessons/18_sentiment.hpp"

#include <algorithm>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/18_sentiment.md.hpp"
#include "lessons/18_sentiment.sources.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson18 {

const LessonInfo info = {18, "18_sentiment", narration_markdown, "labeled reviews, one a line: 0 or 1, then the text", source_files};

// ---- the models ----

BagOfWords::BagOfWords(std::size_t vocabulary, Rng& rng) : vocabulary_(vocabulary), linear_(vocabulary - 1, 2, rng) {
  register_module("linear", linear_);
}

// >>> bag-of-words
Var BagOfWords::logits(const ReviewBatch& b) {
  const std::size_t V = vocabulary_ - 1;  // every word but <pad>
  Tensor counts({b.batch, V});
  for (std::size_t t = 0; t < b.steps; ++t) {
    for (std::size_t i = 0; i < b.batch; ++i) {
      const std::size_t w = b.tokens[t * b.batch + i];
      if (w > 0) counts.at({i, w - 1}) += 1;
    }
  }
  return linear_.forward(Var(std::move(counts)));
}
// <<< bag-of-words

RecurrentClassifier::RecurrentClassifier(std::size_t vocabulary, std::size_t embedding, std::size_t hidden, Rng& rng)
    : embedding_(vocabulary, embedding, rng), gru_(embedding, hidden, rng), readout_(hidden, 2, rng) {
  register_module("embedding", embedding_);
  register_module("gru", gru_);
  register_module("readout", readout_);
}

// >>> recurrent-classifier
Var RecurrentClassifier::logits(const ReviewBatch& b) {
  const Var words = embedding_.forward(b.tokens, {b.steps, b.batch});
  return readout_.forward(select(gru_(words).output, 0, b.steps - 1));
}
// <<< recurrent-classifier

// ---- the experiment ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.training_steps = 200;
    c.test_reviews = 500;
    c.seeds = 1;
  }
  return c;
}

namespace {

using Draw = std::function<ReviewBatch(Rng&)>;  // the next training batch

template <typename Model>
Run train(Model& model, const ReviewBatch& test, const Draw& draw, const Config& c, Rng& rng, Progress& progress) {
  Run run;
  auto evaluate = [&](std::size_t step) {
    NoGradGuard no_grad;
    const Tensor logits = model.logits(test).value();
    run.predictions.clear();
    std::size_t right = 0;
    for (std::size_t i = 0; i < test.batch; ++i) {
      const int predicted = logits.at({i, 1}) > logits.at({i, 0}) ? 1 : 0;
      run.predictions.push_back(predicted);
      right += predicted == test.reviews[i].label;
    }
    run.step.push_back(static_cast<double>(step));
    run.accuracy.push_back(static_cast<double>(right) / static_cast<double>(test.batch));
  };
  Trainer trainer(model.parameters(), {.learning_rate = c.learning_rate, .clip = c.clip});
  evaluate(0);
  for (std::size_t step = 1; step <= c.training_steps; ++step) {
    const ReviewBatch batch = draw(rng);
    const double loss = trainer.step(cross_entropy(model.logits(batch), batch.labels));
    progress.advance(loss);
    if (step % c.evaluate_every == 0 || step == c.training_steps) evaluate(step);
  }
  run.final_accuracy = run.accuracy.back();
  return run;
}

}  // namespace

namespace {

Result compare(const Config& c, ReviewBatch test, std::size_t vocabulary, const Draw& draw) {
  Result r;
  r.test = std::move(test);
  r.bag.resize(c.seeds);
  r.gru.resize(c.seeds);
  Progress progress("bag of words and GRU", 2 * c.seeds * c.training_steps);
  parallel_tasks(2 * c.seeds, [&](std::size_t task) {
    const std::size_t s = task / 2;
    Rng rng(c.seed * 100 + s);
    if (task % 2 == 0) {
      BagOfWords model(vocabulary, rng);
      r.bag[s] = train(model, r.test, draw, c, rng, progress);
    } else {
      RecurrentClassifier model(vocabulary, c.embedding, c.hidden, rng);
      r.gru[s] = train(model, r.test, draw, c, rng, progress);
    }
  });
  return r;
}

}  // namespace

Result experiment(const Config& c) {
  Rng test_rng(c.seed * 100 + 77);
  return compare(c, review_batch(c.test_reviews, test_rng), review_words().size(),
                 [&](Rng& rng) { return review_batch(c.batch, rng); });
}

Result experiment_on(const Config& c, const std::vector<Review>& reviews) {
  const WordIndex words = words_of(reviews);
  std::vector<Review> shuffled = reviews;
  Rng rng(c.seed * 100 + 77);
  rng.shuffle(shuffled);
  const std::size_t split = shuffled.size() * 4 / 5;
  const std::vector<Review> train_set(shuffled.begin(), shuffled.begin() + static_cast<long>(split));
  const std::vector<Review> test_set(shuffled.begin() + static_cast<long>(split), shuffled.end());
  return compare(c, review_batch(test_set, words), words.size(), [&](Rng& draw_rng) {
    std::vector<Review> batch;
    for (std::size_t i = 0; i < c.batch; ++i) batch.push_back(train_set[draw_rng.below(train_set.size())]);
    return review_batch(std::move(batch), words);
  });
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  double margin = 1, gru_low = 1, bag_high = 0;
  for (std::size_t s = 0; s < c.seeds; ++s) {
    margin = std::min(margin, r.gru[s].final_accuracy - r.bag[s].final_accuracy);
    gru_low = std::min(gru_low, r.gru[s].final_accuracy);
    bag_high = std::max(bag_high, r.bag[s].final_accuracy);
  }
  const std::string seeds = " (every one of " + std::to_string(c.seeds) + " seeds)";
  return {
      {"test accuracy: GRU minus bag of words, same seed" + seeds, margin, ">= " + plot::format_number(c.margin),
       margin >= c.margin},
      {"the GRU's lowest test accuracy" + seeds, gru_low, ">= 0.95", gru_low >= 0.95},
      {"the bag of words' highest test accuracy" + seeds, bag_high, "<= 0.85", bag_high <= 0.85},
  };
}

namespace {

std::string sentence(const Review& review) {
  std::string out;
  for (const std::string& w : review.words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

// ---- what the lesson shows ----

namespace {

// Test accuracy while training, every seed of both classifiers (on the learner's reviews: `own`).
void show_learning_curves(Report& report, const Result& r, const Config& c, bool own) {
  plot::LineChart curves;
  curves.title =
      std::string(own ? "Your reviews" : "Sentiment of synthetic reviews") + ": test accuracy while training";
  curves.x_label = "training step";
  curves.y_label = "test accuracy";
  curves.y_min = 0.4;
  curves.y_max = 1.0;
  for (std::size_t s = 0; s < c.seeds; ++s) {
    curves.series.push_back({.name = s == 0 ? "bag of words" : "",
                             .x = r.bag[s].step,
                             .y = r.bag[s].accuracy,
                             .color = plot::baseline_color(0),
                             .dashed = s > 0});
    curves.series.push_back({.name = s == 0 ? "GRU" : "",
                             .x = r.gru[s].step,
                             .y = r.gru[s].accuracy,
                             .color = plot::color_of(nn::CellKind::gru),
                             .dashed = s > 0});
    report.figure("seed " + std::to_string(s) + ": bag of words, test accuracy", r.bag[s].final_accuracy);
    report.figure("seed " + std::to_string(s) + ": GRU, test accuracy", r.gru[s].final_accuracy);
  }
  curves.reference_lines = {{0.5, "guessing"}};
  report.plot("accuracy.svg", curves.svg(), {}, curves.text(60, 10));
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  const std::vector<Setting> settings =
      apply_settings(options, {{"hidden", c.hidden}, {"training_steps", c.training_steps}});
  const bool own = !options.data.empty();
  const std::vector<Review> reviews = own ? read_reviews(options.data) : std::vector<Review>();
  Report report(info, options, settings);
  if (own) {
    report.skip("built-in-reviews");
    report.skip("where-bags-fail");
    report.say("own-reviews",
               {{"file", options.data}, {"reviews", reviews.size()}, {"distinct_words", words_of(reviews).size() - 1}});
  } else {
    Rng show(5);
    std::string examples;
    for (int k = 0; k < 4; ++k) {
      const Review review = make_review(show);
      examples += "  " + std::string(review.label ? "positive" : "negative") + "   " + sentence(review) + "\n";
    }
    report.skip("own-reviews");
    report.say("built-in-reviews", {{"review_words", review_words().size() - 1}});
    report.block(examples);
  }
  report.say("two-classifiers", {{"learning_rate", c.learning_rate},
                                 {"batch", c.batch},
                                 {"training_steps", c.training_steps},
                                 {"seeds", c.seeds},
                                 {"hidden", c.hidden},
                                 {"embedding", c.embedding}});
  report.code("bag-of-words");
  report.code("recurrent-classifier");
  const Result r = own ? experiment_on(c, reviews) : experiment(c);

  show_learning_curves(report, r, c, own);

  // Where they disagree, from the first seed.
  std::string table = "label     bag  GRU   review\n";
  std::size_t shown = 0;
  for (std::size_t i = 0; i < r.test.batch && shown < 8; ++i) {
    const Review& review = r.test.reviews[i];
    const int bag = r.bag[0].predictions[i], gru = r.gru[0].predictions[i];
    if (bag == gru && shown % 3 != 0) continue;  // mostly the disagreements, a few agreements
    ++shown;
    auto mark = [&](int p) { return p == review.label ? "ok   " : "NO   "; };
    table.append(review.label ? "positive  " : "negative  ").append(mark(bag)).append(mark(gru));
    table.append(sentence(review)).append("\n");
  }
  report.block(table);
  if (!own) report.say("where-bags-fail");
  own ? report.skip("try-next") : report.try_next();
  if (!own) report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson18
