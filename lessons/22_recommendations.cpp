// Lesson 22 — what to watch next: session-based recommendations (Hidasi, Karatzoglou, Baltrunas & Tikk 2016,
// "Session-based recommendations with recurrent neural networks", ICLR; GRU4Rec).
//
// A shop or a video site often does not know who is visiting: there is no user history, only the clicks of this
// visit. The standard answer in 2015 was item-to-item: recommend what is most often seen with the item just
// clicked (item-KNN). It looks at one click. Hidasi et al. fed the whole session, click by click, to a GRU and
// scored every item as the next click from its state:
//     h_t = GRU(embedding(item_t), h_(t-1)),     r_j = h_t . w_j + b_j      (the score of item j)
// Three things made it work on recommendation data, and this lesson builds all three:
//   - session-parallel mini-batches: 32 sessions side by side, one click each per step, a finished session's slot
//     refilled with the next one and its state reset (sessions are short and of any length; padding would waste);
//   - scores only for the mini-batch's own next items: each session's next item is its positive, the other
//     sessions' next items its negatives (popular items are sampled as often as they are clicked);
//   - ranking losses on those scores, BPR and TOP1 (autograd/ranking.cpp, gradchecked), which ask only that the
//     next item be scored above the negatives, not that a softmax over every item be right.
#include "lessons/22_recommendations.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <stdexcept>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/22_recommendations.md.hpp"
#include "lessons/22_recommendations.sources.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson22 {

const LessonInfo info = {22, "22_recommendations", narration_markdown,
                         "click sessions, one a line: the item ids in click order", source_files};

std::string name_of(Loss loss) { return loss == Loss::bpr ? "BPR" : "TOP1"; }

// ---- the model ----

SessionGRU::SessionGRU(std::size_t items, std::size_t embedding, std::size_t hidden, Rng& rng)
    : input_(items, embedding, rng), gru_(embedding, hidden, rng) {
  register_module("input", input_);
  register_module("gru", gru_);
  const real scale = real(1) / std::sqrt(static_cast<real>(hidden));
  output_ = register_parameter("output", Var(Tensor::normal({items, hidden}, 0, scale, rng)));
  output_bias_ = register_parameter("output_bias", Var(Tensor::zeros({items, 1})));
}

Var SessionGRU::step(const std::vector<std::size_t>& clicked, const Var& h) const {
  return gru_(index_select(input_.weight, clicked), h);  // index_select names an item out of range
}

Var SessionGRU::scores(const Var& h, const std::vector<std::size_t>& columns) const {
  const Var bias = reshape(index_select(output_bias_, columns), {1, -1});
  return add(matmul(h, transpose(index_select(output_, columns), 0, 1)), bias);  // [B, C]
}

Tensor SessionGRU::all_scores(const Tensor& h) const {
  NoGradGuard no_grad;
  return linear(Var(h), output_, reshape(output_bias_, {-1})).value();
}

// ---- session-parallel mini-batches ----

SessionParallel::SessionParallel(const std::vector<Session>& sessions, std::size_t batch, Rng& rng)
    : sessions_(&sessions), rng_(&rng), order_(sessions.size()) {
  if (batch == 0 || sessions.empty()) throw std::invalid_argument("SessionParallel: no sessions or no slots");
  for (std::size_t s = 0; s < sessions.size(); ++s) {
    if (sessions[s].size() < 2) {
      throw std::invalid_argument("SessionParallel: session " + std::to_string(s) + " has " +
                                  std::to_string(sessions[s].size()) + " clicks; a session needs 2 to train on");
    }
  }
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  rng.shuffle(order_);
  for (std::size_t b = 0; b < batch; ++b) {
    slot_session_.push_back(take());
    slot_position_.push_back(0);
  }
}

std::size_t SessionParallel::take() {
  if (next_session_ == order_.size()) {  // a new epoch
    rng_->shuffle(order_);
    next_session_ = 0;
  }
  return order_[next_session_++];
}

