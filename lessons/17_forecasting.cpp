// Lesson 17 — time-series forecasting (the source notes' weather and traffic examples; the forecasting competitions
// of Makridakis et al. are the standard reminder that simple baselines are hard to beat).
//
// Forecasting is sequence in, sequence out: from the last 72 hours of a measurement, predict the next 24. Before
// any network, the baselines a forecaster must beat:
//   persistence       y_(t+h) = y_t                 (tomorrow is like now)
//   seasonal naive    y_(t+h) = y_(t+h-24)          (tomorrow at 3 pm is like today at 3 pm)
//   linear AR         y_(t+h) = a_h . (y_(t-71) .. y_t) + b_h, fitted by least squares
// The linear autoregression is the classical model (Yule 1927, Box & Jenkins 1970): with 72 lags it can represent
// any linear filter of the past, including both naive forecasts and any average of them. What it cannot do is
// change its rule with the situation. The weather here has a situation: rain, a hidden state that persists for
// hours, damps the daily swing and lowers the temperature. Whether it is raining now is a nonlinear function of
// the recent record (a small swing, a low level), and so is the best forecast: the rain will probably persist
// for the next hours and then end. A GRU reading the 72 hours can learn to recognize the state and forecast from
// it; the linear model can only average over states.
#include "lessons/17_forecasting.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/input.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "nn/optim.hpp"
#include "tensor/matmul.hpp"

namespace rnnlab::lessons::lesson17 {

const LessonInfo info = {
    17, "17_forecasting", {"Time-series forecasting",
                           "시계열 예측"},
    {"Forecasting the next day from the last three is the oldest use of sequence models: Yule's autoregression "
     "(1927) and Box & Jenkins (1970) made it a discipline, and recurrent networks joined it once they could be "
     "trained. The baselines - the last value, the same hour yesterday, a linear autoregression - are where every "
     "forecast must start.",
     "지난 사흘로 다음 날을 예측하는 것은 시퀀스 모델의 가장 오래된 용도다: Yule의 자기회귀(1927)와 Box & Jenkins(1970)가 "
     "이를 하나의 분야로 만들었고, 순환 신경망은 학습이 가능해지자 합류했다. 기준 예측들, 즉 마지막 값, 어제 같은 시각, "
     "선형 자기회귀는 모든 예측이 출발해야 하는 곳이다."},
    {"On an hourly weather record with a hidden rain state, a GRU forecasts the next 24 hours with a lower error than "
     "persistence, the seasonal naive forecast and a least-squares linear autoregression on 72 lags.",
     "숨은 비 상태가 있는 시간별 날씨 기록에서, GRU는 다음 24시간을 지속 예측, 계절 단순 예측, 72시차 최소 제곱 선형 "
     "자기회귀보다 낮은 오차로 예측한다."},
    "a series, one number a line"};

// ---- the data ----

Weather weather_series(std::size_t hours, Rng& rng) {
  Weather w;
  w.temperature.resize(hours);
  w.rain.resize(hours);
  bool raining = false;
  const double two_pi = 2 * std::numbers::pi;
  for (std::size_t t = 0; t < hours; ++t) {
    // Rain persists: it goes on with probability 0.96 per hour (spells of ~25 h) and starts with 0.015 (~67 h dry).
    raining = raining ? rng.bernoulli(0.96) : rng.bernoulli(0.015);
    const double hour = static_cast<double>(t);
    const double year = 12 - 8 * std::cos(two_pi * hour / 8760);           // cold in winter, warm in summer
    const double swing = raining ? 1.5 : 6.0;                                // clouds damp the daily swing
    const double day = swing * std::sin(two_pi * (hour - 9) / 24);           // warmest mid-afternoon
    w.temperature[t] = year + day - (raining ? 3.0 : 0.0) + rng.normal(0, 0.6);
    w.rain[t] = raining ? 1 : 0;
  }
  return w;
}

Windows make_windows(const std::vector<double>& series, std::size_t history, std::size_t horizon, std::size_t stride) {
  if (series.size() < history + horizon) {
    throw std::invalid_argument("make_windows: a series of " + std::to_string(series.size()) + " values has no window of " +
                                std::to_string(history) + " + " + std::to_string(horizon));
  }
  Windows w;
  for (std::size_t s = 0; s + history + horizon <= series.size(); s += stride) w.starts.push_back(s);
  const std::size_t n = w.starts.size();
  w.inputs = Tensor({history, n, 1});
  w.targets = Tensor({n, horizon});
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t t = 0; t < history; ++t) w.inputs.at({t, i, 0}) = series[w.starts[i] + t];
    for (std::size_t h = 0; h < horizon; ++h) w.targets.at({i, h}) = series[w.starts[i] + history + h];
  }
  return w;
}

