// Lesson 23 — attention: learning to align (Bahdanau, Cho & Bengio 2014, "Neural machine translation by jointly
// learning to align and translate"; Luong, Pham & Manning 2015).
//
// Lesson 19's encoder-decoder squeezes the whole source into the encoder's last state, one vector of a fixed size,
// and the decoder must unpack every word of the answer from it. Cho et al. (2014) saw their translations worsen
// as sentences grew longer; Bahdanau, Cho and Bengio asked the decoder to look back instead. At output step i it
// scores every encoder state h_j against its own state s_(i-1) with a small network,
//     e_ij = v . tanh(W s_(i-1) + U h_j),      a_ij = softmax over j of e_ij,      c_i = sum_j a_ij h_j,
// and reads the context c_i beside the previous word. The weights a_ij are an alignment the network learns for
// itself, with no one telling it which source word goes with which output: the gradient of the loss flows through
// the softmax into v, W and U like any other. Every piece is an op already gradchecked (linear, tanh, softmax,
// mul, sum, concat), so the lesson builds attention from them, as written above.
#include "lessons/23_attention.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/23_attention.md.hpp"
#include "lessons/23_attention.sources.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson23 {

const LessonInfo info = {23, "23_attention", narration_markdown, nullptr, source_files};

// ---- the translators ----

Translator::Translator(std::size_t embedding, std::size_t hidden, bool bidirectional, std::size_t decoder_input,
                       std::size_t readout_input, Rng& rng)
    : source_embedding_(source_vocabulary, embedding, rng),
      target_embedding_(target_vocabulary, embedding, rng),
      encoder_(embedding, hidden, rng, {.bidirectional = bidirectional}),
      decoder_(decoder_input, hidden, rng),
      readout_(readout_input, target_vocabulary, rng) {
  register_module("source_embedding", source_embedding_);
  register_module("target_embedding", target_embedding_);
  register_module("encoder", encoder_);
  register_module("decoder", decoder_);
  register_module("readout", readout_);
}

Var Translator::encode(const std::vector<std::vector<std::size_t>>& sources) {
  if (sources.empty() || sources[0].empty()) throw std::invalid_argument("Translator: no sources, or an empty one");
  const std::size_t steps = sources[0].size(), batch = sources.size();
  std::vector<std::size_t> tokens(steps * batch);
  for (std::size_t b = 0; b < batch; ++b) {
    if (sources[b].size() != steps) {
      throw std::invalid_argument("Translator: a batch's sources must have one length, got " + std::to_string(steps) +
                                  " and " + std::to_string(sources[b].size()));
    }
    for (std::size_t t = 0; t < steps; ++t) tokens[t * batch + b] = sources[b][t];
  }
  return encoder_(source_embedding_.forward(tokens, {steps, batch})).output;  // [T, B, H] or [T, B, 2H]
}

Var Translator::loss(const data::SequencePairs& batch) {
  const Var states = encode(batch.sources);
  const Encoded encoded = encode_for_attention(states);
  const std::size_t steps = states.shape()[0], rows = batch.targets.size();
  Var state = initial_state(states);
  std::vector<std::size_t> previous(rows, digit_start);
  Var total;
  for (std::size_t i = 0; i <= steps; ++i) {  // the digits, then <end>
    std::vector<std::size_t> expected(rows);
    for (std::size_t b = 0; b < rows; ++b) expected[b] = i < steps ? batch.targets[b][i] : digit_end;
    const Var step_loss = cross_entropy(step(previous, state, encoded, nullptr), expected);
    total = total ? add(total, step_loss) : step_loss;
    previous = expected;  // teacher forcing: the next step is fed the true digit
  }
  return mul(total, constant(real(1) / static_cast<real>(steps + 1)));
}

std::vector<std::vector<std::size_t>> Translator::translate(const std::vector<std::vector<std::size_t>>& sources,
                                                            std::vector<std::vector<std::vector<double>>>* alignments) {
  NoGradGuard no_grad;
  const Var states = encode(sources);
  const Encoded encoded = encode_for_attention(states);
  const std::size_t steps = states.shape()[0], rows = sources.size();
  Var state = initial_state(states);
  std::vector<std::size_t> previous(rows, digit_start);
  std::vector<std::vector<std::size_t>> out(rows);
  std::vector<bool> done(rows, false);
  if (alignments) alignments->assign(rows, {});
  for (std::size_t i = 0; i < steps + 2 && std::count(done.begin(), done.end(), false) > 0; ++i) {
    Tensor weights;
    const Tensor logits = step(previous, state, encoded, alignments ? &weights : nullptr).value();  // [B, V]
    for (std::size_t b = 0; b < rows; ++b) {
      const real* row = logits.data() + b * target_vocabulary;
      previous[b] = static_cast<std::size_t>(std::max_element(row, row + target_vocabulary) - row);
      if (done[b]) continue;
      done[b] = previous[b] == digit_end;
      if (done[b]) continue;
      out[b].push_back(previous[b]);
      if (alignments && weights.size() > 0) {  // [T, B]
        std::vector<double> a(steps);
        for (std::size_t j = 0; j < steps; ++j) a[j] = weights.data()[j * rows + b];
        (*alignments)[b].push_back(std::move(a));
      }
    }
  }
  return out;
}