SessionParallel::Step SessionParallel::next() {
  Step step;
  for (std::size_t b = 0; b < slot_session_.size(); ++b) {
    if (slot_position_[b] + 1 >= (*sessions_)[slot_session_[b]].size()) {  // its last click was a target
      slot_session_[b] = take();
      slot_position_[b] = 0;
      step.restarted.push_back(b);
    }
    const Session& session = (*sessions_)[slot_session_[b]];
    step.clicked.push_back(session[slot_position_[b]]);
    step.next.push_back(session[slot_position_[b] + 1]);
    ++slot_position_[b];
  }
  return step;
}

// ---- the experiment ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.training_steps = 1000;
    c.evaluate_every = 200;
    c.world.test_sessions = 2000;
    c.top1_recall_at_least = 1.1;
    c.top1_mrr_at_least = 1.05;
    c.bpr_recall_at_least = 1.05;
    c.bpr_mrr_at_least = 0.95;
  }
  return c;
}

namespace {

Trained train(Loss loss, const Config& c, const Clicks& clicks, const std::vector<Session>& curve_sessions,
              Progress& progress) {
  const auto start = std::chrono::steady_clock::now();
  Trained t{.loss = loss};
  Rng rng(c.seed * 100 + (loss == Loss::bpr ? 1 : 2));
  SessionGRU model(clicks.items, c.embedding, c.hidden, rng);
  Trainer trainer(model.parameters(), {.learning_rate = c.learning_rate});
  SessionParallel batches(clicks.train, c.batch, rng);
  Tensor h = Tensor::zeros({c.batch, c.hidden});
  auto measure = [&](std::size_t step) {
    t.step.push_back(static_cast<double>(step));
    t.curve_recall.push_back(evaluate(model, curve_sessions).recall);
  };
  measure(0);
  // >>> session-parallel-step
  for (std::size_t step = 1; step <= c.training_steps; ++step) {
    const SessionParallel::Step s = batches.next();
    for (std::size_t b : s.restarted) std::fill_n(h.data() + b * c.hidden, c.hidden, real(0));
    const Var next_h = model.step(s.clicked, Var(h));
    // The columns: the mini-batch's own next items, then extra_negatives items drawn uniformly, shared by every row.
    std::vector<std::size_t> columns = s.next;
    for (std::size_t k = 0; k < c.extra_negatives; ++k) columns.push_back(rng.below(clicks.items));
    const Var scores = model.scores(next_h, columns);
    // Only a tiny data set can give a step whose every column holds the same item: nothing to rank, no update.
    double value = 0;
    if (std::any_of(columns.begin(), columns.end(), [&](std::size_t item) { return item != columns[0]; })) {
      value = trainer.step(loss == Loss::bpr ? bpr_loss(scores, s.next, columns) : top1_loss(scores, s.next, columns));
    }
    h = next_h.value();  // carried to the next step, not backpropagated through
  // <<< session-parallel-step
    progress.advance(value);
    if (step % c.evaluate_every == 0 || step == c.training_steps) measure(step);
  }
  t.test = evaluate(model, clicks.test);
  t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return t;
}

}  // namespace

