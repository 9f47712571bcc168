// Lesson 19 — one in, sequence out; and sequence to sequence (Sutskever, Vinyals & Le 2014, "Sequence to sequence
// learning with neural networks"; Cho et al. 2014, "Learning phrase representations using RNN encoder-decoder";
// the captioning pattern of Vinyals et al. 2015, "Show and tell").
//
// A recurrent decoder writes a sequence one token at a time: from its state it predicts the next token, and that
// token is its next input. Where the state starts decides what it writes.
//   (a) One to many: the state starts from a fixed vector - an image's features in captioning, here a number's
//       digits - and the decoder writes its name: 42 -> "forty two".
//   (b) Many to many: an encoder RNN reads a whole input sequence and its last state starts the decoder. The
//       whole input must pass through that one vector; Sutskever et al. translated English to French this way
//       (with LSTMs and the source reversed), and Bahdanau, Cho & Bengio (2015) added attention because the
//       vector is a bottleneck for long inputs - which the accuracy-by-length plot here shows.
// Training uses teacher forcing: the decoder is fed the true previous token, not its own guess, so every step
// gets a correct input and a gradient at once. At test time it runs on its own: greedy decoding, the most likely
// token at every step.
#include "lessons/19_seq2seq.hpp"

#include <algorithm>
#include <numeric>
#include <set>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/19_seq2seq.md.hpp"
#include "lessons/19_seq2seq.sources.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"