// ---- the baselines ----

Tensor persistence_forecast(const Windows& w) {
  const std::size_t history = w.inputs.shape()[0], n = w.targets.shape()[0], horizon = w.targets.shape()[1];
  Tensor f({n, horizon});
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t h = 0; h < horizon; ++h) f.at({i, h}) = w.inputs.at({history - 1, i, 0});
  }
  return f;
}

Tensor seasonal_naive_forecast(const Windows& w, std::size_t period) {
  const std::size_t history = w.inputs.shape()[0], n = w.targets.shape()[0], horizon = w.targets.shape()[1];
  if (period > history || horizon > period) {
    throw std::invalid_argument("seasonal_naive_forecast: needs horizon <= period <= history");
  }
  Tensor f({n, horizon});
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t h = 0; h < horizon; ++h) f.at({i, h}) = w.inputs.at({history - period + h, i, 0});
  }
  return f;
}

Tensor solve_spd(const Tensor& m, const Tensor& r, double ridge) {
  const std::size_t n = m.shape()[0], k = r.shape()[1];
  // Cholesky: M + ridge I = L L^T, L lower triangular; then L Y = R (forward), L^T X = Y (backward).
  Tensor l({n, n});
  for (std::size_t j = 0; j < n; ++j) {
    double d = m.at({j, j}) + ridge;
    for (std::size_t p = 0; p < j; ++p) d -= l.at({j, p}) * l.at({j, p});
    if (!(d > 0)) throw std::invalid_argument("solve_spd: the matrix is not positive definite (pivot " + std::to_string(j) + ")");
    l.at({j, j}) = std::sqrt(d);
    for (std::size_t i = j + 1; i < n; ++i) {
      double s = m.at({i, j});
      for (std::size_t p = 0; p < j; ++p) s -= l.at({i, p}) * l.at({j, p});
      l.at({i, j}) = s / l.at({j, j});
    }
  }
  Tensor x = r;
  for (std::size_t c = 0; c < k; ++c) {
    for (std::size_t i = 0; i < n; ++i) {
      double s = x.at({i, c});
      for (std::size_t p = 0; p < i; ++p) s -= l.at({i, p}) * x.at({p, c});
      x.at({i, c}) = s / l.at({i, i});
    }
    for (std::size_t i = n; i-- > 0;) {
      double s = x.at({i, c});
      for (std::size_t p = i + 1; p < n; ++p) s -= l.at({p, i}) * x.at({p, c});
      x.at({i, c}) = s / l.at({i, i});
    }
  }
  return x;
}

namespace {

// The design matrix [N, history + 1]: each window's values and a constant 1.
Tensor design(const Windows& w) {
  const std::size_t history = w.inputs.shape()[0], n = w.targets.shape()[0];
  Tensor x({n, history + 1});
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t t = 0; t < history; ++t) x.at({i, t}) = w.inputs.at({t, i, 0});
    x.at({i, history}) = 1;
  }
  return x;
}

}  // namespace

Tensor linear_forecast(const Windows& train, const Windows& test) {
  // Least squares: A = argmin ||X A - Y||^2, i.e. (X^T X) A = X^T Y.
  const Tensor x = design(train);
  const Tensor a = solve_spd(matmul(x, x, Transpose::first), matmul(x, train.targets, Transpose::first), 1e-6);
  return matmul(design(test), a);
}