PlainTranslator::PlainTranslator(std::size_t embedding, std::size_t hidden, Rng& rng)
    : Translator(embedding, hidden, false, embedding, hidden, rng) {}

Translator::Encoded PlainTranslator::encode_for_attention(const Var& states) { return {states, Var()}; }

Var PlainTranslator::initial_state(const Var& states) { return select(states, 0, states.shape()[0] - 1); }

Var PlainTranslator::step(const std::vector<std::size_t>& previous, Var& state, const Encoded&, Tensor*) {
  state = decoder_(target_embedding_.forward(previous), state);
  return readout_.forward(state);
}

AttentionTranslator::AttentionTranslator(std::size_t embedding, std::size_t hidden, std::size_t attention, Rng& rng)
    : Translator(embedding, hidden, true, embedding + 2 * hidden, 3 * hidden, rng),
      query_(hidden, attention, rng),
      key_(2 * hidden, attention, rng, false) {
  register_module("query", query_);
  register_module("key", key_);
  const real bound = real(1) / std::sqrt(static_cast<real>(attention));  // as nn::Linear initializes
  score_ = register_parameter("score", Var(Tensor::uniform({attention}, -bound, bound, rng)));
}

Translator::Encoded AttentionTranslator::encode_for_attention(const Var& states) {
  return {states, key_.forward(states)};  // U h_j for every j, once per source: [T, B, A]
}

Var AttentionTranslator::initial_state(const Var& states) {
  const std::size_t hidden = states.shape()[2] / 2;
  return slice(select(states, 0, 0), 1, hidden, 2 * hidden);  // the backward direction, after the first word
}

// >>> attention-step
Var AttentionTranslator::step(const std::vector<std::size_t>& previous, Var& state, const Encoded& encoded,
                              Tensor* weights) {
  // c = sum_j a_j h_j with a = softmax(v . tanh(W s + b + U h_j)): additive_attention is that composition of
  // linear, tanh, softmax, mul and sum in one node (tested equal to it, autograd/attention.cpp).
  const Var context = additive_attention(encoded.keys, query_.forward(state), score_, encoded.states, weights);
  state = decoder_(concat({target_embedding_.forward(previous), context}, 1), state);
  return readout_.forward(concat({state, context}, 1));
}
// <<< attention-step

// ---- the experiment ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.steps = 1000;
    c.max_length = 12;
    c.long_from = 9;
    c.test_per_length = 50;
  }
  return c;
}

namespace {

Run train(Translator& model, const std::string& name, const TestSet& t, const Config& c, Progress& progress) {
  Run run{.name = name};
  for (const Var& p : model.parameters()) run.parameters += p.value().size();
  Rng rng(c.seed * 100 + 1);  // both translators see the same batches
  Trainer trainer(model.parameters(), {.learning_rate = c.learning_rate, .clip = c.clip});
  double training_seconds = 0;
  for (std::size_t step = 1; step <= c.steps; ++step) {
    // A tenth of the learning rate for the last third, to settle: at the full rate a run could still leap out of
    // what it had learned in its last steps (quick run, seed 0, AVX-512 kernels: the attention model's loss rose
    // from 0.004 to 5, and it ended aligning nothing).
    trainer.set_learning_rate(step > 2 * c.steps / 3 ? c.learning_rate / 10 : c.learning_rate);
    const std::size_t length = c.min_length + rng.below(c.max_length - c.min_length + 1);
    const auto start = std::chrono::steady_clock::now();
    const double loss = trainer.step(model.loss(data::reversed_digit_pairs(c.batch, length, length, rng)));
    training_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.advance(loss);
  }
  run.seconds_per_step = training_seconds / static_cast<double>(c.steps);
  for (const data::SequencePairs& p : t.by_length) {
    const auto [exact, tokens] = score(model.translate(p.sources), p.targets);
    run.test.exact.push_back(exact);
    run.test.tokens.push_back(tokens);
  }
  return run;
}

}  // namespace