Result experiment(const Config& c, const Clicks& clicks) {
  Result r;
  r.items = clicks.items;
  r.train_sessions = clicks.train.size();
  r.test_sessions = clicks.test.size();
  for (const Session& s : clicks.train) r.train_clicks += s.size();
  const std::vector<Session> curve(
      clicks.test.begin(), clicks.test.begin() + static_cast<long>(std::min(c.curve_sessions, clicks.test.size())));
  r.gru.resize(2);
  Progress progress("GRU4Rec, BPR and TOP1", 2 * c.training_steps);
  parallel_tasks(2, [&](std::size_t task) {
    r.gru[task] = train(task == 0 ? Loss::bpr : Loss::top1, c, clicks, curve, progress);
  });
  const Baselines baselines(clicks.train, clicks.items);
  r.pop = evaluate(baselines, Baselines::Kind::pop, clicks.test);
  r.session_pop = evaluate(baselines, Baselines::Kind::session_pop, clicks.test);
  r.item_knn = evaluate(baselines, Baselines::Kind::item_knn, clicks.test);
  r.pop_curve = evaluate(baselines, Baselines::Kind::pop, curve);
  r.session_pop_curve = evaluate(baselines, Baselines::Kind::session_pop, curve);
  r.item_knn_curve = evaluate(baselines, Baselines::Kind::item_knn, curve);
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  const double best_recall = std::max({r.pop.recall, r.session_pop.recall, r.item_knn.recall});
  const double best_mrr = std::max({r.pop.mrr, r.session_pop.mrr, r.item_knn.mrr});
  auto ratio = [](double measured, double bound, const std::string& text) {
    return Claim{text, measured, ">= " + plot::format_number(bound), measured >= bound};
  };
  const Trained& bpr = r.gru[0];
  const Trained& top1 = r.gru[1];
  auto gain = [](const Ranking& k) { return k.recall_by_position.back() - k.recall_by_position.front(); };
  return {
      ratio(top1.test.recall / best_recall, c.top1_recall_at_least,
            "GRU4Rec (TOP1): Recall@20 over the best baseline's"),
      ratio(top1.test.mrr / best_mrr, c.top1_mrr_at_least, "GRU4Rec (TOP1): MRR@20 over the best baseline's"),
      ratio(bpr.test.recall / best_recall, c.bpr_recall_at_least, "GRU4Rec (BPR): Recall@20 over the best baseline's"),
      ratio(bpr.test.mrr / best_mrr, c.bpr_mrr_at_least, "GRU4Rec (BPR): MRR@20 over the best baseline's"),
      ratio(gain(top1.test) - gain(r.item_knn), c.history_gain_at_least,
            "Recall@20 gained from 1 to " + std::to_string(positions_shown) +
                " or more clicks seen: GRU4Rec (TOP1)'s minus item-KNN's"),
  };
}

// ---- what the lesson shows ----

