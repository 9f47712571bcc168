// Lesson 09 — the latch (Bengio, Simard & Frasconi 1994, "Learning long-term dependencies with gradient descent
// is difficult", Fig. 2b).
//
// The smallest recurrent network that can remember a bit: one tanh unit with a self-connection,
//     a_t = w tanh(a_{t-1}) + h_t,    a_0 = 0,   output x_t = tanh(a_t).
// With w > 1 it has two stable states, one positive and one negative: a latch. Bengio et al. asked it to store
// the class of a sequence: the first L = 3 inputs h_1..h_3 are free parameters (one set per class) that should
// push the unit into the right state, the remaining inputs are Gaussian noise, and at the end x_T must be +0.8
// for class 1 and -0.8 for class 0. The network CAN do this at any length: once latched, the noise does not
// flip it. Whether gradient descent FINDS it depends on T: the error at step T reaches h_1..h_3 only through
// T - 3 factors of w tanh'(a_t), and inside the latch's basin tanh' is small. Their Fig. 2b: success is near 1
// for T up to ~14, about 0.8 at 20, 0.5 at 25, 0.3 at 30 and 0.1 around 45.
#include "lessons/09_latch.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::lessons::lesson09 {

const LessonInfo info = {
    9, "09_latch", {"The latch",
                    "래치"},
    {"Bengio, Simard & Frasconi (1994) reduced the problem to its core: a single recurrent unit that must latch one "
     "bit of information and hold it against noise for T steps. It can; but gradient descent finds the solution less "
     "and less often as T grows, because the gradient that must reach the first inputs vanishes on the way.",
     "Bengio, Simard & Frasconi(1994)는 문제를 핵심만 남겨 줄였다: 정보 한 비트를 붙잡아(latch) T 스텝 동안 잡음에 맞서 "
     "쥐고 있어야 하는 순환 유닛 하나. 그 유닛은 할 수 있다. 하지만 T가 커질수록 경사 하강법이 해를 찾는 일은 점점 "
     "드물어진다. 첫 입력들까지 가야 하는 기울기가 도중에 사라지기 때문이다."},
    {"One self-connected tanh unit learns to latch a class over T steps of noise: success falls from most runs at "
     "T = 5 to almost none at T = 40-50, as in Bengio et al.'s Fig. 2b.",
     "자기 연결된 tanh 유닛 하나가 T 스텝의 잡음을 넘어 클래스를 붙잡는 법을 배운다: 성공률은 T = 5에서 대부분의 실행에서 "
     "T = 40-50에서 거의 0으로 떨어진다. Bengio 등의 그림 2b와 같다."}};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) c.runs = 12;
  return c;
}

