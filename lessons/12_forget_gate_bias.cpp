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
#include <stdexcept>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/stats.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::lessons::lesson12 {

const LessonInfo info = {
    12, "12_forget_gate_bias", {"The forget gate and its bias",
                                "망각 게이트와 그 편향"},
    {"Gers, Schmidhuber & Cummins (2000) gave the LSTM a forget gate; the error along the cell state is multiplied by "
     "it at every step. Jozefowicz, Zaremba & Sutskever (2015) found that initializing its bias to 1 closes most of "
     "the gap to the best recurrent architectures: the gate starts open, and the carousel carries the error from the "
     "first step of training.",
     "Gers, Schmidhuber & Cummins(2000)는 LSTM에 망각 게이트를 주었다. 셀 상태를 따라가는 오차는 스텝마다 이 게이트에 "
     "곱해진다. Jozefowicz, Zaremba & Sutskever(2015)는 그 편향을 1로 초기화하면 최고의 순환 구조들과의 격차가 대부분 "
     "메워진다는 것을 발견했다: 게이트가 열린 채로 시작하고, 회전목마가 학습 첫 스텝부터 오차를 실어 나른다."},
    {"At initialization the product of forget gates 50 steps back is ~1e-15 with bias 0 and ~1e-7 with bias 1; on lesson "
     "08's sentence task with gaps up to 60 words, every run started at bias 2 learns it in 600 steps, most at bias 0 do "
     "not.",
     "초기화 직후 50 스텝 전까지의 망각 게이트 곱은 편향 0에서 ~1e-15, 편향 1에서 ~1e-7이다. 간격이 60단어까지인 레슨 08의 "
     "문장 과제에서, 편향 2로 시작한 실행은 모두 600 스텝 안에 배우고, 편향 0으로 시작한 실행은 대부분 배우지 못한다."}};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  c.gap.gaps = {5, 20, 40, 60};
  c.gap.train_gap_max = 60;
  c.gap.steps = 600;
  c.gap.seeds = 6;
  if (quick) {
    c.sequences = 16;
    c.gap.gaps = {5, 40};
    c.gap.train_gap_max = 40;
    c.gap.steps = 300;
    c.gap.seeds = 2;
    c.gap.test_sentences = 200;
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
  std::vector<double> by_lag(T);
  Tensor product = Tensor::ones({B, H});
  for (std::size_t k = 1; k <= T; ++k) {
    product *= forget[T - k];  // now f_T ... f_(T-k+1), counting t from 1
    by_lag[k - 1] = median(std::vector<double>(product.values().begin(), product.values().end()));
  }
  return by_lag;
}

Result experiment(const Config& c) {
  Result r;
  for (double bias : c.biases) r.products.push_back(forget_product_by_lag(bias, c));
  for (double bias : c.biases) {
    const std::string label = "LSTM, forget bias " + plot::format_number(bias);
    r.accuracy.push_back(lesson08::gap_sweep(c.gap, [&](Rng& rng) {
      return lesson11::make_gated_classifier(lesson11::Cell::lstm, rng, c.gap, bias);
    }, label, c.seed + 5));  // the same seeds for every bias: only the bias differs
    std::vector<double> lowest(c.gap.seeds, 1.0);
    for (const lesson08::GapPoint& point : r.accuracy.back()) {
      for (std::size_t s = 0; s < c.gap.seeds; ++s) lowest[s] = std::min(lowest[s], point.accuracy[s]);
    }
    r.solved.push_back(static_cast<std::size_t>(
        std::count_if(lowest.begin(), lowest.end(), [&](double a) { return a >= c.solved_at; })));
    r.lowest.push_back(lowest);
  }
  return r;
}