namespace {

// The paper's Table 3 (RSC15, 1000 units): the GRU's improvement over item-KNN, its best baseline.
struct PaperRow {
  double recall, mrr;
};
PaperRow paper_improvement(Loss loss) {
  return loss == Loss::bpr ? PaperRow{0.2482, 0.2047} : PaperRow{0.2253, 0.3149};
}

std::string signed_percent(double share) { return (share >= 0 ? "+" : "") + plot::percent(share); }

std::string table_of(const Result& r) {
  auto pad = [](std::string s, std::size_t width) {
    s.resize(std::max(s.size(), width), ' ');
    return s;
  };
  std::string table =
      pad("", 16) + pad("Recall@20", 11) + pad("MRR@20", 9) + pad("over item-KNN", 18) + "the paper's, over item-KNN\n";
  auto three_places = [](double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", v);
    return std::string(text);
  };
  auto row = [&](const std::string& name, const Ranking& k) {
    table += pad(name, 16) + pad(three_places(k.recall), 11) + pad(three_places(k.mrr), 9);
  };
  row("POP", r.pop);
  table += "\n";
  row("S-POP", r.session_pop);
  table += "\n";
  row("item-KNN", r.item_knn);
  table += "\n";
  for (const Trained& t : r.gru) {
    row("GRU4Rec " + name_of(t.loss), t.test);
    const PaperRow paper = paper_improvement(t.loss);
    table += pad(signed_percent(t.test.recall / r.item_knn.recall - 1) + ", " +
                     signed_percent(t.test.mrr / r.item_knn.mrr - 1),
                 18) +
             signed_percent(paper.recall) + ", " + signed_percent(paper.mrr) + "\n";
  }
  return table;
}

void show_training(Report& report, const Result& r, const Config& c) {
  plot::LineChart curves;
  curves.title = "Recall@20 on the first " + std::to_string(std::min(c.curve_sessions, r.test_sessions)) +
                 " test sessions while training";
  curves.x_label = "training step (" + std::to_string(c.batch) + " sessions side by side)";
  curves.y_label = "Recall@20";
  curves.y_min = 0;
  for (std::size_t k = 0; k < r.gru.size(); ++k) {
    curves.series.push_back({.name = "GRU4Rec, " + name_of(r.gru[k].loss),
                             .x = r.gru[k].step,
                             .y = r.gru[k].curve_recall,
                             .color = plot::color_of(nn::CellKind::gru),
                             .dashed = k > 0});
  }
  curves.reference_lines = {
      {r.item_knn_curve.recall, "item-KNN"}, {r.session_pop_curve.recall, "S-POP"}, {r.pop_curve.recall, "POP"}};
  report.plot("recall.svg", curves.svg(), {{"steps", c.training_steps}}, curves.text(60, 12));
}

void show_positions(Report& report, const Result& r) {
  plot::LineChart by_position;
  by_position.title = "Recall@20 by how many clicks of the session came before";
  by_position.x_label = "clicks seen (the last point: " + std::to_string(positions_shown) + " or more)";
  by_position.y_label = "Recall@20";
  by_position.y_min = 0;
  std::vector<double> x;
  for (std::size_t p = 1; p <= positions_shown; ++p) x.push_back(static_cast<double>(p));
  for (std::size_t k = 0; k < r.gru.size(); ++k) {
    by_position.series.push_back({.name = "GRU4Rec, " + name_of(r.gru[k].loss),
                                  .x = x,
                                  .y = r.gru[k].test.recall_by_position,
                                  .color = plot::color_of(nn::CellKind::gru),
                                  .markers = true,
                                  .dashed = k > 0});
  }
  by_position.series.push_back(
      {.name = "item-KNN", .x = x, .y = r.item_knn.recall_by_position, .color = plot::baseline_color(0),
       .markers = true});
  by_position.series.push_back(
      {.name = "S-POP", .x = x, .y = r.session_pop.recall_by_position, .color = plot::baseline_color(1),
       .markers = true});
  by_position.series.push_back(
      {.name = "POP", .x = x, .y = r.pop.recall_by_position, .color = plot::baseline_color(2), .markers = true});
  report.plot("by_position.svg", by_position.svg(), {}, by_position.text(60, 12));
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  const std::vector<Setting> settings =
      apply_settings(options, {{"extra_negatives", c.extra_negatives}, {"world.drift", c.world.drift}});
  const bool own = !options.data.empty();
  const Clicks clicks = own ? read_sessions(options.data) : make_clicks(c.world, c.seed);
  Report report(info, options, settings);
  const World& w = c.world;
  if (own) {
    report.skip("built-in-sessions");
    report.say("own-sessions", {{"file", options.data},
                                {"items", clicks.items},
                                {"train", clicks.train.size()},
                                {"test", clicks.test.size()}});
  } else {
    report.skip("own-sessions");
    report.say("built-in-sessions", {{"items", w.items()},
                                     {"genres", w.genres},
                                     {"genre_items", w.genre_items},
                                     {"hits", w.hits},
                                     {"hit_share", plot::percent(w.hit_share)},
                                     {"drift", plot::percent(w.drift)},
                                     {"mean_length", w.mean_length},
                                     {"train", clicks.train.size()},
                                     {"test", clicks.test.size()}});
  }
  report.say("model", {{"embedding", c.embedding},
                       {"hidden", c.hidden},
                       {"batch", c.batch},
                       {"steps", c.training_steps},
                       {"extra", c.extra_negatives},
                       {"learning_rate", c.learning_rate}});
  report.code("session-parallel-step");
  report.code("ranking-losses");
  const Result r = experiment(c, clicks);
  report.figure("training clicks", static_cast<double>(r.train_clicks));
  auto figures = [&](const std::string& name, const Ranking& k) {
    report.figure(name + ": Recall@20", k.recall);
    report.figure(name + ": MRR@20", k.mrr);
    report.figure(name + ": Recall@20 after 1 click", k.recall_by_position.front());
    report.figure(name + ": Recall@20 after " + std::to_string(positions_shown) + " or more",
                  k.recall_by_position.back());
  };
  figures("POP", r.pop);
  figures("S-POP", r.session_pop);
  figures("item-KNN", r.item_knn);
  for (const Trained& t : r.gru) {
    figures("GRU4Rec " + name_of(t.loss), t.test);
    report.timing("GRU4Rec " + name_of(t.loss) + ": training and measuring", t.seconds, "s");
  }
  show_training(report, r, c);
  report.say("results");
  report.block(table_of(r));
  show_positions(report, r);
  if (own) {
    report.skip("why");
    report.skip("try-next");
  } else {
    report.say("why");
    report.try_next();
    report.claims(claims(r, c));
  }
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson22