namespace rnnlab::lessons::lesson19 {

const LessonInfo info = {19, "19_seq2seq", narration_markdown,
                         "source/target pairs, one a line: source words, a tab, target words", source_files};

// ---- the decoder ----

Decoder::Decoder(std::size_t vocabulary, std::size_t embedding, std::size_t hidden, Rng& rng)
    : embedding_(vocabulary, embedding, rng), gru_(embedding, hidden, rng), readout_(hidden, vocabulary, rng) {
  register_module("embedding", embedding_);
  register_module("gru", gru_);
  register_module("readout", readout_);
}

Var Decoder::forward(const std::vector<std::size_t>& inputs, std::size_t steps, std::size_t batch, const Var& h0) {
  return readout_.forward(gru_(embedding_.forward(inputs, {steps, batch}), h0).output);
}

std::vector<std::vector<std::size_t>> Decoder::greedy(const Var& h0, std::size_t start, std::size_t end,
                                                      std::size_t max_steps) {
  NoGradGuard no_grad;
  const std::size_t batch = h0.shape()[1];
  std::vector<std::vector<std::size_t>> out(batch);
  std::vector<bool> done(batch, false);
  std::vector<std::size_t> previous(batch, start);
  Var h = h0;
  // >>> greedy-decoding
  for (std::size_t step = 0; step < max_steps; ++step) {
    const nn::RNNResult r = gru_(embedding_.forward(previous, {1, batch}), h);
    h = r.h_n;
    const Tensor logits = readout_.forward(r.output).value();  // [1, B, V]
    const std::size_t V = logits.shape()[2];
    for (std::size_t b = 0; b < batch; ++b) {
      const real* row = logits.data() + b * V;
      previous[b] = static_cast<std::size_t>(std::max_element(row, row + V) - row);
      done[b] = done[b] || previous[b] == end;  // a row stops at its first <end>
      if (!done[b]) out[b].push_back(previous[b]);
    }
  }
  // <<< greedy-decoding
  return out;
}

namespace {

// >>> teacher-forcing
// The cross-entropy of the decoder's predictions under teacher forcing: its inputs are <start> then the targets,
// the expected outputs the targets then <end>; shorter rows are padded with <end> on both sides. Time-major.
Var forced_loss(Decoder& decoder, const std::vector<std::vector<std::size_t>>& targets, const Var& h0,
                std::size_t start, std::size_t end) {
  const std::size_t batch = targets.size();
  std::size_t steps = 0;
  for (const auto& t : targets) steps = std::max(steps, t.size() + 1);
  std::vector<std::size_t> inputs(steps * batch, end), expected(steps * batch, end);
  for (std::size_t b = 0; b < batch; ++b) {
    inputs[b] = start;
    for (std::size_t t = 0; t < targets[b].size(); ++t) {
      inputs[(t + 1) * batch + b] = targets[b][t];
      expected[t * batch + b] = targets[b][t];
    }
  }
  const Var logits = decoder.forward(inputs, steps, batch, h0);  // [T, B, V]
  return cross_entropy(reshape(logits, {-1, static_cast<long>(logits.shape()[2])}), expected);
}
// <<< teacher-forcing

}  // namespace

// ---- (a) the namer ----

Namer::Namer(std::size_t hidden, Rng& rng)
    : hidden_(hidden), init_(20, hidden, rng), decoder_(number_words().size(), 16, hidden, rng) {
  register_module("init", init_);
  register_module("decoder", decoder_);
}

Var Namer::start_state(const std::vector<std::size_t>& numbers) {
  Tensor digits({numbers.size(), 20});
  for (std::size_t b = 0; b < numbers.size(); ++b) {
    const Tensor one = number_vector(numbers[b]);
    std::copy(one.data(), one.data() + 20, digits.data() + b * 20);
  }
  return reshape(tanh(init_.forward(Var(digits))), {1, static_cast<long>(numbers.size()), static_cast<long>(hidden_)});
}

Var Namer::loss(const std::vector<std::size_t>& numbers) {
  std::vector<std::vector<std::size_t>> names;
  for (std::size_t n : numbers) names.push_back(name_of_number(n));
  return forced_loss(decoder_, names, start_state(numbers), 0, 0);  // <end> doubles as the start token
}

std::vector<std::vector<std::size_t>> Namer::name(const std::vector<std::size_t>& numbers) {
  NoGradGuard no_grad;
  return decoder_.greedy(start_state(numbers), 0, 0, 3);
}

// ---- (b) the translator ----

Translator::Translator(std::size_t source_vocabulary, std::size_t target_words, std::size_t embedding,
                       std::size_t hidden, Rng& rng)
    : end_(target_words), start_(target_words + 1), embedding_(source_vocabulary, embedding, rng),
      encoder_(embedding, hidden, rng), decoder_(target_words + 2, embedding, hidden, rng) {
  register_module("embedding", embedding_);
  register_module("encoder", encoder_);
  register_module("decoder", decoder_);
}

// >>> encode
Var Translator::encode(const std::vector<std::vector<std::size_t>>& sources) {
  // Padded on the right with <end> (token 0); each row's encoding is the encoder's state at its own last word, so
  // a short source is read from the same zero state whatever else is in the batch.
  const std::size_t batch = sources.size();
  std::size_t steps = 0;
  for (const auto& s : sources) steps = std::max(steps, s.size());
  std::vector<std::size_t> tokens(steps * batch, 0), last(batch);
  for (std::size_t b = 0; b < batch; ++b) {
    for (std::size_t t = 0; t < sources[b].size(); ++t) tokens[t * batch + b] = sources[b][t];
    last[b] = (sources[b].size() - 1) * batch + b;  // row of the [T * B, H] states
  }
  const Var states = encoder_(embedding_.forward(tokens, {steps, batch})).output;  // [T, B, H]
  const long hidden = static_cast<long>(states.shape()[2]);
  return reshape(index_select(reshape(states, {-1, hidden}), last), {1, static_cast<long>(batch), hidden});
}
// <<< encode

Var Translator::loss(const Pairs& batch) {
  return forced_loss(decoder_, batch.targets, encode(batch.sources), start_, end_);
}

std::vector<std::vector<std::size_t>> Translator::translate(const std::vector<std::vector<std::size_t>>& sources) {
  NoGradGuard no_grad;
  std::size_t longest = 0;
  for (const auto& s : sources) longest = std::max(longest, s.size());
  return decoder_.greedy(encode(sources), start_, end_, longest + 2);
}

// ---- the experiment ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.namer_steps = 800;
    c.steps = 1200;
    c.max_length = 5;
    c.longest_test = 7;
    c.test_per_length = 100;
  }
  return c;
}

namespace {

// (b)'s training and test, shared by the lesson's pairs and a learner's: `draw` gives each training batch,
// tests[k] holds the test pairs with sources of k + 1 words (possibly none).
void train_and_test(Result& r, const Config& c, Translator& translator, const std::vector<Pairs>& tests, Rng& rng,
                    const std::function<Pairs(Rng&)>& draw, const std::vector<std::string>& source_words,
                    const std::vector<std::string>& target_words) {
  Trainer trainer(translator.parameters(), {.learning_rate = c.learning_rate, .clip = c.clip});
  Progress translating("(b) translating", c.steps);
  for (std::size_t step = 1; step <= c.steps; ++step) {
    trainer.set_learning_rate(step > 2 * c.steps / 3 ? c.learning_rate / 10 : c.learning_rate);  // settle at the end
    const double loss = trainer.step(translator.loss(draw(rng)));
    translating.update(step, loss);
  }
  std::size_t right_in_range = 0, total_in_range = 0;
  for (std::size_t k = 0; k < tests.size(); ++k) {
    if (tests[k].sources.empty()) continue;
    const std::size_t length = k + 1;
    const auto outputs = translator.translate(tests[k].sources);
    std::size_t right = 0;
    for (std::size_t i = 0; i < outputs.size(); ++i) right += outputs[i] == tests[k].targets[i];
    r.lengths.push_back(static_cast<double>(length));
    r.translation_accuracy.push_back(static_cast<double>(right) / static_cast<double>(outputs.size()));
    if (length >= c.held_out_from && length <= c.max_length) {
      right_in_range += right;
      total_in_range += outputs.size();
    }
    if (length == 3 || length == c.max_length || length == c.max_length + 2) {
      for (std::size_t i = 0; i < std::min<std::size_t>(2, outputs.size()); ++i) {
        r.examples.emplace_back(spelled(tests[k].sources[i], source_words), spelled(outputs[i], target_words));
      }
    }
  }
  r.trained_lengths_accuracy =
      total_in_range ? static_cast<double>(right_in_range) / static_cast<double>(total_in_range) : 0;
}

}  // namespace