namespace {

// Runs the latch over a batch: classes [N] (0 or 1), the learned first inputs per class [2, L], the noise
// [T, N] (rows 0 .. L-1 unused). Returns x_T = tanh(a_T), shape [N].
Var latch(const Var& w, const Var& first_inputs, const std::vector<std::size_t>& classes, const Tensor& noise,
          std::size_t steps, std::size_t trainable) {
  const std::size_t n = classes.size();
  const Var own = index_select(first_inputs, classes);  // [N, L]: each sequence's class's inputs
  Var a(Tensor::zeros({n}));
  for (std::size_t t = 0; t < steps; ++t) {
    const Var input = t < trainable ? select(own, 1, t) : Var(slice(noise, 0, t, t + 1).reshape({static_cast<long>(n)}));
    a = w * tanh(a) + input;  // a_t = w tanh(a_{t-1}) + h_t
  }
  return tanh(a);
}

struct Set {
  std::vector<std::size_t> classes;
  Tensor noise, targets;
};

Set make_set(std::size_t per_class, std::size_t steps, const Config& c, Rng& rng) {
  Set s;
  const std::size_t n = 2 * per_class;
  for (std::size_t i = 0; i < n; ++i) s.classes.push_back(i % 2);
  s.noise = Tensor::normal({steps, n}, 0, std::sqrt(c.noise_variance), rng);
  s.targets = Tensor({n});
  for (std::size_t i = 0; i < n; ++i) s.targets[i] = s.classes[i] == 1 ? c.target : -c.target;
  return s;
}

bool one_run(std::size_t steps, std::uint64_t seed, const Config& c) {
  Rng rng(seed);
  Var w(Tensor::scalar(c.initial_w), true);
  Var first(Tensor::uniform({2, c.trainable_inputs}, -0.1, 0.1, rng), true);
  const Set train = make_set(c.sequences_per_class, steps, c, rng);
  const Var targets(train.targets);
  for (std::size_t epoch = 0; epoch < c.epochs; ++epoch) {
    w.zero_grad();
    first.zero_grad();
    const Var loss = mse_loss(latch(w, first, train.classes, train.noise, steps, c.trainable_inputs), targets);
    backward(loss);
    // Full-batch gradient descent.
    w.mutable_value() -= w.grad() * c.learning_rate;
    first.mutable_value() -= first.grad() * c.learning_rate;
  }
  // Success: >= 99% of fresh sequences on the right side, and mean |x_T - d| < 0.2.
  NoGradGuard no_grad;
  const Set test = make_set(c.test_per_class, steps, c, rng);
  const Tensor x = latch(w, first, test.classes, test.noise, steps, c.trainable_inputs).value();
  double right = 0, distance = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    right += (x[i] > 0) == (test.targets[i] > 0);
    distance += std::abs(x[i] - test.targets[i]);
  }
  return right / static_cast<double>(x.size()) >= 0.99 && distance / static_cast<double>(x.size()) < 0.2;
}

// Ranks with ties averaged (for Spearman's correlation).
std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    for (std::size_t k = i; k <= j; ++k) r[order[k]] = (static_cast<double>(i + j) / 2) + 1;
    i = j + 1;
  }
  return r;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n, my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
}

}  // namespace

Result experiment(const Config& c) {
  Result r;
  Progress progress("latch runs", c.lengths.size() * c.runs);
  std::size_t done = 0;
  for (std::size_t steps : c.lengths) {
    std::size_t succeeded = 0;
    for (std::size_t run = 0; run < c.runs; ++run) {
      succeeded += one_run(steps, c.seed * 100000 + steps * 100 + run, c);
      progress.update(++done, static_cast<double>(succeeded));
    }
    r.success.push_back(static_cast<double>(succeeded) / static_cast<double>(c.runs));
  }
  std::vector<double> lengths(c.lengths.begin(), c.lengths.end());
  r.spearman = pearson(ranks(lengths), ranks(r.success));
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  double long_success = 0;
  for (std::size_t i = 0; i < c.lengths.size(); ++i) {
    if (c.lengths[i] >= 40) long_success = std::max(long_success, r.success[i]);
  }
  return {
      {"success frequency at T = " + std::to_string(c.lengths.front()), r.success.front(), ">= 0.6", r.success.front() >= 0.6},
      {"highest success frequency at T >= 40", long_success, "<= 0.2", long_success <= 0.2},
      {"Spearman rank correlation of T and success", r.spearman, "<= -0.8", r.spearman <= -0.8},
  };
}

