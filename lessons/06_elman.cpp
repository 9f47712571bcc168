// Lesson 06 — Elman's simple recurrent network (SRN) and backpropagation through time (BPTT).
//
// Elman (1990, "Finding structure in time") gave the network a memory of its own making: "context units" that
// hold a copy of the hidden layer from the previous step and feed it back in with the next input,
//     h_t = tanh(W_ih x_t + W_hh h_{t-1} + b),     y_t = sigmoid(W_ho h_t + c).
// Unlike Jordan's (lesson 05) the state is the hidden layer, so the network decides what to remember. Elman
// trained it by ordinary backprop at each step, treating the context as just another input: no gradient flows
// back through h_{t-1}. Backpropagation through time (Rumelhart, Hinton & Williams 1986; Werbos 1990) unrolls
// the loop over a whole window and sends the error back through every step; in rnnlab that is the default,
// since backward() runs through the unrolled graph, and Elman's version is truncation after one step
// (nn::unroll(cell, x, h, 1)).
//
// The task is lesson 03's temporal XOR, where window nets failed. Elman's Fig. 3 shows the SRN's error over 12
// consecutive steps dipping at every third bit: the network has learned where in the triple it is.
#include "lessons/06_elman.hpp"

#include <cmath>
#include <string>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/06_elman.md.hpp"
#include "lessons/06_elman.sources.hpp"
#include "lessons/common/data.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/train.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson06 {

const LessonInfo info = {6, "06_elman", narration_markdown, nullptr, source_files};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.seeds = 2;
    c.steps = 1000;
  }
  return c;
}

namespace {

// >>> simple-recurrent-net
// 1 input -> hidden tanh units with context -> 1 sigmoid output.
struct SimpleRecurrentNet : nn::Module {
  SimpleRecurrentNet(std::size_t hidden, Rng& rng) : cell(1, hidden, rng), output(hidden, 1, rng) {
    register_module("cell", cell);
    register_module("output", output);
  }
  // bits [T, B, 1] -> predictions of the next bit [T, B, 1]; truncate = 1 is Elman's training, 0 full BPTT.
  Var operator()(const Var& bits, std::size_t truncate) {
    const Var h0(Tensor::zeros({bits.shape()[1], cell.hidden_size()}));
    return sigmoid(output(nn::unroll(cell, bits, h0, truncate)));
  }
  nn::RNNCell cell;
  nn::Linear output;
};
// <<< simple-recurrent-net

Run train_and_test(Training training, std::uint64_t seed, const std::vector<int>& train, const std::vector<int>& test,
                   const Config& c, Progress& progress) {
  Rng rng(seed);
  SimpleRecurrentNet net(c.hidden, rng);
  Trainer trainer(net.parameters(), {.learning_rate = c.learning_rate});
  const std::size_t truncate = training == Training::elman_copy ? 1 : 0;
  Tensor inputs({c.window, c.batch, 1}), targets({c.window, c.batch, 1});
  for (std::size_t step = 1; step <= c.steps; ++step) {
    // A batch of windows starting anywhere in the stream (so at any phase): bits s .. s+23 predict s+1 .. s+24.
    for (std::size_t b = 0; b < c.batch; ++b) {
      const std::size_t start = rng.below(train.size() - c.window);
      for (std::size_t t = 0; t < c.window; ++t) {
        inputs[t * c.batch + b] = train[start + t];
        targets[t * c.batch + b] = train[start + t + 1];
      }
    }
    const double loss = trainer.step(mse_loss(net(Var(inputs), truncate), Var(targets)));
    progress.advance(loss);
  }

  // Test: one pass over the fresh stream, the state carried from the first bit to the last.
  NoGradGuard no_grad;
  Tensor stream({test.size() - 1, 1, 1});
  for (std::size_t t = 0; t + 1 < test.size(); ++t) stream[t] = test[t];
  const Tensor predicted = net(Var(stream), 0).value();
  Run run;
  run.training = training;
  run.seed = seed;
  double error[3] = {0, 0, 0}, count[3] = {0, 0, 0}, by_position[12] = {}, in_position[12] = {};
  for (std::size_t t = 0; t + 1 < test.size(); ++t) {
    const std::size_t target = t + 1;  // the position of the predicted bit in the stream
    const double d = predicted[t] - test[target];
    error[target % 3] += d * d;
    count[target % 3] += 1;
    by_position[target % 12] += d * d;
    in_position[target % 12] += 1;
  }
  for (int p = 0; p < 3; ++p) run.mse_by_phase[p] = error[p] / count[p];
  for (int p = 0; p < 12; ++p) run.rms_by_position.push_back(std::sqrt(by_position[p] / in_position[p]));
  return run;
}

double unpredictable(const Run& r) { return (r.mse_by_phase[0] + r.mse_by_phase[1]) / 2; }

}  // namespace