Result experiment(const Config& c) {
  Result r;
  const TestSet t = test_set(c);
  Rng plain_rng(c.seed * 100 + 2), attention_rng(c.seed * 100 + 3);
  PlainTranslator plain(c.embedding, c.plain_hidden, plain_rng);
  AttentionTranslator attention(c.embedding, c.attention_hidden, c.attention_size, attention_rng);
  Progress progress("plain and attention", 2 * c.steps);
  parallel_tasks(2, [&](std::size_t task) {
    if (task == 0) r.plain = train(plain, "encoder-decoder", t, c, progress);
    if (task == 1) r.attention = train(attention, "with attention", t, c, progress);
  });
  // Where attention looks: on every long test source, the weight on the aligned word and its two neighbours (a
  // bidirectional state at word j also holds its neighbours, and the weight spreads over them).
  double mass = 0, chance = 0, counted = 0;
  for (std::size_t length = c.long_from; length <= c.max_length; ++length) {
    const data::SequencePairs& p = t.by_length[length - c.min_length];
    std::vector<std::vector<std::vector<double>>> maps;
    (void)attention.translate(p.sources, &maps);
    for (const auto& map : maps) {
      for (std::size_t i = 0; i < std::min(map.size(), length); ++i) {
        const std::size_t aligned = length - 1 - i, first = aligned == 0 ? 0 : aligned - 1,
                          last = std::min(aligned + 1, length - 1);
        for (std::size_t j = first; j <= last; ++j) mass += map[i][j];
        chance += static_cast<double>(last - first + 1) / static_cast<double>(length);
        counted += 1;
      }
    }
  }
  r.aligned_mass = mass / std::max(counted, 1.0);
  r.chance_mass = chance / std::max(counted, 1.0);
  for (std::size_t length : {std::size_t{6}, (c.min_length + c.max_length) / 2 + 2, c.max_length}) {
    const data::SequencePairs& p = t.by_length[length - c.min_length];
    std::vector<std::vector<std::vector<double>>> maps;
    r.map_outputs.push_back(attention.translate({p.sources[0]}, &maps)[0]);
    r.maps.push_back(maps[0]);
    r.map_sources.push_back(p.sources[0]);
  }
  r.plain_seconds = decoding_seconds(plain, t);
  r.attention_seconds = decoding_seconds(attention, t);
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  auto long_mean = [&](const std::vector<double>& by_length) {
    double total = 0;
    for (std::size_t length = c.long_from; length <= c.max_length; ++length) total += by_length[length - c.min_length];
    return total / static_cast<double>(c.max_length - c.long_from + 1);
  };
  const std::string lengths = " (lengths " + std::to_string(c.long_from) + "-" + std::to_string(c.max_length) + ")";
  const double margin = long_mean(r.attention.test.tokens) - long_mean(r.plain.test.tokens);
  const double size_ratio = static_cast<double>(r.plain.parameters) / static_cast<double>(r.attention.parameters);
  return {
      {"long sources" + lengths + ": digit accuracy with attention minus without", margin,
       ">= " + plot::format_number(c.long_token_margin), margin >= c.long_token_margin},
      {"the encoder-decoder's parameters over the attention model's (comparable size)", size_ratio, "0.9 to 1.1",
       size_ratio >= 0.9 && size_ratio <= 1.1},
      {"attention's mean weight on the aligned source word and its neighbours" + lengths, r.aligned_mass,
       ">= " + plot::format_number(c.aligned_mass_at_least), r.aligned_mass >= c.aligned_mass_at_least},
  };
}

// ---- what the lesson shows ----