namespace {

std::string gap_list(const Config& c) {
  std::string out;
  for (std::size_t g : c.gap.gaps) out += (out.empty() ? "" : ", ") + std::to_string(g);
  return out;
}

std::size_t index_of(const Config& c, double bias) {
  const auto at = std::find(c.biases.begin(), c.biases.end(), bias);
  if (at == c.biases.end()) throw std::invalid_argument("lesson 12: the claims need forget bias " + plot::format_number(bias));
  return static_cast<std::size_t>(at - c.biases.begin());
}

}  // namespace

std::vector<Claim> claims(const Result& r, const Config& c) {
  const std::size_t b0 = index_of(c, 0), b1 = index_of(c, 1), b2 = index_of(c, 2);
  const double ratio = r.products[b1][49] / r.products[b0][49];
  const double n = static_cast<double>(c.gap.seeds);
  const double share0 = static_cast<double>(r.solved[b0]) / n, share1 = static_cast<double>(r.solved[b1]) / n,
               share2 = static_cast<double>(r.solved[b2]) / n;
  const std::string of = " (of " + std::to_string(c.gap.seeds) + " seeds)";
  return {
      {"at init, 50 steps back: forget-gate product with bias 1 / with bias 0", ratio, "> 1e4", ratio > 1e4},
      {"language task: share of runs solved with forget bias 2" + of, share2, ">= 5/6", share2 >= 5.0 / 6 - 1e-12},
      {"share solved with bias 2 minus share solved with bias 0", share2 - share0, ">= 1/2", share2 - share0 >= 0.5 - 1e-12},
      {"share solved with bias 1 minus share solved with bias 0", share1 - share0, ">= 0", share1 >= share0},
  };
}

