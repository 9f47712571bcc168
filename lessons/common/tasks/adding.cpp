#include "lessons/common/tasks/adding.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/train.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::adding {

double baseline_mse(data::AddingForm form) {
  // le_2015: Var(X1 + X2) = 2 / 12. hochreiter_1997: Var(0.5 + (X1 + X2) / 4) = (2 / 3) / 16.
  return form == data::AddingForm::le_2015 ? 1.0 / 6 : 1.0 / 24;
}

Model::Model(nn::CellKind kind, std::size_t hidden, Rng& rng, std::optional<real> forget_bias)
    : kind_(kind), layer_(nn::make_recurrent(kind, 2, hidden, rng, {}, forget_bias)), readout_(hidden, 1, rng) {
  register_module("rnn", *layer_);
  register_module("readout", readout_);
}

Var Model::forward(const Var& x) {
  const Var output = layer_->run_sequence(x).output;
  return readout_.forward(select(output, 0, x.shape()[0] - 1));  // read the answer from the last state
}

Var Model::forward_by_steps(const Var& x, bool fused) {
  return readout_.forward(nn::run_steps(kind_, weights(), x, fused).back().h);
}

Run train(Model& model, const Config& c, Rng& rng, Progress* progress) {
  const data::AddingBatch test = data::adding_batch(c.steps, c.test_sequences, rng, c.form);
  Run run;
  run.parameters = model.num_parameters();
  auto evaluate = [&](std::size_t step) {
    NoGradGuard no_grad;
    run.step.push_back(static_cast<double>(step));
    run.test_mse.push_back(mse_loss(model.forward(Var(test.inputs)), Var(test.targets)).item());
  };
  // >>> adding-training
  Trainer trainer(model.parameters(), {.learning_rate = c.learning_rate, .clip = c.clip});
  double training_seconds = 0;
  evaluate(0);
  for (std::size_t step = 1; step <= c.training_steps; ++step) {
    const data::AddingBatch batch = data::adding_batch(c.steps, c.batch, rng, c.form);
    const auto start = std::chrono::steady_clock::now();
    const double loss = trainer.step(mse_loss(model.forward(Var(batch.inputs)), Var(batch.targets)));
    training_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (progress) progress->advance(loss);
    if (step % c.evaluate_every == 0 || step == c.training_steps) evaluate(step);
  }
  // <<< adding-training
  run.final_mse = run.test_mse.back();
  run.seconds_per_step = training_seconds / static_cast<double>(c.training_steps);
  return run;
}

std::vector<Trained> train_jobs(const std::vector<Job>& jobs, const std::string& label) {
  // A run costs about its steps times T times the recurrent product's width (gates x H): start the longest runs
  // first, so that no core waits alone for one at the end.
  auto cost = [](const Job& job) {
    const double gates = job.kind == nn::CellKind::lstm ? 4 : job.kind == nn::CellKind::gru ? 3 : 1;
    return static_cast<double>(job.config.training_steps * job.config.steps) * gates * static_cast<double>(job.hidden);
  };
  std::vector<std::size_t> order(jobs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return cost(jobs[a]) > cost(jobs[b]); });
  std::size_t total_steps = 0;
  for (const Job& job : jobs) total_steps += job.config.training_steps;
  std::vector<Trained> out(jobs.size());
  Progress progress(label, total_steps);
  parallel_tasks(jobs.size(), [&](std::size_t task) {
    const Job& job = jobs[order[task]];
    Rng rng(job.seed);
    auto model = std::make_shared<Model>(job.kind, job.hidden, rng, job.forget_bias);
    const Run run = train(*model, job.config, rng, &progress);
    out[order[task]] = {job, model, run};
  });
  return out;
}

}  // namespace rnnlab::lessons::adding
