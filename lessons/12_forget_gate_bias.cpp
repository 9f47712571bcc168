// Lesson 12 — the forget gate and its bias (Gers, Schmidhuber & Cummins 2000, "Learning to forget";
// Jozefowicz, Zaremba & Sutskever 2015, "An empirical exploration of recurrent network architectures").
//
// Lesson 11 ended on a caveat: the carousel carries the error only where the forget gate is open. Along the cell
// path alone,
//     dc_T / dc_(T-k) = f_T * f_(T-1) * ... * f_(T-k+1)      (elementwise),
// a product of k numbers in (0, 1). A freshly initialized LSTM has small weights, so every f_t is close to
// sigmoid(b_f), the sigmoid of the forget gate's bias. With b_f = 0 that is 1/2, and 50 steps back the error
// is down to 2^-50 ~ 1e-15: the untrained LSTM forgets as fast as the tanh RNN of lesson 08, and has no gradient
// with which to learn to remember. With b_f = 1, f ~ 0.73 and the product is ~1e-7; with b_f = 2, f ~ 0.88 and
// it is ~2e-3. Gers et al. (2000) already started their forget gates open; Jozefowicz et al. (2015) searched
// thousands of architectures and found that adding 1 to the forget bias closed most of the gap between the LSTM
// and anything better. Many libraries since initialize it to 1; PyTorch does not (nn/gated.hpp's forget_bias
// option does it here).
#include "lessons/12_forget_gate_bias.hpp"

#include <algorithm>
#include <cmath>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/plot.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::lessons::lesson12 {

const LessonInfo info = {
    12, "12_forget_gate_bias", "The forget gate and its bias",
    "Gers, Schmidhuber & Cummins (2000) gave the LSTM a forget gate; the error along the cell state is multiplied by "
    "it at every step. Jozefowicz, Zaremba & Sutskever (2015) found that initializing its bias to 1 closes most of "
    "the gap to the best recurrent architectures: the gate starts open, and the carousel carries the error from the "
    "first step of training.",
    "At initialization the product of forget gates 50 steps back is ~1e-15 with bias 0 and ~1e-7 with bias 1; on the "
    "adding problem at T = 100, bias 2 solves most runs and bias 0 almost none."};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  c.adding.steps = 100;
  c.adding.training_steps = 800;
  c.adding.test_sequences = 300;
  c.adding.evaluate_every = 100;
  if (quick) {
    c.sequences = 16;
    c.adding.steps = 60;
    c.adding.training_steps = 300;
    c.adding.test_sequences = 100;
    c.seeds = 2;
  }
  return c;
}

std::vector<double> forget_product_by_lag(double forget_bias, const Config& c) {
  NoGradGuard no_grad;
  Rng rng(c.seed * 31 + 7);
  const nn::LSTM lstm(c.inputs, c.hidden, rng, {}, forget_bias);
  const nn::RecurrentLayers::Weights& w = lstm.weights(0);
  const std::size_t H = c.hidden, B = c.sequences, T = c.lags;
  const Tensor x = Tensor::normal({T, B, c.inputs}, 0, 1, rng);
  const Var projected = linear(Var(x), w.weight_ih, w.bias_ih);  // [T, B, 4H]
  nn::RecurrentState state{Var(Tensor::zeros({B, H})), Var(Tensor::zeros({B, H}))};
  std::vector<Tensor> forget(T);  // f_t [B, H]
  for (std::size_t t = 0; t < T; ++t) {
    const Var x_t = select(projected, 0, t);
    // The forget gate is block 1 of the pre-activation: f = sigmoid(x W_if^T + b_if + h W_hf^T + b_hf).
    const Tensor gates = x_t.value() + linear(state.h, w.weight_hh, w.bias_hh).value();
    forget[t] = sigmoid(slice(gates, 1, H, 2 * H));
    state = nn::lstm_step(x_t, state, w.weight_hh, w.bias_hh);
  }
  std::vector<double> median(T);
  Tensor product = Tensor::ones({B, H});
  for (std::size_t k = 1; k <= T; ++k) {
    product *= forget[T - k];  // now f_T ... f_(T-k+1), counting t from 1
    std::vector<double> values(product.values().begin(), product.values().end());
    std::nth_element(values.begin(), values.begin() + static_cast<long>(values.size() / 2), values.end());
    median[k - 1] = values[values.size() / 2];
  }
  return median;
}

Result experiment(const Config& c) {
  Result r;
  for (double bias : c.biases) r.products.push_back(forget_product_by_lag(bias, c));
  std::vector<lesson11::AddingJob> jobs;
  for (double bias : c.biases) {
    for (std::size_t s = 0; s < c.seeds; ++s) jobs.push_back({lesson11::Cell::lstm, c.adding_hidden, c.seed * 100 + s, bias});
  }
  const std::vector<lesson11::TrainedAdding> trained = lesson11::train_adding_jobs(jobs, c.adding, "adding, 3 biases");
  r.runs.resize(c.biases.size());
  r.solved.assign(c.biases.size(), 0);
  for (std::size_t k = 0; k < trained.size(); ++k) {
    const std::size_t b = k / c.seeds;
    r.runs[b].push_back(trained[k]);
    r.solved[b] += trained[k].run.final_mse < c.solved_below;
  }
  return r;
}

namespace {

std::size_t index_of(const Config& c, double bias) {
  return static_cast<std::size_t>(std::find(c.biases.begin(), c.biases.end(), bias) - c.biases.begin());
}

}  // namespace