Result experiment(const Config& c) {
  Result r;
  Rng rng(c.seed * 100 + 9);
  // (a) Hold out some numbers whose name is a composition (21..99, not a multiple of ten): the namer must write a
  // tens word and a units word it has seen, but never together.
  std::vector<std::size_t> composable, training_numbers;
  for (std::size_t n = 21; n < 100; ++n) {
    if (n % 10 != 0) composable.push_back(n);
  }
  rng.shuffle(composable);
  r.held_out.assign(composable.begin(), composable.begin() + static_cast<long>(c.held_out_share * composable.size()));
  std::sort(r.held_out.begin(), r.held_out.end());
  for (std::size_t n = 0; n < 100; ++n) {
    if (!std::binary_search(r.held_out.begin(), r.held_out.end(), n)) training_numbers.push_back(n);
  }
  Namer namer(c.namer_hidden, rng);
  Trainer namer_trainer(namer.parameters(), {.learning_rate = c.learning_rate, .clip = c.clip});
  Progress naming("(a) naming numbers", c.namer_steps);
  for (std::size_t step = 1; step <= c.namer_steps; ++step) {
    std::vector<std::size_t> batch(c.namer_batch);
    for (std::size_t& n : batch) n = training_numbers[rng.below(training_numbers.size())];
    const double loss = namer_trainer.step(namer.loss(batch));
    naming.update(step, loss);
  }
  r.held_out_names = namer.name(r.held_out);
  std::size_t named = 0;
  for (std::size_t i = 0; i < r.held_out.size(); ++i) named += r.held_out_names[i] == name_of_number(r.held_out[i]);
  r.naming_accuracy = static_cast<double>(named) / static_cast<double>(r.held_out.size());

  // (b) The test set first; training never draws one of its sources of held_out_from words or more (10^4 and more
  // possible sources: removing 200 leaves the rest). Shorter sources are too few to hold any out.
  std::vector<Pairs> tests;
  std::set<std::vector<std::size_t>> test_sources;
  for (std::size_t length = 1; length <= c.longest_test; ++length) {
    tests.push_back(data::reversed_digit_pairs(c.test_per_length, length, length, rng));
    if (length >= c.held_out_from) test_sources.insert(tests.back().sources.begin(), tests.back().sources.end());
  }
  Translator translator(number_words().size(), 10, c.embedding, c.hidden, rng);
  const auto unseen_batch = [&](Rng& draw) {
    Pairs batch;
    while (batch.sources.size() < c.batch) {
      Pairs one = data::reversed_digit_pairs(1, c.min_length, c.max_length, draw);
      if (test_sources.count(one.sources[0])) continue;  // held out
      batch.sources.push_back(one.sources[0]);
      batch.targets.push_back(one.targets[0]);
    }
    return batch;
  };
  const std::vector<std::string> digits = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
  train_and_test(r, c, translator, tests, rng, unseen_batch, number_words(), digits);
  return r;
}