int run(const Options& options) {
  Report report(info, options);
  const Config c = config(options.quick, options.seed);
  report.say({"One tanh unit, a_t = w tanh(a_{t-1}) + h_t with w starting at 1.25. The first 3 inputs are learned, one "
             "set per class; the rest are noise of variance 0.2. Targets +-0.8 at step T. " +
             std::to_string(c.sequences_per_class) + " training sequences per class, full-batch gradient descent on the "
             "mean squared error with learning rate 2 (the same step as learning rate 0.1 on the summed squared error) for " +
             std::to_string(c.epochs) + " epochs; " + std::to_string(c.runs) +
             " runs per length. A run succeeds if at least 99% of 400 fresh sequences end on the right side and the "
             "mean |x_T - target| is below 0.2.",
              "tanh 유닛 하나, a_t = w tanh(a_{t-1}) + h_t, w는 1.25에서 시작한다. 처음 3개의 입력은 학습되며 클래스마다 한 벌씩 "
             "있다. 나머지는 분산 0.2의 잡음이다. 스텝 T에서 목표는 +-0.8. 클래스마다 학습 시퀀스 " +
             std::to_string(c.sequences_per_class) + "개, 평균 제곱 오차에 대한 학습률 2의 전체 배치 경사 하강법(제곱 오차 "
             "합에 대한 학습률 0.1과 같은 보폭)으로 " + std::to_string(c.epochs) + " 에폭. 길이마다 실행 " +
             std::to_string(c.runs) + "번. 새 시퀀스 400개 중 99% 이상이 올바른 쪽에서 끝나고 평균 |x_T - 목표|가 0.2 "
             "미만이면 그 실행은 성공이다."});
  const Result r = experiment(c);

  // Bengio, Simard & Frasconi (1994), Fig. 2b, read off the published figure (approximate).
  const std::vector<std::pair<double, double>> paper = {{5, 1.0}, {10, 1.0}, {14, 1.0}, {20, 0.8}, {25, 0.5}, {30, 0.3}, {45, 0.1}};
  auto paper_at = [&](double t) {
    for (std::size_t i = 1; i < paper.size(); ++i) {
      if (t <= paper[i].first) {
        const double u = (t - paper[i - 1].first) / (paper[i].first - paper[i - 1].first);
        return paper[i - 1].second + u * (paper[i].second - paper[i - 1].second);
      }
    }
    return paper.back().second;
  };
  plot::BarChart bars;
  bars.title = "The latch: how often gradient descent learns it, by sequence length";
  bars.y_label = "fraction of successful runs";
  std::vector<double> ours, theirs;
  for (std::size_t i = 0; i < c.lengths.size(); ++i) {
    bars.categories.push_back("T = " + std::to_string(c.lengths[i]));
    ours.push_back(r.success[i]);
    theirs.push_back(paper_at(static_cast<double>(c.lengths[i])));
    report.figure("success frequency at T = " + std::to_string(c.lengths[i]), r.success[i]);
  }
  bars.series = {{"rnnlab (" + std::to_string(c.runs) + " runs each)", ours, ""},
                 {"Bengio et al. 1994, Fig. 2b (approx.)", theirs, "#bbbbbb"}};
  bars.y_max = 1.05;
  report.plot("success_by_length.svg", bars.svg(940, 440),
              {"The longer the noise the latch must survive, the less often training finds the latch, although it "
              "exists at every length.",
               "래치가 견뎌야 하는 잡음이 길수록, 래치는 모든 길이에 존재하는데도 학습이 그것을 찾는 일은 드물어진다."},
              bars.text(30));
  report.figure("Spearman correlation of T and success", r.spearman);
  report.say({"The solution is the same at every length: push the unit into the right basin in the first three steps, "
             "then let w > 1 hold it there. What changes with T is the path the error takes back to the three inputs: "
             "T - 3 multiplications by w tanh'(a), each below 1 once the unit is latched. Bengio et al. proved the "
             "dilemma this exposes: a state that is robust to noise is one where the gradient vanishes, so the more "
             "reliably a network stores information, the harder it is to learn what to store.",
              "해는 모든 길이에서 같다: 처음 세 스텝 안에 유닛을 올바른 분지로 밀어 넣고, w > 1이 거기에 붙잡아 두게 한다. "
             "T에 따라 바뀌는 것은 오차가 세 입력까지 돌아가는 경로다: w tanh'(a)를 T - 3번 곱하는데, 유닛이 붙잡힌 뒤에는 "
             "각각이 1보다 작다. Bengio 등은 이것이 드러내는 딜레마를 증명했다: 잡음에 강한 상태는 기울기가 사라지는 "
             "상태이고, 그래서 신경망이 정보를 믿음직하게 저장할수록 무엇을 저장할지 배우기는 더 어렵다."});
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson09
