// Lesson 01 — sequence data.
//
// Some data can be looked at one piece at a time: a photo of a cat is a cat whatever photo came before it.
// Other data only makes sense in order. If it is pouring outside right now, it will very likely still rain
// in ten minutes: the present carries information about the next step. A model for such data must be able to
// see the past, and that is what recurrent networks are for.
//
// The experiment: two weather series with the SAME rain rate (40% of steps). One is a Markov chain (rain tends
// to continue, dry spells tend to continue); the other draws every step independently. For each, we learn by
// counting the best prediction of the next step (a) from nothing but the overall rain rate, and (b) from the
// current step, and test both on unseen steps. Only the Markov chain rewards looking at the past. Shuffling
// the Markov series keeps every value but destroys the order, and with it the advantage.
//
// Then the shape every later lesson uses: a batch of B sequences of T steps with F features each is a tensor
// [T, B, F], time first, as PyTorch's recurrent layers expect.
#include "lessons/01_sequence_data.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "lessons/01_sequence_data.md.hpp"
#include "lessons/01_sequence_data.sources.hpp"
#include "lessons/common/data.hpp"
#include "lessons/common/plot.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::lessons::lesson01 {

const LessonInfo info = {1, "01_sequence_data", narration_markdown, nullptr, source_files};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) c.steps = 20000;
  return c;
}

namespace {

// Learns both predictors by counting on series[0, half) and tests them on series[half, end).
// >>> next-step-predictors
Accuracy measure(const std::vector<int>& series) {
  const std::size_t half = series.size() / 2;
  // counts[previous][next] on the training half
  double counts[2][2] = {{0, 0}, {0, 0}};
  for (std::size_t t = 1; t < half; ++t) counts[series[t - 1]][series[t]] += 1;
  const double rain = counts[0][1] + counts[1][1], dry = counts[0][0] + counts[1][0];
  // (a) no memory: always predict the more frequent state.
  const int guess = rain > dry ? 1 : 0;
  // (b) one step of memory: for each current state, predict the more frequent next state.
  const int after[2] = {counts[0][1] > counts[0][0] ? 1 : 0, counts[1][1] > counts[1][0] ? 1 : 0};

  Accuracy a;
  double right_without = 0, right_with = 0, rainy = 0;
  const std::size_t tested = series.size() - half - 1;
  for (std::size_t t = half + 1; t < series.size(); ++t) {
    right_without += series[t] == guess;
    right_with += series[t] == after[series[t - 1]];
    rainy += series[t];
  }
  a.without_previous = right_without / static_cast<double>(tested);
  a.with_previous = right_with / static_cast<double>(tested);
  a.rain_rate = rainy / static_cast<double>(tested);
  return a;
}
// <<< next-step-predictors

}  // namespace

Result experiment(const Config& config) {
  Rng rng(config.seed);
  const std::vector<int> markov = data::rain_chain(config.steps, config.p_stay_rain, config.p_start_rain, rng);
  const double rate = config.p_start_rain / (1 - config.p_stay_rain + config.p_start_rain);
  const std::vector<int> independent = data::independent_rain(config.steps, rate, rng);
  // Fisher-Yates shuffle: the same values in a random order.
  std::vector<int> shuffled = markov;
  rng.shuffle(shuffled);

  Result r;
  r.markov = measure(markov);
  r.independent = measure(independent);
  r.shuffled = measure(shuffled);
  r.markov_series.assign(markov.begin(), markov.begin() + std::min<std::size_t>(160, markov.size()));
  r.independent_series.assign(independent.begin(), independent.begin() + std::min<std::size_t>(160, independent.size()));
  return r;
}

std::vector<Claim> claims(const Result& r) {
  const double gain_markov = r.markov.with_previous - r.markov.without_previous;
  const double gain_independent = r.independent.with_previous - r.independent.without_previous;
  const double gain_shuffled = r.shuffled.with_previous - r.shuffled.without_previous;
  const double rate_gap = std::abs(r.markov.rain_rate - r.independent.rain_rate);
  return {
      {"both series rain equally often (|difference of rain rates|)", rate_gap, "<= 0.03", rate_gap <= 0.03},
      {"Markov chain: accuracy gained by seeing the current step", gain_markov, ">= 0.15", gain_markov >= 0.15},
      {"independent series: accuracy gained by seeing the current step", gain_independent, "in [-0.02, 0.02]",
       std::abs(gain_independent) <= 0.02},
      {"Markov series shuffled (order destroyed): accuracy gained", gain_shuffled, "in [-0.02, 0.02]",
       std::abs(gain_shuffled) <= 0.02},
  };
}