// ---- the network ----

Forecaster::Forecaster(std::size_t hidden, std::size_t horizon, Rng& rng)
    : gru_(1, hidden, rng), head_(hidden, horizon, rng) {
  register_module("gru", gru_);
  register_module("head", head_);
}

Var Forecaster::forward(const Var& history) {
  const Var output = gru_(history).output;
  return head_.forward(select(output, 0, history.shape()[0] - 1));
}

// ---- the experiment ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.training_steps = 600;
    c.stride = 2;
  }
  return c;
}

// ---- a learner's own series ----

std::size_t minimum_series_length(const Config& c) {
  // The experiment's split: the first 80% must hold one training window, the rest one test forecast.
  std::size_t n = c.history + c.horizon;
  while (n * 4 / 5 < c.history + c.horizon || n - n * 4 / 5 < c.horizon) ++n;
  return n;
}

std::vector<double> parse_series(std::string_view text, const std::string& name, const Config& c) {
  std::vector<double> series;
  const std::vector<std::string_view> lines = text_lines(text, name, 200);
  for (std::size_t number = 1; number <= lines.size(); ++number) {
    const std::vector<std::string_view> fields = split_words(lines[number - 1]);
    if (fields.empty() || fields.front().front() == '#') continue;
    std::string_view field = fields.front();
    if (fields.size() > 1) {
      refuse_line(name, number, "expected one number, got " + std::to_string(fields.size()) + " fields " +
                                    quoted(lines[number - 1]));
    }
    if (field.size() > 1 && field.front() == '+') field.remove_prefix(1);
    double value = 0;
    const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
    const bool whole = end == field.data() + field.size();
    if (!whole || (error != std::errc() && error != std::errc::result_out_of_range)) {
      refuse_line(name, number, "expected a number, got " + quoted(fields.front()));
    }
    if (error == std::errc::result_out_of_range || !(std::abs(value) <= 1e15)) {
      refuse_line(name, number, "the value " + quoted(fields.front()) + " is out of range (at most 1e15 in size)");
    }
    if (series.size() == max_series_values) {
      throw InputError(name + ": has more than " + std::to_string(max_series_values) + " values; the lesson reads at most that many");
    }
    series.push_back(value);
  }
  const std::size_t needed = minimum_series_length(c);
  if (series.size() < needed) {
    throw InputError(name + ": has " + std::to_string(series.size()) + " values; a forecast from " +
                     std::to_string(c.history) + " values of the next " + std::to_string(c.horizon) +
                     ", trained on 80% and tested on 20%, needs at least " + std::to_string(needed));
  }
  if (std::all_of(series.begin(), series.end(), [&](double v) { return v == series.front(); })) {
    throw InputError(name + ": all " + std::to_string(series.size()) + " values are equal; there is nothing to forecast");
  }
  return series;
}

std::vector<double> read_series(const std::string& path, const Config& c) {
  return parse_series(read_input_file(path), path, c);
}

namespace {

// Columns `pick` of a [T, N, 1] tensor and rows `pick` of an [N, H] one: a minibatch.
Tensor gather_windows(const Tensor& inputs, const std::vector<std::size_t>& pick) {
  const std::size_t history = inputs.shape()[0], n = inputs.shape()[1];
  Tensor out({history, pick.size(), 1});
  for (std::size_t t = 0; t < history; ++t) {
    for (std::size_t b = 0; b < pick.size(); ++b) out[t * pick.size() + b] = inputs[t * n + pick[b]];
  }
  return out;
}

Model evaluate(const std::string& name, Tensor forecast, const Windows& test) {
  Model m{name, std::move(forecast), 0, {}};
  const std::size_t n = test.targets.shape()[0], horizon = test.targets.shape()[1];
  m.mse_by_step.assign(horizon, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t h = 0; h < horizon; ++h) {
      const double e = m.forecast.at({i, h}) - test.targets.at({i, h});
      m.mse_by_step[h] += e * e / static_cast<double>(n);
    }
  }
  for (double v : m.mse_by_step) m.mse += v / static_cast<double>(horizon);
  return m;
}

}  // namespace