std::vector<Claim> claims(const Result& r, const Config& c) {
  const std::size_t b0 = index_of(c, 0), b1 = index_of(c, 1), b2 = index_of(c, 2);
  const double ratio = r.products[b1][49] / r.products[b0][49];
  const double n = static_cast<double>(c.seeds);
  const double share0 = static_cast<double>(r.solved[b0]) / n, share1 = static_cast<double>(r.solved[b1]) / n,
               share2 = static_cast<double>(r.solved[b2]) / n;
  const std::string of = " of " + std::to_string(c.seeds) + " runs";
  return {
      {"at init, 50 steps back: forget-gate product with bias 1 / with bias 0", ratio, "> 1e4", ratio > 1e4},
      {"adding problem, T = " + std::to_string(c.adding.steps) + ": share solved with bias 2" + of, share2, ">= 5/8",
       share2 >= 5.0 / 8},
      {"share solved with bias 0" + of, share0, "<= 1/8", share0 <= 1.0 / 8},
      {"share solved: bias 2 minus bias 1, and bias 1 minus bias 0 (the smaller)", std::min(share2 - share1, share1 - share0),
       ">= 0", share2 >= share1 && share1 >= share0},
  };
}

int run(const Options& options) {
  Report report(info, options);
  const Config c = config(options.quick, options.seed);
  report.say("(a) An LSTM with " + std::to_string(c.hidden) + " units, just initialized (PyTorch's U(-1/sqrt(H), "
             "1/sqrt(H)) everywhere except the forget gate's bias), reads " + std::to_string(c.sequences) +
             " sequences of random inputs. For every unit we multiply its forget gates backwards from the last step: "
             "the factor by which the error at c_T reaches c_(T-k) along the cell path.");
  const Result r = experiment(c);

  plot::LineChart products;
  products.title = "At initialization: how much of the error survives k steps along the cell state";
  products.x_label = "k: steps back";
  products.y_label = "median f_T f_(T-1) ... f_(T-k+1) (log scale)";
  products.log_y = true;
  for (std::size_t b = 0; b < c.biases.size(); ++b) {
    std::vector<double> lags, guide;
    const double f = 1 / (1 + std::exp(-c.biases[b]));
    for (std::size_t k = 1; k <= c.lags; ++k) {
      lags.push_back(static_cast<double>(k));
      guide.push_back(std::pow(f, static_cast<double>(k)));
    }
    const std::string name = "forget bias " + plot::format_number(c.biases[b]);
    products.series.push_back({name, lags, r.products[b], plot::palette()[b], false, false});
    products.series.push_back({"", lags, guide, plot::palette()[b], false, true});
    report.figure(name + ": median product 50 steps back", r.products[b][49]);
  }
  report.plot("forget_products.svg", products.svg(),
              "Solid: measured. Dashed: sigmoid(bias)^k, what a gate fixed at its bias would give. The measured "
              "products follow the dashed lines: at initialization the forget gate is its bias, and bias 0 halves the "
              "error at every step.",
              products.text(60, 12));

  report.say("(b) The adding problem of lesson 11 at T = " + std::to_string(c.adding.steps) + ": LSTMs with " +
             std::to_string(c.adding_hidden) + " units, forget bias 0, 1 and 2, " + std::to_string(c.seeds) +
             " seeds each, " + std::to_string(c.adding.training_steps) + " Adam steps (0.01, batches of " +
             std::to_string(c.adding.batch) + ", clipping at 1). A run counts as solved if its test MSE ends below " +
             plot::format_number(c.solved_below) + " (always answering the mean scores 0.167).");
  plot::LineChart curves;
  curves.title = "The adding problem, T = " + std::to_string(c.adding.steps) + ": every run, colored by forget bias";
  curves.x_label = "training step";
  curves.y_label = "test MSE (log scale)";
  curves.log_y = true;
  for (std::size_t b = 0; b < c.biases.size(); ++b) {
    for (std::size_t s = 0; s < r.runs[b].size(); ++s) {
      const lesson11::AddingRun& run = r.runs[b][s].run;
      curves.series.push_back({s == 0 ? "forget bias " + plot::format_number(c.biases[b]) : "", run.step, run.test_mse,
                               plot::palette()[b], false, false});
    }
  }
  curves.reference_lines = {{c.solved_below, "solved below this"}};
  report.plot("adding_curves.svg", curves.svg(), "Each line is one run. The runs that escape the baseline plateau are the ones "
              "whose memory path was open from the start.");

  plot::BarChart solved;
  solved.title = "Runs that solve the adding problem (T = " + std::to_string(c.adding.steps) + ")";
  solved.y_label = "solved runs of " + std::to_string(c.seeds);
  for (std::size_t b = 0; b < c.biases.size(); ++b) {
    solved.categories.push_back("forget bias " + plot::format_number(c.biases[b]));
    report.figure("forget bias " + plot::format_number(c.biases[b]) + ": runs solved", static_cast<double>(r.solved[b]));
  }
  std::vector<double> counts(r.solved.begin(), r.solved.end());
  solved.series = {{"solved", counts, ""}};
  solved.y_max = static_cast<double>(c.seeds);
  report.plot("solved.svg", solved.svg(), "One number at initialization decides most of the outcome.", solved.text(30));
  report.say("Nothing else differs between these runs: the same architecture, data, optimizer and seeds. The bias only "
             "moves where the forget gate starts. Started near 1, the cell path carries the error from the first step "
             "and training can discover what to store; started at 1/2, the error from step 100 never reaches the first "
             "marker, and the net settles for answering the mean.");
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson12