Result experiment(const Config& c) {
  Rng data_rng(c.seed);  // the same streams as lesson 03 for the same seed
  const std::vector<int> train = data::temporal_xor(c.train_bits, data_rng);
  const std::vector<int> test = data::temporal_xor(c.test_bits, data_rng);
  Result r;
  Progress progress("SRNs", 2 * c.seeds * c.steps);
  r.runs.resize(2 * c.seeds);  // BPTT's seeds, then Elman's copy-back's: side by side on the cores
  parallel_tasks(r.runs.size(), [&](std::size_t k) {
    const Training training = k < c.seeds ? Training::bptt : Training::elman_copy;
    r.runs[k] = train_and_test(training, c.seed * 100 + k % c.seeds, train, test, c, progress);
  });
  // What lesson 03's window nets reach (its claims check they do): the best any predictor of the last k bits can.
  for (std::size_t k = 1; k <= 2; ++k) {
    for (int p = 0; p < 12; ++p) r.window_rms[k - 1].push_back(std::sqrt(data::temporal_xor_best_mse(k, p % 3)));
  }
  return r;
}

std::vector<Claim> claims(const Result& r) {
  std::size_t bptt = 0, bptt_good = 0, elman = 0, elman_good = 0;
  double worst_predictable = 0, worst_other = 0, elman_ratio = 0;
  for (const Run& run : r.runs) {
    if (run.training == Training::bptt) {
      ++bptt;
      const bool predictable = run.mse_by_phase[2] < 0.05;
      const bool others = std::abs(run.mse_by_phase[0] - 0.25) <= 0.03 && std::abs(run.mse_by_phase[1] - 0.25) <= 0.03;
      bptt_good += predictable && others;
      worst_predictable = std::max(worst_predictable, run.mse_by_phase[2]);
      worst_other = std::max({worst_other, std::abs(run.mse_by_phase[0] - 0.25), std::abs(run.mse_by_phase[1] - 0.25)});
    } else {
      ++elman;
      const double ratio = run.mse_by_phase[2] / unpredictable(run);
      elman_good += ratio < 0.8;
      elman_ratio = std::max(elman_ratio, ratio);
    }
  }
  return {
      {"BPTT: seeds with XOR-bit MSE < 0.05 and the other bits at 0.25 +- 0.03, of " + std::to_string(bptt),
       static_cast<double>(bptt_good), "= all", bptt > 0 && bptt_good == bptt},
      {"BPTT: largest test MSE at the XOR bit over the seeds", worst_predictable, "< 0.05", worst_predictable < 0.05},
      {"BPTT: largest |MSE - 0.25| at the unpredictable bits", worst_other, "<= 0.03", worst_other <= 0.03},
      {"Elman's one-step training: largest ratio of XOR-bit MSE to the other bits' MSE", elman_ratio, "< 0.8",
       elman > 0 && elman_good == elman},
  };
}

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  Report report(info, options, apply_settings(options, {{"hidden", c.hidden}, {"window", c.window}}));
  report.say("the-elman-net", {{"hidden", c.hidden},
                               {"window", c.window},
                               {"batch", c.batch},
                               {"steps", c.steps},
                               {"seeds", c.seeds},
                               {"test_bits", c.test_bits}});
  report.code("simple-recurrent-net");
  report.code("unroll");
  const Result r = experiment(c);

  for (const Run& run : r.runs) {
    report.figure(std::string(run.training == Training::bptt ? "BPTT" : "Elman's training") + ", seed " +
                      std::to_string(run.seed) + ": test MSE at the XOR bit",
                  run.mse_by_phase[2]);
  }
  std::string table = "                        position in the triple:   1st (coin)   2nd (coin)   3rd = XOR\n";
  for (const Run& run : r.runs) {
    char line[160];
    std::snprintf(line, sizeof line, "  %-16s seed %-3llu                  %.4f       %.4f       %.4f\n",
                  run.training == Training::bptt ? "BPTT" : "Elman's training", static_cast<unsigned long long>(run.seed),
                  run.mse_by_phase[0], run.mse_by_phase[1], run.mse_by_phase[2]);
    table += line;
  }
  report.block(table);

  plot::LineChart rms;
  rms.title = "Error over 12 consecutive steps (after Elman 1990, Fig. 3)";
  rms.x_label = "position in the stream (every third is the XOR bit)";
  rms.y_label = "RMS error on the test stream";
  rms.y_min = 0;
  rms.y_max = 0.6;
  auto line_of = [](const std::string& name, const std::vector<double>& values, bool dashed) {
    plot::Series s{.name = name, .y = values, .markers = true, .dashed = dashed};
    for (std::size_t i = 0; i < values.size(); ++i) s.x.push_back(static_cast<double>(i + 1));
    return s;
  };
  for (Training training : {Training::bptt, Training::elman_copy}) {
    for (const Run& run : r.runs) {
      if (run.training == training) {
        rms.series.push_back(line_of(training == Training::bptt ? "SRN, BPTT" : "SRN, Elman's training", run.rms_by_position, false));
        break;
      }
    }
  }
  rms.series.push_back(line_of("best 2-bit window (lesson 03)", r.window_rms[1], true));
  rms.series.push_back(line_of("best 1-bit window (lesson 03)", r.window_rms[0], true));
  rms.x_marks = {3, 6, 9, 12};
  report.plot("rms_error.svg", rms.svg(860, 440), {}, rms.text(60, 12));

  report.say("state-against-window");
  report.try_next();
  report.claims(claims(r));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson06