Result experiment_on(const Config& c, const TextPairs& text) {
  Result r;
  Rng rng(c.seed * 100 + 9);
  std::vector<std::size_t> order(text.pairs.sources.size());
  std::iota(order.begin(), order.end(), 0);
  rng.shuffle(order);
  const std::size_t split = order.size() * 4 / 5;
  Pairs train;
  std::vector<Pairs> tests;  // by source length
  for (std::size_t k = 0; k < order.size(); ++k) {
    const auto& source = text.pairs.sources[order[k]];
    const auto& target = text.pairs.targets[order[k]];
    Pairs& into = k < split ? train : (tests.resize(std::max(tests.size(), source.size())), tests[source.size() - 1]);
    into.sources.push_back(source);
    into.targets.push_back(target);
  }
  Translator translator(text.source_words.size(), text.target_words.size(), c.embedding, c.hidden, rng);
  const auto training_batch = [&](Rng& draw) {
    Pairs batch;
    for (std::size_t i = 0; i < c.batch; ++i) {
      const std::size_t pick = draw.below(train.sources.size());
      batch.sources.push_back(train.sources[pick]);
      batch.targets.push_back(train.targets[pick]);
    }
    return batch;
  };
  train_and_test(r, c, translator, tests, rng, training_batch, text.source_words, text.target_words);
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  const std::string range = std::to_string(c.held_out_from) + "-" + std::to_string(c.max_length);
  const double longest = r.translation_accuracy.back();
  return {
      {"(a) exact names of the " + std::to_string(r.held_out.size()) + " held-out numbers", r.naming_accuracy,
       ">= 0.95", r.naming_accuracy >= 0.95},
      {"(b) exact-match accuracy on held-out sources of the trained lengths " + range, r.trained_lengths_accuracy,
       ">= 0.9", r.trained_lengths_accuracy >= 0.9},
      {"(b) exact-match accuracy at length " + std::to_string(c.longest_test) + ", beyond training", longest,
       "< accuracy on the trained lengths - 0.5", longest < r.trained_lengths_accuracy - 0.5},
  };
}

// ---- what the lesson shows ----

namespace {

// Exact-match accuracy by source length; for the built-in task (not `own` pairs), the training lengths marked.
void show_accuracy_by_length(Report& report, const Result& r, const Config& c, bool own) {
  plot::LineChart by_length{.title = "Encoder-decoder: exact-match accuracy by input length",
                            .x_label = "source length (words)",
                            .y_label = "exact-match accuracy on test sources",
                            .series = {{.name = "greedy decoding",
                                        .x = r.lengths,
                                        .y = r.translation_accuracy,
                                        .color = plot::color_of(nn::CellKind::gru),
                                        .markers = true}},
                            .y_min = 0,
                            .y_max = 1.02};
  if (!own) by_length.x_marks = {static_cast<double>(c.min_length) - 0.5, static_cast<double>(c.max_length) + 0.5};
  report.plot("accuracy_by_length.svg", by_length.svg(), {}, by_length.text(60, 10));
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  const std::vector<Setting> settings = apply_settings(options, {{"hidden", c.hidden}, {"max_length", c.max_length}});
  const bool own = !options.data.empty();
  const TextPairs pairs = own ? read_pairs(options.data) : TextPairs();
  Report report(info, options, settings);
  Result r;
  if (own) {
    report.skip("one-to-many");
    report.skip("many-to-many");
    report.say("own-pairs", {{"file", options.data},
                             {"sources", pairs.pairs.sources.size()},
                             {"source_words", pairs.source_words.size() - 1},
                             {"target_words", pairs.target_words.size()},
                             {"hidden", c.hidden},
                             {"steps", c.steps}});
    r = experiment_on(c, pairs);
  } else {
    report.skip("own-pairs");
    report.say("one-to-many", {{"namer_hidden", c.namer_hidden}, {"held_out_share", 100 * c.held_out_share}});
    report.say("many-to-many", {{"hidden", c.hidden},
                                {"min_length", c.min_length},
                                {"max_length", c.max_length},
                                {"learning_rate", c.learning_rate},
                                {"batch", c.batch},
                                {"steps", c.steps},
                                {"longest_test", c.longest_test},
                                {"held_out_from", c.held_out_from}});
    r = experiment(c);
    std::string names = "number   generated name\n";
    for (std::size_t i = 0; i < r.held_out.size(); ++i) {
      names += "  " + std::to_string(r.held_out[i]) + "     " + spelled(r.held_out_names[i], number_words()) +
               (r.held_out_names[i] == name_of_number(r.held_out[i]) ? "" : "   (wrong)") + "\n";
    }
    report.block(names);
    report.figure("(a) held-out numbers named exactly", r.naming_accuracy);
  }
  report.code("encode");
  report.code("teacher-forcing");
  report.code("greedy-decoding");

  show_accuracy_by_length(report, r, c, own);
  own ? report.skip("beyond-training-lengths")
      : report.say("beyond-training-lengths", {{"held_out_from", c.held_out_from}});
  for (std::size_t k = 0; k < r.lengths.size(); ++k) {
    report.figure("(b) length " + std::to_string(static_cast<int>(r.lengths[k])) + ": exact-match accuracy",
                  r.translation_accuracy[k]);
  }
  std::string examples = "source                                     output\n";
  for (const auto& [source, output] : r.examples) {
    examples += "  " + source + std::string(source.size() < 42 ? 42 - source.size() : 1, ' ') + output + "\n";
  }
  report.block(examples);
  report.say("the-bottleneck");
  own ? report.skip("try-next") : report.try_next();
  if (!own) report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson19