Result experiment(const Config& c, const std::vector<double>& raw, const std::vector<int>& rain) {
  Result r;
  r.rain = rain;
  // The first 80% trains; the rest tests. Normalized with the training part's mean and spread.
  if (raw.size() < minimum_series_length(c) || (!rain.empty() && rain.size() != raw.size())) {
    throw std::invalid_argument("lesson 17: experiment: a series of " + std::to_string(raw.size()) + " values (and " +
                                std::to_string(rain.size()) + " rain marks) is too short or mismatched; it needs at least " +
                                std::to_string(minimum_series_length(c)));
  }
  const std::size_t split = raw.size() * 4 / 5;
  double mean = 0, sq = 0;
  for (std::size_t t = 0; t < split; ++t) mean += raw[t] / static_cast<double>(split);
  for (std::size_t t = 0; t < split; ++t) sq += (raw[t] - mean) * (raw[t] - mean) / static_cast<double>(split);
  const double spread = std::sqrt(sq) > 0 ? std::sqrt(sq) : 1;
  for (double v : raw) r.series.push_back((v - mean) / spread);
  const std::vector<double> train_part(r.series.begin(), r.series.begin() + static_cast<long>(split));
  const std::vector<double> test_part(r.series.begin() + static_cast<long>(split - c.history), r.series.end());
  const Windows train = make_windows(train_part, c.history, c.horizon, c.stride);
  r.test = make_windows(test_part, c.history, c.horizon, 5);  // every 5 hours: starts at every hour of the day
  for (std::size_t& s : r.test.starts) s += split - c.history;           // positions in the whole series

  r.models.push_back(evaluate("persistence", persistence_forecast(r.test), r.test));
  r.models.push_back(evaluate("seasonal naive", seasonal_naive_forecast(r.test, c.period), r.test));
  r.models.push_back(evaluate("linear AR (72 lags)", linear_forecast(train, r.test), r.test));

  Rng rng(c.seed * 100 + 3);
  Forecaster model(c.hidden, c.horizon, rng);
  optim::Adam adam(model.parameters(), c.learning_rate);
  Progress progress("GRU forecaster", c.training_steps);
  const std::size_t n = train.starts.size();
  double recent = 0;
  for (std::size_t step = 1; step <= c.training_steps; ++step) {
    // The last third at a tenth of the rate: the noisy targets need small steps to settle.
    adam.lr = step > 2 * c.training_steps / 3 ? c.learning_rate / 10 : c.learning_rate;
    std::vector<std::size_t> pick(c.batch);
    for (std::size_t& p : pick) p = rng.below(n);
    Tensor targets({c.batch, c.horizon});
    for (std::size_t b = 0; b < c.batch; ++b) {
      for (std::size_t h = 0; h < c.horizon; ++h) targets.at({b, h}) = train.targets.at({pick[b], h});
    }
    adam.zero_grad();
    const Var loss = mse_loss(model.forward(Var(gather_windows(train.inputs, pick))), Var(std::move(targets)));
    backward(loss);
    optim::clip_grad_norm(model.parameters(), c.clip);
    adam.step();
    progress.update(step, loss.item());
    recent += loss.item();
    if (step % 100 == 0) {
      r.training_curve.push_back(recent / 100);
      recent = 0;
    }
  }
  NoGradGuard no_grad;
  r.models.push_back(evaluate("GRU", model.forward(Var(r.test.inputs)).value(), r.test));
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  const double gru = r.models.back().mse;
  double best = 1e300;
  std::string best_name;
  for (std::size_t k = 0; k + 1 < r.models.size(); ++k) {
    if (r.models[k].mse < best) best = r.models[k].mse, best_name = r.models[k].name;
  }
  const double gain = 1 - gru / best;
  return {
      {"test MSE: 1 - GRU / best baseline (" + best_name + ")", gain, ">= " + plot::format_number(c.margin),
       gain >= c.margin},
  };
}

