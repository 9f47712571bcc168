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

#include "lessons/common/data.hpp"
#include "lessons/common/plot.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::lessons::lesson01 {

const LessonInfo info = {
    1, "01_sequence_data", {"Sequence data",
                            "순서가 있는 데이터"},
    {"Much real data comes in order: weather, speech, text, prices. A feedforward network of the 1980s looks at one "
     "input at a time and forgets it; but if it is raining now, it will probably rain in ten minutes. This lesson "
     "measures how much the order of a series is worth before we build any network that can use it.",
     "현실의 데이터는 대부분 순서를 갖고 들어온다: 날씨, 음성, 텍스트, 가격. 1980년대의 순방향(feedforward) 신경망은 "
     "입력을 한 번에 하나씩 보고 잊어버리지만, 지금 비가 오고 있다면 10분 뒤에도 비가 올 가능성이 높다. 이 레슨에서는 "
     "순서를 활용할 수 있는 신경망을 만들기 전에, 시계열의 순서가 얼마나 가치 있는지부터 측정한다."},
    {"Two weather series with the same rain rate: a Markov chain, where the present predicts the next step, and an "
     "independent one, where it does not. Then the [T, B, features] tensor layout recurrent networks read.",
     "비가 오는 비율이 같은 두 날씨 시계열: 현재가 다음 스텝을 예측해 주는 마르코프 체인과, 그렇지 않은 독립 시계열. "
     "그리고 순환 신경망이 읽는 [T, B, features] 텐서 배치."}};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) c.steps = 20000;
  return c;
}

namespace {

// Learns both predictors by counting on series[0, half) and tests them on series[half, end).
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

int run(const Options& options) {
  Report report(info, options);
  const Config c = config(options.quick, options.seed);
  report.say({"Two weather series of " + std::to_string(c.steps) +
             " steps each. The Markov chain keeps raining with probability 0.85 and starts raining on a dry step with "
             "probability 0.10, so it rains 40% of the time in long spells. The independent series rains on 40% of "
             "its steps too, each step a fresh coin. We learn the best prediction of the next step on the first half "
             "of each series and test it on the second half.",
              "각각 " + std::to_string(c.steps) +
             " 스텝짜리 날씨 시계열 두 개. 마르코프 체인은 비가 오던 스텝에서 0.85의 확률로 비가 계속되고, 맑은 스텝에서 "
             "0.10의 확률로 비가 시작된다. 그래서 전체 시간의 40% 동안 비가 오며, 비는 길게 이어진다. 독립 시계열도 40%의 "
             "스텝에서 비가 오지만, 매 스텝이 새로 던지는 동전이다. 각 시계열의 앞쪽 절반에서 다음 스텝의 최선의 예측을 "
             "배우고, 뒤쪽 절반에서 시험한다."});
  const Result r = experiment(c);

  report.figure("Markov chain: rain rate", r.markov.rain_rate);
  report.figure("independent: rain rate", r.independent.rain_rate);
  report.figure("Markov chain: accuracy without the current step", r.markov.without_previous);
  report.figure("Markov chain: accuracy with the current step", r.markov.with_previous);
  report.figure("independent: accuracy without the current step", r.independent.without_previous);
  report.figure("independent: accuracy with the current step", r.independent.with_previous);
  report.figure("shuffled Markov: accuracy with the current step", r.shuffled.with_previous);

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
  report.plot("series.svg", strips.svg(760, 260),
              {"The Markov chain rains in long spells; the independent series flickers, with the same rain rate.",
               "마르코프 체인은 길게 이어지는 비를 내리고, 독립 시계열은 같은 비율로 깜빡인다."});

  plot::BarChart bars;
  bars.title = "Predicting the next step";
  bars.y_label = "test accuracy";
  bars.categories = {"Markov chain", "independent", "Markov, shuffled"};
  bars.series = {{"without the current step", {r.markov.without_previous, r.independent.without_previous, r.shuffled.without_previous}, ""},
                 {"with the current step", {r.markov.with_previous, r.independent.with_previous, r.shuffled.with_previous}, ""}};
  bars.y_max = 1.0;
  report.plot("accuracy.svg", bars.svg(), {"Only the ordered Markov series rewards looking at the present.",
                                           "현재를 보는 것이 도움이 되는 것은 순서가 있는 마르코프 시계열뿐이다."}, bars.text());

  report.say({"Seeing the current step lifts the Markov chain's accuracy from " +
             std::to_string(r.markov.without_previous).substr(0, 5) + " to " +
             std::to_string(r.markov.with_previous).substr(0, 5) +
             "; for the independent series, and for the Markov series shuffled, it buys nothing. The information is in "
             "the order, not in the values.",
              "현재 스텝을 보면 마르코프 체인의 정확도가 " +
             std::to_string(r.markov.without_previous).substr(0, 5) + "에서 " +
             std::to_string(r.markov.with_previous).substr(0, 5) +
             "(으)로 올라간다. 독립 시계열에서도, 순서를 뒤섞은 마르코프 시계열에서도 아무 이득이 없다. 정보는 값이 아니라 "
             "순서에 들어 있다."});

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
  report.say({"Recurrent layers read a batch of B sequences, T steps each, F numbers per step, as one tensor of shape "
             "[T, B, F], time first (PyTorch's layout). Here are B = 4 stretches of the Markov series, T = 8 steps each, "
             "with F = 2 features per step: a one-hot code (dry, rain).",
              "순환 레이어는 B개의 시퀀스, 시퀀스마다 T 스텝, 스텝마다 F개의 숫자로 된 배치를 [T, B, F] 모양의 텐서 하나로 "
             "읽는다. 시간 축이 먼저 온다(PyTorch의 배치). 여기 마르코프 시계열에서 뽑은 B = 4개의 구간이 있다. 구간마다 "
             "T = 8 스텝이고, 스텝마다 F = 2개의 특징, 즉 원-핫 코드(맑음, 비)를 갖는다."});
  report.block(shown.str());
  report.say({"A recurrent network walks along the first axis: at step t it reads x[t], a [B, F] slice holding step t of "
             "every sequence at once, and carries what it has seen so far to step t + 1.",
              "순환 신경망은 첫 번째 축을 따라 걷는다: 스텝 t에서 x[t]를 읽는데, 이것은 모든 시퀀스의 스텝 t를 한꺼번에 담은 "
             "[B, F] 조각이다. 그리고 지금까지 본 것을 스텝 t + 1로 가져간다."});

  report.claims(claims(r));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson01
