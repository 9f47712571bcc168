#include "lessons/common/tasks/gap.hpp"

#include <algorithm>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"
#include "tensor/ops.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::gap {

Classifier::Classifier(nn::CellKind kind, Rng& rng, const Config& c, std::optional<real> forget_bias)
    : kind_(kind),
      embedding_(data::language_vocabulary().size(), c.embedding, rng),
      layer_(nn::make_recurrent(kind, c.embedding, c.hidden, rng, {}, forget_bias)),
      readout_(c.hidden, data::language_count, rng) {
  register_module("embedding", embedding_);
  register_module("rnn", *layer_);
  register_module("readout", readout_);
}

// >>> gap-classifier
Var Classifier::logits(const data::LanguageBatch& batch, std::vector<Var>* states) {
  const Var words = embedding_.forward(batch.tokens, {batch.steps, batch.batch});  // [T, B, E]
  if (!states) return readout_(select(layer_->run_sequence(words).output, 0, batch.steps - 1));
  for (nn::RecurrentState& state : nn::run_steps(kind_, layer_->weights(0), words)) {
    state.h.retain_grad();
    states->push_back(state.h);
  }
  return readout_(states->back());
}
// <<< gap-classifier

double accuracy_of(const Tensor& logits, const std::vector<std::size_t>& labels) {
  const Tensor predicted = argmax(logits, 1);
  double right = 0;
  for (std::size_t b = 0; b < labels.size(); ++b) right += static_cast<std::size_t>(predicted[b]) == labels[b];
  return right / static_cast<double>(labels.size());
}

namespace {

// One model of a sweep: trained at gaps drawn from 0..train_gap_max, or at c.gaps[trained_gap] only.
struct Job {
  std::size_t arm, seed_index, trained_gap;
  double cost;  // roughly proportional to its training time, to start the longest first
};

double gates_of(nn::CellKind kind) { return kind == nn::CellKind::lstm ? 4 : kind == nn::CellKind::gru ? 3 : 1; }

}  // namespace

std::vector<std::vector<Point>> sweeps(const std::vector<Arm>& arms, const std::string& label, std::uint64_t seed) {
  std::vector<std::vector<Point>> points(arms.size());
  std::vector<Job> jobs;
  std::size_t total_steps = 0;
  for (std::size_t a = 0; a < arms.size(); ++a) {
    const Config& c = arms[a].config;
    for (std::size_t gap : c.gaps) points[a].push_back({gap, std::vector<double>(c.seeds, 0)});
    const bool mixed = c.train_gap_max.has_value();
    for (std::size_t g = 0; g < (mixed ? 1 : c.gaps.size()); ++g) {
      // A sentence is about 8 words and the gap's fillers long; a step costs about that times the gates' width.
      const double words = 8.0 + (mixed ? static_cast<double>(*c.train_gap_max) / 2 : static_cast<double>(c.gaps[g]));
      for (std::size_t s = 0; s < c.seeds; ++s) {
        jobs.push_back({a, s, g, static_cast<double>(c.steps) * words * gates_of(arms[a].kind) * static_cast<double>(c.hidden)});
        total_steps += c.steps;
      }
    }
  }
  std::stable_sort(jobs.begin(), jobs.end(), [](const Job& x, const Job& y) { return x.cost > y.cost; });
  Progress progress(label, total_steps);
  // Every model is an independent task with its own Rng, so the runs share the cores and give the same
  // numbers however they are scheduled.
  parallel_tasks(jobs.size(), [&](std::size_t task) {
    const Job& job = jobs[task];
    const Arm& arm = arms[job.arm];
    const Config& c = arm.config;
    const bool mixed = c.train_gap_max.has_value();
    Rng rng(seed * 1000 + job.seed_index);
    Classifier model(arm.kind, rng, c, arm.forget_bias);
    Trainer trainer(model.parameters(), {.learning_rate = c.learning_rate, .clip = c.clip});
    for (std::size_t step = 0; step < c.steps; ++step) {
      const std::size_t gap = mixed ? rng.below(*c.train_gap_max + 1) : c.gaps[job.trained_gap];
      const data::LanguageBatch batch = data::language_batch(gap, c.batch, rng);
      progress.advance(trainer.step(cross_entropy(model.logits(batch), batch.labels)));
    }
    NoGradGuard no_grad;
    for (std::size_t k = 0; k < c.gaps.size(); ++k) {
      if (!mixed && k != job.trained_gap) continue;
      const data::LanguageBatch test = data::language_batch(c.gaps[k], c.test_sentences, rng);
      points[job.arm][k].accuracy[job.seed_index] = accuracy_of(model.logits(test).value(), test.labels);
    }
  });
  return points;
}

std::vector<Point> sweep(const Config& c, nn::CellKind kind, const std::string& label, std::uint64_t seed,
                         std::optional<real> forget_bias) {
  return sweeps({{c, kind, forget_bias}}, label, seed).front();
}

}  // namespace rnnlab::lessons::gap