// ---- what the lesson shows ----

namespace {

// The two series as strips, and what seeing the current step is worth.
void show_series_and_accuracy(Report& report, const Result& r) {
  plot::HeatMap strips;
  strips.title = "The first 160 steps: rain (yellow) and dry (purple)";
  strips.x_label = "step";
  strips.rows = 2;
  strips.cols = r.markov_series.size();
  for (int v : r.independent_series) strips.values.push_back(v);
  for (int v : r.markov_series) strips.values.push_back(v);
  strips.row_labels = {"independent", "Markov"};
  strips.x_first = 0;
  strips.x_last = static_cast<double>(strips.cols - 1);
  strips.value_label = "rain";
  report.plot("series.svg", strips.svg(760, 260));

  plot::BarChart bars;
  bars.title = "Predicting the next step";
  bars.y_label = "test accuracy";
  bars.categories = {"Markov chain", "independent", "Markov, shuffled"};
  bars.series = {{.name = "without the current step",
                  .values = {r.markov.without_previous, r.independent.without_previous, r.shuffled.without_previous}},
                 {.name = "with the current step",
                  .values = {r.markov.with_previous, r.independent.with_previous, r.shuffled.with_previous}}};
  bars.y_max = 1.0;
  report.plot("accuracy.svg", bars.svg(), {}, bars.text());
}

}  // namespace

// ---- the lesson ----

int run(const Options& options) {
  Config c = config(options.quick, options.seed);
  Report report(info, options, apply_settings(options, {{"p_stay_rain", c.p_stay_rain}}));
  report.say("weather-series", {{"steps", c.steps}});
  const Result r = experiment(c);

  report.figure("Markov chain: rain rate", r.markov.rain_rate);
  report.figure("independent: rain rate", r.independent.rain_rate);
  report.figure("Markov chain: accuracy without the current step", r.markov.without_previous);
  report.figure("Markov chain: accuracy with the current step", r.markov.with_previous);
  report.figure("independent: accuracy without the current step", r.independent.without_previous);
  report.figure("independent: accuracy with the current step", r.independent.with_previous);
  report.figure("shuffled Markov: accuracy with the current step", r.shuffled.with_previous);

  show_series_and_accuracy(report, r);

  report.say("markov-accuracy", {{"without_previous", std::to_string(r.markov.without_previous).substr(0, 5)},
                                 {"with_previous", std::to_string(r.markov.with_previous).substr(0, 5)}});
  report.code("next-step-predictors");

  // The layout of sequence batches: [T, B, F]. Cut B = 4 stretches of T = 8 steps out of the Markov series,
  // with F = 2 features per step, one-hot: (dry, rain). x[t][b] holds step t of sequence b.
  const std::size_t T = 8, B = 4, F = 2;
  Tensor batch({T, B, F});
  std::string rows = "  sequence b   steps t = 0..7 (1 = rain)\n";
  for (std::size_t b = 0; b < B; ++b) {
    rows += "  b = " + std::to_string(b) + "        ";
    for (std::size_t t = 0; t < T; ++t) {
      const int rain = r.markov_series[28 + b * T + t];  // a stretch with both spells in it (seed 0)
      batch.at({t, b, static_cast<std::size_t>(rain)}) = 1;
      rows += std::to_string(rain) + " ";
    }
    rows += "\n";
  }
  std::ostringstream shown;
  shown << rows << "\n  x.shape() = " << to_string(batch.shape()) << "   (T = 8 steps, B = 4 sequences, F = 2 features)\n"
        << "  x[t = 3], step 3 of every sequence, one row per sequence (dry, rain):\n  "
        << slice(batch, 0, 3, 4).reshape({4, 2});
  report.say("batch-layout");
  report.block(shown.str());
  report.say("walking-the-first-axis");

  report.try_next();
  report.claims(claims(r));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson01