// ---- the lesson ----

int run(const Options& options) {
  const Config c = config(options.quick, options.seed);
  std::vector<double> series = options.data.empty() ? std::vector<double>() : read_series(options.data, c);
  std::vector<int> rain;
  Report report(info, options);
  if (options.data.empty()) {
    Rng rng(c.seed + 17);
    const Weather w = weather_series(c.hours, rng);
    series = w.temperature;
    rain = w.rain;
    report.say({"The data: " + std::to_string(c.hours) + " hours of synthetic weather. Rain comes in spells (it goes on "
               "with probability 0.96 an hour and starts with 0.015, as lesson 01's chain but hourly); the "
               "temperature has a yearly cycle, a daily cycle of +-6 degrees that rain damps to +-1.5, a 3-degree "
               "drop while it rains, and noise. The model sees only the temperature, never the rain.",
                "데이터: 합성 날씨 " + std::to_string(c.hours) + "시간. 비는 길게 이어진다(시간마다 0.96의 확률로 계속되고 0.015의 "
               "확률로 시작한다. 레슨 01의 체인과 같지만 시간 단위다). 기온에는 연간 주기, 비가 오면 +-1.5로 "
               "누그러지는 +-6도의 일간 주기, 비가 오는 동안의 3도 하강, 그리고 잡음이 있다. 모델은 기온만 보고 비는 "
               "결코 보지 못한다."});
  } else {
    report.say({"The data: " + options.data + ", " + std::to_string(series.size()) + " values.",
                "데이터: " + options.data + ", 값 " + std::to_string(series.size()) + "개."});
  }
  report.say({"From the last " + std::to_string(c.history) + " values, forecast the next " + std::to_string(c.horizon) +
             ". The first 80% of the record trains (windows every " + std::to_string(c.stride) + " hours), the last 20% "
             "tests (a window every 5 hours, so forecasts start at every hour of the day), all in units of the training part's standard deviation. The GRU has " +
             std::to_string(c.hidden) + " units and a linear head that outputs all " + std::to_string(c.horizon) +
             " hours at once; Adam " + plot::format_number(c.learning_rate) + ", batches of " + std::to_string(c.batch) +
             ", " + std::to_string(c.training_steps) + " steps.",
              "마지막 " + std::to_string(c.history) + "개 값으로 다음 " + std::to_string(c.horizon) +
             "개를 예측한다. 기록의 앞 80%로 학습하고(" + std::to_string(c.stride) + "시간마다 윈도 하나), 뒤 20%로 "
             "시험한다(5시간마다 윈도 하나, 그래서 예측이 하루의 모든 시각에서 시작한다). 모두 학습 부분의 표준 편차 "
             "단위로 잰다. GRU는 유닛 " + std::to_string(c.hidden) + "개와, " + std::to_string(c.horizon) +
             "시간을 한꺼번에 출력하는 선형 머리를 갖는다. Adam " + plot::format_number(c.learning_rate) + ", 배치 " +
             std::to_string(c.batch) + ", " + std::to_string(c.training_steps) + " 스텝."});
  const Result r = experiment(c, series, rain);

  plot::BarChart bars;
  bars.title = "Test MSE over the next " + std::to_string(c.horizon) + " hours (standardized units)";
  bars.y_label = "MSE";
  std::vector<double> values;
  for (const Model& m : r.models) {
    bars.categories.push_back(m.name);
    values.push_back(m.mse);
    report.figure(m.name + ": test MSE", m.mse);
  }
  bars.series = {{"test MSE", values, ""}};
  report.plot("mse.svg", bars.svg(), {"Lower is better. Every model sees the same 72 hours.",
                                      "낮을수록 좋다. 모든 모델이 같은 72시간을 본다."}, bars.text(30));

  plot::LineChart by_step;
  by_step.title = "Test MSE by how far ahead";
  by_step.x_label = "hours ahead";
  by_step.y_label = "MSE";
  by_step.y_min = 0;
  for (std::size_t k = 0; k < r.models.size(); ++k) {
    std::vector<double> hours;
    for (std::size_t h = 1; h <= c.horizon; ++h) hours.push_back(static_cast<double>(h));
    by_step.series.push_back({r.models[k].name, hours, r.models[k].mse_by_step, plot::palette()[k], true, false});
  }
  report.plot("mse_by_hour.svg", by_step.svg(),
              {"Persistence is good for the next hour and then pays for the daily cycle; the seasonal naive forecast is "
              "as good (or bad) at every hour. The learned forecasts are best near and degrade slowly as the rain "
              "state becomes harder to foresee.",
               "지속 예측은 다음 한 시간에는 좋지만 그다음부터 일간 주기의 대가를 치른다. 계절 단순 예측은 모든 시각에서 똑같이 "
              "좋다(혹은 나쁘다). 학습된 예측은 가까운 시각에서 가장 좋고, 비 상태를 내다보기 어려워질수록 천천히 "
              "나빠진다."},
              by_step.text(60, 10));

  // Forecasts on a few test windows, the rain (if known) marked.
  plot::LineChart examples;
  examples.title = "Test windows: the record, and each model's forecast of the next " + std::to_string(c.horizon) + " hours";
  examples.x_label = "hour";
  examples.y_label = "temperature (standardized)";
  const std::size_t shown = std::min<std::size_t>(3, r.test.starts.size());
  for (std::size_t e = 0; e < shown; ++e) {
    const std::size_t i = e * (r.test.starts.size() / std::max<std::size_t>(shown, 1));
    const std::size_t start = r.test.starts[i];
    const double offset = static_cast<double>(e * (c.history + c.horizon + 12));
    plot::Series truth{e == 0 ? "record" : "", {}, {}, "#333333", false, false};
    for (std::size_t t = 0; t < c.history + c.horizon; ++t) {
      truth.x.push_back(offset + static_cast<double>(t));
      truth.y.push_back(r.series[start + t]);
    }
    examples.series.push_back(truth);
    for (std::size_t k = 1; k < r.models.size(); ++k) {  // persistence is a flat line: left out
      plot::Series f{e == 0 ? r.models[k].name : "", {}, {}, plot::palette()[k], false, k + 1 < r.models.size()};
      for (std::size_t h = 0; h < c.horizon; ++h) {
        f.x.push_back(offset + static_cast<double>(c.history + h));
        f.y.push_back(r.models[k].forecast.at({i, h}));
      }
      examples.series.push_back(f);
    }
    examples.x_marks.push_back(offset + static_cast<double>(c.history) - 0.5);
  }
  report.plot("forecasts.svg", examples.svg(1000, 420),
              {"Three test windows side by side; the vertical lines mark the present. The damped, lower stretches are "
              "rain.",
               "시험 윈도 셋을 나란히. 세로선이 현재를 표시한다. 누그러지고 낮아진 구간이 비다."});
  report.say({"Why the network wins here and not always: the linear model is the best forecaster that applies one rule "
             "to every history. The GRU's advantage is the hidden rain state, which changes the rule. On a series "
             "with no such state (a pure cycle plus noise) the linear model is optimal, and a network can at best tie "
             "it; try --data with your own series to see which kind it is.",
              "신경망이 여기서는 이기지만 늘 이기지는 않는 이유: 선형 모델은 모든 과거에 하나의 규칙을 적용하는 예측기 중 최선이다. "
             "GRU의 이점은 규칙 자체를 바꾸는 숨은 비 상태다. 그런 상태가 없는 시계열(순수한 주기와 잡음)에서는 선형 "
             "모델이 최적이고, 신경망은 기껏해야 비길 수 있다. 자신의 시계열로 --data를 써서 어느 쪽인지 확인해 보라."});
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson17