int run(const Options& options) {
  Report report(info, options);
  const Config c = config(options.quick, options.seed);
  report.say({"(a) An LSTM with " + std::to_string(c.hidden) + " units, just initialized (PyTorch's U(-1/sqrt(H), "
             "1/sqrt(H)) everywhere except the forget gate's bias), reads " + std::to_string(c.sequences) +
             " sequences of random inputs. For every unit we multiply its forget gates backwards from the last step: "
             "the factor by which the error at c_T reaches c_(T-k) along the cell path.",
              "(a) 유닛 " + std::to_string(c.hidden) + "개의 갓 초기화된 LSTM(망각 게이트의 편향을 뺀 모든 곳에 PyTorch의 "
             "U(-1/sqrt(H), 1/sqrt(H)))이 무작위 입력 시퀀스 " + std::to_string(c.sequences) +
             "개를 읽는다. 유닛마다 마지막 스텝에서 거꾸로 망각 게이트들을 곱한다: c_T의 오차가 셀 경로를 따라 c_(T-k)에 "
             "닿을 때 곱해지는 인수다."});
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
              {"Solid: measured. Dashed: sigmoid(bias)^k, what a gate fixed at its bias would give. The measured "
              "products follow the dashed lines: at initialization the forget gate is its bias, and bias 0 halves the "
              "error at every step.",
               "실선: 측정값. 점선: sigmoid(편향)^k, 게이트가 편향 값에 고정되어 있을 때의 값. 측정된 곱은 점선을 따라간다: "
              "초기화 직후의 망각 게이트는 곧 그 편향이고, 편향 0은 스텝마다 오차를 절반으로 줄인다."},
              products.text(60, 12));

  report.say({"(b) What the bias does to learning: lesson 08's sentence task, \"i grew up in france ... i speak fluent "
             "___\", trained as in lesson 11 on gaps mixed from 0 to " + std::to_string(*c.gap.train_gap_max) +
             " filler words and tested at gaps " + gap_list(c) + ". LSTMs with " + std::to_string(c.gap.hidden) +
             " units (embedding " + std::to_string(c.gap.embedding) + "), forget bias 0, 1 and 2, " +
             std::to_string(c.gap.seeds) + " seeds each, the same seeds for every bias; Adam 0.01, batches of " +
             std::to_string(c.gap.batch) + ", clipping at 1, " + std::to_string(c.gap.steps) + " steps. A run counts "
             "as solved if its test accuracy is at least " + plot::format_number(c.solved_at) +
             " at every tested gap (chance is 0.25).",
              "(b) 편향이 학습에 하는 일: 레슨 08의 문장 과제 \"i grew up in france ... i speak fluent ___\"를 레슨 11처럼 0부터 " +
             std::to_string(*c.gap.train_gap_max) + "개까지 섞인 채움 단어 간격으로 학습하고, 간격 " + gap_list(c) +
             "에서 시험한다. 유닛 " + std::to_string(c.gap.hidden) + "개(임베딩 " + std::to_string(c.gap.embedding) +
             ")의 LSTM, 망각 편향 0, 1, 2, 편향마다 시드 " + std::to_string(c.gap.seeds) +
             "개(모든 편향에 같은 시드). Adam 0.01, 배치 " + std::to_string(c.gap.batch) + ", 1에서 클리핑, " +
             std::to_string(c.gap.steps) + " 스텝. 시험한 모든 간격에서 시험 정확도가 " +
             plot::format_number(c.solved_at) + " 이상이면 그 실행은 푼 것으로 친다(우연 수준은 0.25)."});

  plot::BarChart lowest;
  lowest.title = "Each run's accuracy at its hardest tested gap, after " + std::to_string(c.gap.steps) + " steps";
  lowest.y_label = "lowest test accuracy over the gaps";
  lowest.y_max = 1;
  for (std::size_t b = 0; b < c.biases.size(); ++b) {
    const std::string name = "forget bias " + plot::format_number(c.biases[b]);
    lowest.categories.push_back(name + ": " + std::to_string(r.solved[b]) + " of " + std::to_string(c.gap.seeds) + " solved");
    report.figure(name + ": runs solved", static_cast<double>(r.solved[b]));
  }
  for (std::size_t s = 0; s < c.gap.seeds; ++s) {
    plot::BarSeries seed{"seed " + std::to_string(s), {}, plot::palette()[s % plot::palette().size()]};
    for (std::size_t b = 0; b < c.biases.size(); ++b) seed.values.push_back(r.lowest[b][s]);
    lowest.series.push_back(seed);
  }
  lowest.reference_lines = {{c.solved_at, "solved"}, {0.25, "chance"}};
  report.plot("solved.svg", lowest.svg(),
              {"One bar per seed. With bias 0 most runs are still stuck after " + std::to_string(c.gap.steps) +
                  " steps: they have learned some countries, or none; started open, the same seeds learn all four at "
                  "every gap.",
               "시드마다 막대 하나. 편향 0이면 대부분의 실행이 " + std::to_string(c.gap.steps) +
                  " 스텝 뒤에도 갇혀 있다: 나라 몇 개만 배웠거나 하나도 못 배웠다. 열린 채로 시작하면 같은 시드들이 "
                  "모든 간격에서 네 나라를 다 배운다."},
              lowest.text(30));
  report.say({"Nothing else differs between these runs: the same architecture, data, optimizer and seeds. The bias only "
             "moves where the forget gate starts. Started near 1, the cell path carries the error from the country to "
             "the question from the first step of training, and the net can discover what to store; started at 1/2, "
             "the error from 40 words later arrives as 1e-12 of itself, and the net must first learn to keep its gate "
             "open with no signal telling it why.",
              "이 실행들 사이에 다른 것은 아무것도 없다: 같은 구조, 데이터, 최적화기, 시드. 편향은 망각 게이트가 어디서 시작하는지만 "
             "옮긴다. 1 근처에서 시작하면 셀 경로가 학습 첫 스텝부터 질문에서 나라까지 오차를 실어 나르고, 신경망은 무엇을 "
             "저장할지 찾아낼 수 있다. 1/2에서 시작하면 40단어 뒤의 오차가 자기 자신의 1e-12로 도착하고, 신경망은 왜 "
             "그래야 하는지 알려 주는 신호도 없이 먼저 게이트를 열어 두는 법부터 배워야 한다."});
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson12