namespace {

std::vector<double> lengths_of(const Config& c) {
  std::vector<double> x;
  for (std::size_t length = c.min_length; length <= c.max_length; ++length) x.push_back(static_cast<double>(length));
  return x;
}

void show_accuracy(Report& report, const Result& r, const Config& c) {
  plot::LineChart chart;
  chart.title = "Answers by source length (the paper's Fig. 2 look)";
  chart.x_label = "source length (words)";
  chart.y_label = "share right";
  chart.y_min = 0;
  chart.y_max = 1;
  const std::vector<double> x = lengths_of(c);
  const std::string plain_color = plot::palette()[3], attention_color = plot::color_of(nn::CellKind::gru);
  chart.series.push_back({.name = "encoder-decoder: digits", .x = x, .y = r.plain.test.tokens, .color = plain_color});
  chart.series.push_back({.name = "encoder-decoder: whole answers",
                          .x = x,
                          .y = r.plain.test.exact,
                          .color = plain_color,
                          .dashed = true});
  chart.series.push_back(
      {.name = "with attention: digits", .x = x, .y = r.attention.test.tokens, .color = attention_color});
  chart.series.push_back({.name = "with attention: whole answers",
                          .x = x,
                          .y = r.attention.test.exact,
                          .color = attention_color,
                          .dashed = true});
  report.plot("accuracy_by_length.svg", chart.svg(), {}, chart.text(60, 12));
}

void show_maps(Report& report, const Result& r) {
  static const char* words[] = {"", "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
  for (std::size_t k = 0; k < r.maps.size(); ++k) {
    const auto& map = r.maps[k];
    const std::vector<std::size_t>& source = r.map_sources[k];
    plot::HeatMap h;
    h.title = "Where the decoder looks: " + std::to_string(source.size()) + " words";
    h.x_label = "source word";
    h.y_label = "output step: the digit written (first at the top)";
    h.value_label = "attention weight";
    h.rows = map.size();
    h.cols = source.size();
    for (std::size_t i = map.size(); i-- > 0;) {  // row 0 is drawn at the bottom: the last output step
      h.values.insert(h.values.end(), map[i].begin(), map[i].end());
      h.row_labels.push_back("step " + std::to_string(i + 1) + ": " + std::to_string(r.map_outputs[k][i]));
    }
    for (std::size_t j = 0; j < source.size(); ++j) h.x_labels.push_back({static_cast<double>(j), words[source[j]]});
    h.x_first = 0;
    h.x_last = static_cast<double>(source.size() - 1);
    report.plot("attention_" + std::to_string(k + 1) + ".svg", h.svg());
  }
}

// The sequential cost: milliseconds to translate one source, by its length (timings: they vary from run to run).
void show_decoding(Report& report, const Result& r, const Config& c) {
  plot::LineChart chart;
  chart.title = "Translating one source, word by word: the time by length";
  chart.x_label = "source length (words)";
  chart.y_label = "ms per source (greedy, in batches)";
  chart.y_min = 0;
  const std::vector<double> x = lengths_of(c);
  std::vector<double> plain, attention;
  for (std::size_t k = 0; k < x.size(); ++k) {
    plain.push_back(1e3 * r.plain_seconds[k]);
    attention.push_back(1e3 * r.attention_seconds[k]);
  }
  chart.series.push_back({.name = "encoder-decoder", .x = x, .y = plain, .color = plot::palette()[3], .markers = true});
  chart.series.push_back(
      {.name = "with attention", .x = x, .y = attention, .color = plot::color_of(nn::CellKind::gru), .markers = true});
  report.plot("decoding_time.svg", chart.svg(), {}, chart.text(60, 10));
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  const std::vector<Setting> settings =
      apply_settings(options, {{"attention_size", c.attention_size}, {"plain_hidden", c.plain_hidden}});
  Report report(info, options, settings);
  report.say("task", {{"min_length", c.min_length}, {"max_length", c.max_length}});
  const Result r = experiment(c);
  report.say("models", {{"plain_hidden", c.plain_hidden},
                        {"plain_parameters", r.plain.parameters},
                        {"attention_hidden", c.attention_hidden},
                        {"attention_size", c.attention_size},
                        {"attention_parameters", r.attention.parameters},
                        {"steps", c.steps},
                        {"batch", c.batch}});
  report.code("attention-step");
  report.code("additive-attention");
  show_accuracy(report, r, c);
  for (std::size_t length = c.min_length; length <= c.max_length; length += (length < 5 ? 4 : 5)) {
    report.figure("length " + std::to_string(length) + ": encoder-decoder digits right",
                  r.plain.test.tokens[length - c.min_length]);
    report.figure("length " + std::to_string(length) + ": with attention, digits right",
                  r.attention.test.tokens[length - c.min_length]);
  }
  report.figure("attention's weight on the aligned word and its neighbours, long sources", r.aligned_mass);
  report.figure("the same by chance (3 / length)", r.chance_mass);
  report.say("alignment",
             {{"aligned_mass", plot::percent(r.aligned_mass)}, {"chance_mass", plot::percent(r.chance_mass)}});
  show_maps(report, r);
  show_decoding(report, r, c);
  const std::size_t longest = c.max_length - c.min_length;
  report.timing("encoder-decoder: training step", 1e3 * r.plain.seconds_per_step, "ms");
  report.timing("with attention: training step", 1e3 * r.attention.seconds_per_step, "ms");
  report.timing("with attention: decoding a source of " + std::to_string(c.max_length) + " words",
                1e3 * r.attention_seconds[longest], "ms");
  report.timing("encoder-decoder: decoding a source of " + std::to_string(c.max_length) + " words",
                1e3 * r.plain_seconds[longest], "ms");
  report.say("what-next", {{"longest", c.max_length},
                           {"plain_step", plot::format_number(1e3 * r.plain.seconds_per_step)},
                           {"attention_step", plot::format_number(1e3 * r.attention.seconds_per_step)}});
  report.try_next();
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson23
