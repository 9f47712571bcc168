#include "lessons/common/tasks/gap.hpp"

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

Var Classifier::logits(const data::LanguageBatch& batch, std::vector<Var>* states) {
  const Var words = embedding_.forward(batch.tokens, {batch.steps, batch.batch});  // [T, B, E]
  if (!states) return readout_(select(layer_->run_sequence(words).output, 0, batch.steps - 1));
  for (nn::RecurrentState& state : nn::run_steps(kind_, layer_->weights(0), words)) {
    state.h.retain_grad();
    states->push_back(state.h);
  }
  return readout_(states->back());
}

double accuracy_of(const Tensor& logits, const std::vector<std::size_t>& labels) {
  const Tensor predicted = argmax(logits, 1);
  double right = 0;
  for (std::size_t b = 0; b < labels.size(); ++b) right += static_cast<std::size_t>(predicted[b]) == labels[b];
  return right / static_cast<double>(labels.size());
}

std::vector<Point> sweep(const Config& c, nn::CellKind kind, const std::string& label, std::uint64_t seed,
                         std::optional<real> forget_bias) {
  const bool mixed = c.train_gap_max.has_value();
  const std::size_t models = (mixed ? 1 : c.gaps.size()) * c.seeds;
  std::vector<Point> points;
  for (std::size_t gap : c.gaps) points.push_back({gap, std::vector<double>(c.seeds, 0)});
  Progress progress(label, models * c.steps);
  // Every model is an independent task with its own Rng, so the runs share the cores and give the same
  // numbers however they are scheduled.
  parallel_tasks(models, [&](std::size_t task) {
    const std::size_t s = task % c.seeds, trained_gap = task / c.seeds;  // trained_gap: an index into c.gaps
    Rng rng(seed * 1000 + s);
    Classifier model(kind, rng, c, forget_bias);
    Trainer trainer(model.parameters(), {.learning_rate = c.learning_rate, .clip = c.clip});
    for (std::size_t step = 0; step < c.steps; ++step) {
      const std::size_t gap = mixed ? rng.below(*c.train_gap_max + 1) : c.gaps[trained_gap];
      const data::LanguageBatch batch = data::language_batch(gap, c.batch, rng);
      progress.advance(trainer.step(cross_entropy(model.logits(batch), batch.labels)));
    }
    NoGradGuard no_grad;
    for (std::size_t k = 0; k < c.gaps.size(); ++k) {
      if (!mixed && k != trained_gap) continue;
      const data::LanguageBatch test = data::language_batch(c.gaps[k], c.test_sentences, rng);
      points[k].accuracy[s] = accuracy_of(model.logits(test).value(), test.labels);
    }
  });
  return points;
}

}  // namespace rnnlab::lessons::gap
