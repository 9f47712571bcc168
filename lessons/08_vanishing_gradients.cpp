// Lesson 08 — vanishing and exploding gradients.
//
// Backpropagation through time sends the error back one step at a time. From h_t = f(a_t) with
// a_t = W x_t + U h_{t-1}, one step back multiplies it by the Jacobian
//     dh_t / dh_{t-1} = diag(f'(a_t)) U,
// so the error that reaches k steps back is a product of k such matrices. Hochreiter (1991, in his diploma
// thesis) and Bengio, Simard & Frasconi (1994) showed what follows: its norm behaves like (|f'| * sigma)^k,
// with sigma the largest singular value of U. With tanh (|f'| <= 1) it must vanish when sigma < 1; with the
// logistic sigmoid (f' <= 1/4) whenever sigma < 4; a linear network with spectral radius above 1 explodes.
// Exponentially: after 50 steps a factor of 0.8 per step leaves 1e-5. Pascanu, Mikolov & Bengio (2013) made
// this precise and named the remedies (lessons 10-12).
//
// The consequence, in the words of the source notes: "as the sentence gets longer, the gradient converges to
// 0". In "i grew up in france ... i speak fluent ___", the word that decides the answer is many steps back.
// When the gap is short ("the clouds are in the ___") an RNN learns it; when it is long, the error signal
// from the answer never reaches "france", and the network stays at chance.
#include "lessons/08_vanishing_gradients.hpp"

#include <algorithm>
#include <cmath>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/stats.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"
#include "tensor/ops.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson08 {

const LessonInfo info = {
    8, "08_vanishing_gradients", {"Vanishing and exploding gradients",
                                  "사라지는 기울기와 폭발하는 기울기"},
    {"Hochreiter (1991) and Bengio, Simard & Frasconi (1994) found why recurrent networks could not learn long-range "
     "dependencies: the error sent back through time is multiplied, step after step, by the same Jacobian, and so "
     "shrinks or grows exponentially with the distance. Pascanu, Mikolov & Bengio (2013) gave the bounds their modern "
     "form. This is the problem LSTM was invented to solve.",
     "Hochreiter(1991)와 Bengio, Simard & Frasconi(1994)는 순환 신경망이 먼 의존성을 배우지 못하는 이유를 찾아냈다: "
     "시간을 거슬러 보내는 오차는 스텝마다 같은 야코비안에 곱해지고, 그래서 거리에 따라 지수적으로 줄어들거나 커진다. "
     "Pascanu, Mikolov & Bengio(2013)는 그 한계를 오늘날의 형태로 정리했다. LSTM은 바로 이 문제를 풀려고 발명되었다."},
    {"The backpropagated error shrinks exponentially with the distance it travels (or explodes); so an RNN learns "
     "\"i grew up in france ... i speak fluent ___\" at short gaps and stays at chance at long ones.",
     "역전파된 오차는 이동한 거리에 따라 지수적으로 줄어든다(또는 폭발한다). 그래서 RNN은 \"i grew up in france ... "
     "i speak fluent ___\"를 간격이 짧을 때는 배우고, 길 때는 우연 수준에 머문다."}};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.heat_steps = 100;
    c.gap.gaps = {2, 40};
    c.gap.steps = 300;
    c.gap.test_sentences = 300;
  }
  return c;
}

// ---- (1) ----

std::vector<double> median_error_norm_by_lag(const std::vector<Var>& states, Rng& rng) {
  const std::size_t steps = states.size(), B = states.back().shape()[0], H = states.back().shape()[1];
  // L = sum over sequences of u_b . s_T[b], with u_b a random unit vector: dL/ds_T[b] = u_b. The sequences do not
  // interact, so dL/ds_t[b] is sequence b's own backpropagated error.
  Tensor u = Tensor::normal({B, H}, 0, 1, rng);
  for (std::size_t b = 0; b < B; ++b) {
    real norm = 0;
    for (std::size_t j = 0; j < H; ++j) norm += u[b * H + j] * u[b * H + j];
    for (std::size_t j = 0; j < H; ++j) u[b * H + j] /= std::sqrt(norm);
  }
  backward(states.back(), u);
  std::vector<double> by_lag(steps);
  std::vector<double> norms(B);
  for (std::size_t k = 0; k < steps; ++k) {
    const Tensor& g = states[steps - 1 - k].grad();
    for (std::size_t b = 0; b < B; ++b) {
      real sq = 0;
      for (std::size_t j = 0; j < H; ++j) sq += g[b * H + j] * g[b * H + j];
      norms[b] = std::sqrt(sq);
    }
    by_lag[k] = median(norms);
  }
  return by_lag;
}

std::vector<double> error_norm_by_lag(Activation f, double rho, const NormConfig& c, std::uint64_t seed) {
  Rng rng(seed);
  // Input weights N(0, 1/inputs): each unit's input term W x_t has unit variance, so the units are driven into
  // the curved part of f, as in a working network (with tiny inputs tanh stays near its linear range).
  const Var W(Tensor::normal({c.hidden, c.inputs}, 0, 1 / std::sqrt(static_cast<real>(c.inputs)), rng));
  Var U(Tensor::zeros({c.hidden, c.hidden}));
  nn::init::orthogonal_(U, rng, rho);
  const std::size_t B = c.sequences;
  Var h(Tensor::zeros({B, c.hidden}), /*requires_grad=*/true);  // so the whole chain of states is recorded
  std::vector<Var> states;
  for (std::size_t t = 0; t < c.steps; ++t) {
    const Var x(Tensor::normal({B, c.inputs}, 0, 1, rng));
    const Var a = linear(x, W, Var()) + linear(h, U, Var());  // a_t = W x_t + U h_{t-1}
    h = f == Activation::tanh ? tanh(a) : f == Activation::sigmoid ? sigmoid(a) : a;
    h.retain_grad();
    states.push_back(h);
  }
  return median_error_norm_by_lag(states, rng);
}

// ---- (4) ----

namespace {

class TanhClassifier : public SentenceClassifier {
 public:
  TanhClassifier(Rng& rng, const GapConfig& c)
      : embedding_(data::language_vocabulary().size(), c.embedding, rng), cell_(c.embedding, c.hidden, rng),
        readout_(c.hidden, data::language_count, rng) {
    register_module("embedding", embedding_);
    register_module("cell", cell_);
    register_module("readout", readout_);
  }
  Var logits(const data::LanguageBatch& batch, std::vector<Var>* states) override {
    const Var words = embedding_.forward(batch.tokens, {batch.steps, batch.batch});  // [T, B, E]
    Var h(Tensor::zeros({batch.batch, cell_.hidden_size()}));
    for (std::size_t t = 0; t < batch.steps; ++t) {
      h = cell_(select(words, 0, t), h);
      if (states) {
        h.retain_grad();
        states->push_back(h);
      }
    }
    return readout_(h);
  }

 private:
  nn::Embedding embedding_;
  nn::RNNCell cell_;
  nn::Linear readout_;
};

double accuracy_of(const Tensor& logits, const std::vector<std::size_t>& labels) {
  const Tensor predicted = argmax(logits, 1);
  double right = 0;
  for (std::size_t b = 0; b < labels.size(); ++b) right += static_cast<std::size_t>(predicted[b]) == labels[b];
  return right / static_cast<double>(labels.size());
}

}  // namespace

std::unique_ptr<SentenceClassifier> tanh_classifier(Rng& rng, const GapConfig& config) {
  return std::make_unique<TanhClassifier>(rng, config);
}

std::vector<GapPoint> gap_sweep(const GapConfig& c, const ClassifierFactory& factory, const std::string& label,
                                std::uint64_t seed) {
  const bool mixed = c.train_gap_max.has_value();
  const std::size_t models = (mixed ? 1 : c.gaps.size()) * c.seeds;
  std::vector<GapPoint> points;
  for (std::size_t gap : c.gaps) points.push_back({gap, std::vector<double>(c.seeds, 0)});
  Progress progress(label, models * c.steps);
  // Every model is an independent task with its own Rng, so the runs share the cores and give the same
  // numbers however they are scheduled.
  parallel_tasks(models, [&](std::size_t task) {
    const std::size_t s = task % c.seeds, trained_gap = task / c.seeds;  // trained_gap: an index into c.gaps
    Rng rng(seed * 1000 + s);
    std::unique_ptr<SentenceClassifier> model = factory(rng);
    optim::Adam adam(model->parameters(), c.learning_rate);
    for (std::size_t step = 0; step < c.steps; ++step) {
      const std::size_t gap = mixed ? rng.below(*c.train_gap_max + 1) : c.gaps[trained_gap];
      const data::LanguageBatch batch = data::language_batch(gap, c.batch, rng);
      adam.zero_grad();
      const Var loss = cross_entropy(model->logits(batch), batch.labels);
      backward(loss);
      optim::clip_grad_norm(model->parameters(), c.clip);
      adam.step();
      progress.advance(loss.item());
    }
    NoGradGuard no_grad;
    for (std::size_t k = 0; k < c.gaps.size(); ++k) {
      if (!mixed && k != trained_gap) continue;
      const data::LanguageBatch test = data::language_batch(c.gaps[k], c.test_sentences, rng);
      points[k].accuracy[s] = accuracy_of(model->logits(test).value(), test.labels);
    }
  });
  return points;
}

// ---- the experiment ----

Result experiment(const Config& c) {
  Result r;
  // (1) Error norms by lag.
  for (double rho : c.rhos) {
    r.norm_curves.emplace_back("tanh, rho = " + plot::format_number(rho), error_norm_by_lag(Activation::tanh, rho, c.norms, c.seed + 1));
  }
  for (double rho : {1.0, 4.0}) {
    r.norm_curves.emplace_back("sigmoid, rho = " + plot::format_number(rho), error_norm_by_lag(Activation::sigmoid, rho, c.norms, c.seed + 2));
  }
  r.norm_curves.emplace_back("linear, rho = 1.1", error_norm_by_lag(Activation::linear, 1.1, c.norms, c.seed + 3));

  // The straight-line fit of log10(norm) against lag for tanh, rho = 0.9: exponential decay is a line.
  const std::vector<double>& decay = r.norm_curves[1].second;
  double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, n = 0;
  for (std::size_t k = 1; k < decay.size(); ++k) {
    if (!(decay[k] > 0)) continue;
    const double x = static_cast<double>(k), y = std::log10(decay[k]);
    sx += x, sy += y, sxx += x * x, sxy += x * y, syy += y * y, n += 1;
  }
  const double cov = sxy - sx * sy / n, vx = sxx - sx * sx / n, vy = syy - sy * sy / n;
  r.tanh_fit_slope = cov / vx;
  r.tanh_fit_r2 = cov * cov / (vx * vy);

  // (2) ||dL/dh_t|| over training, for a tanh RNN learning the language task at one gap.
  {
    Rng rng(c.seed + 4);
    std::unique_ptr<SentenceClassifier> model = tanh_classifier(rng, c.gap);
    optim::Adam adam(model->parameters(), c.gap.learning_rate);
    Progress progress("gradient heat map", c.heat_steps);
    const std::size_t steps_per_sentence = 5 + c.heat_gap + 3;
    r.heat_rows = steps_per_sentence;
    std::vector<std::vector<double>> columns;
    for (std::size_t step = 0; step < c.heat_steps; ++step) {
      const data::LanguageBatch batch = data::language_batch(c.heat_gap, c.gap.batch, rng);
      adam.zero_grad();
      std::vector<Var> states;
      const Var logits = model->logits(batch, &states);
      const Var loss = cross_entropy(logits, batch.labels);
      backward(loss);
      if (step % c.heat_every == 0) {
        std::vector<double> column;
        for (const Var& h : states) {
          const Tensor& g = h.grad();
          double total = 0;
          for (std::size_t b = 0; b < batch.batch; ++b) {
            double sq = 0;
            for (std::size_t j = 0; j < c.gap.hidden; ++j) sq += g[b * c.gap.hidden + j] * g[b * c.gap.hidden + j];
            total += std::sqrt(sq);
          }
          column.push_back(total / static_cast<double>(batch.batch));
        }
        columns.push_back(column);
        r.heat_accuracy.push_back(accuracy_of(logits.value(), batch.labels));
      }
      optim::clip_grad_norm(model->parameters(), c.gap.clip);
      adam.step();
      progress.update(step + 1, loss.item());
    }
    r.heat_cols = columns.size();
    r.heat.assign(r.heat_rows * r.heat_cols, 0);
    for (std::size_t col = 0; col < r.heat_cols; ++col)
      for (std::size_t t = 0; t < r.heat_rows; ++t) r.heat[t * r.heat_cols + col] = columns[col][t];
  }

  // (3) The derivatives, by autograd itself: d/dx sum(f(x)) = f'(x) elementwise.
  {
    const Tensor grid = Tensor::arange(-6, 6.0001, 0.05);
    Var x1(grid, true), x2(grid, true);
    backward(sum(tanh(x1)));
    backward(sum(sigmoid(x2)));
    r.derivative_x.assign(grid.values().begin(), grid.values().end());
    r.tanh_derivative.assign(x1.grad().values().begin(), x1.grad().values().end());
    r.sigmoid_derivative.assign(x2.grad().values().begin(), x2.grad().values().end());
  }

  // (4) The gap sweep.
  r.gaps = gap_sweep(c.gap, [&](Rng& rng) { return tanh_classifier(rng, c.gap); }, "tanh RNN, gap sweep", c.seed + 5);
  return r;
}

namespace {

const std::vector<double>& curve(const Result& r, const std::string& name) {
  for (const auto& [n, values] : r.norm_curves) {
    if (n == name) return values;
  }
  static const std::vector<double> none;
  return none;
}

}  // namespace

std::vector<Claim> claims(const Result& r, const Config& c) {
  std::vector<Claim> out;
  double worst = 0;
  for (const char* name : {"tanh, rho = 0.5", "tanh, rho = 0.9", "tanh, rho = 1"}) worst = std::max(worst, curve(r, name)[50]);
  out.push_back({"tanh, rho <= 1: largest median error norm 50 steps back", worst, "< 1e-5", worst < 1e-5});
  const double explode = curve(r, "linear, rho = 1.1")[50];
  out.push_back({"linear, rho = 1.1: median error norm 50 steps back", explode, "> 1e2", explode > 1e2});
  out.push_back({"tanh, rho = 0.9: R^2 of a straight line through log10(norm) against lag", r.tanh_fit_r2, "> 0.95",
                 r.tanh_fit_r2 > 0.95});
  const double tanh_max = *std::max_element(r.tanh_derivative.begin(), r.tanh_derivative.end());
  const double sigmoid_max = *std::max_element(r.sigmoid_derivative.begin(), r.sigmoid_derivative.end());
  out.push_back({"the largest derivative of tanh (autograd, on a grid through 0)", tanh_max, "= 1", std::abs(tanh_max - 1) < 1e-12});
  out.push_back({"the largest derivative of the sigmoid", sigmoid_max, "= 0.25", std::abs(sigmoid_max - 0.25) < 1e-12});
  const GapPoint& shortest = r.gaps.front();
  const GapPoint& longest = r.gaps.back();
  const double chance = 1.0 / data::language_count;
  const double worst_short = *std::min_element(shortest.accuracy.begin(), shortest.accuracy.end());
  const double best_long = *std::max_element(longest.accuracy.begin(), longest.accuracy.end());
  out.push_back({"gap " + std::to_string(shortest.gap) + ": lowest test accuracy over " + std::to_string(c.gap.seeds) + " seeds",
                 worst_short, ">= 0.95", worst_short >= 0.95});
  out.push_back({"gap " + std::to_string(longest.gap) + ": highest test accuracy over " + std::to_string(c.gap.seeds) +
                     " seeds (chance is 0.25)",
                 best_long, "<= chance + 0.1", best_long <= chance + 0.1});
  return out;
}

int run(const Options& options) {
  Report report(info, options);
  const Config c = config(options.quick, options.seed);
  report.say({"(1) A recurrent layer h_t = f(W x_t + U h_{t-1}) with " + std::to_string(c.norms.hidden) +
             " units, U = rho Q for a random orthogonal Q (so every singular value of U is rho), inputs N(0, 1) through "
             "weights that give each unit an input of unit variance, " +
             std::to_string(c.norms.sequences) + " sequences of " + std::to_string(c.norms.steps) +
             " steps. We backpropagate from the last state and read, through retain_grad() on every h_t, how large the "
             "error is k steps back.",
              "(1) 유닛 " + std::to_string(c.norms.hidden) +
             "개의 순환 레이어 h_t = f(W x_t + U h_{t-1}). 무작위 직교 행렬 Q에 대해 U = rho Q(그래서 U의 특이값은 모두 "
             "rho)이고, 입력 N(0, 1)은 각 유닛에 분산 1의 입력을 주는 가중치를 거친다. " +
             std::to_string(c.norms.steps) + " 스텝짜리 시퀀스 " + std::to_string(c.norms.sequences) +
             "개. 마지막 상태에서 역전파하고, 모든 h_t에 건 retain_grad()로 k 스텝 전의 오차가 얼마나 큰지 읽는다."});
  const Result r = experiment(c);

  plot::LineChart norms;
  norms.title = "The error sent back through time: median ||dL/dh_(T-k)||";
  norms.x_label = "k: steps back from the loss";
  norms.y_label = "norm of the backpropagated error (log scale)";
  norms.log_y = true;
  for (const auto& [name, values] : r.norm_curves) {
    plot::Series s{name, {}, {}, "", false, name.starts_with("sigmoid")};
    for (std::size_t k = 0; k < values.size(); ++k) {
      s.x.push_back(static_cast<double>(k));
      s.y.push_back(values[k]);
    }
    norms.series.push_back(s);
  }
  norms.reference_lines = {{1e-5, "1e-5"}, {1, "1"}};
  report.plot("error_norm_by_lag.svg", norms.svg(900, 520),
              {"Every tanh and sigmoid line falls as a straight line on the log scale: exponential decay, faster for smaller "
              "rho and for the sigmoid, whose slope is at most 1/4. The linear network with rho = 1.1 explodes instead.",
               "모든 tanh와 시그모이드 선이 로그 눈금에서 직선으로 떨어진다: 지수적 감쇠이며, rho가 작을수록, 그리고 기울기가 최대 "
              "1/4인 시그모이드일수록 빠르다. rho = 1.1인 선형 신경망은 반대로 폭발한다."},
              norms.text(64, 14));
  for (const auto& [name, values] : r.norm_curves) {
    report.figure(name + ": median norm 50 steps back", values[50]);
  }
  report.figure("tanh, rho = 0.9: slope of log10(norm) per step", r.tanh_fit_slope);
  report.say({"Even rho = 1.5 does not rescue the tanh network: the larger U drives the units into saturation, where "
             "tanh' is small, and the product still shrinks. Only the linear network, with no derivative to shrink it, "
             "explodes: by 1.1 per step, 1.1^50 = 117 after 50 steps.",
              "rho = 1.5도 tanh 신경망을 구하지 못한다: 더 큰 U가 유닛을 포화로 몰아넣고, 그곳에서 tanh'은 작아서 곱은 여전히 "
             "줄어든다. 줄일 도함수가 없는 선형 신경망만 폭발한다: 스텝마다 1.1배, 50 스텝 뒤 1.1^50 = 117."});
  report.figure("tanh, rho = 0.9: R^2 of the straight-line fit", r.tanh_fit_r2);

  plot::LineChart derivatives;
  derivatives.title = "The derivatives that multiply the error at every step";
  derivatives.x_label = "a (the unit's input)";
  derivatives.y_label = "f'(a)";
  derivatives.series = {{"tanh'(a) = 1 - tanh(a)^2", r.derivative_x, r.tanh_derivative, "", false, false},
                        {"sigmoid'(a) = s(a) (1 - s(a))", r.derivative_x, r.sigmoid_derivative, "", false, false}};
  derivatives.reference_lines = {{1, "1: the most tanh can pass on"}, {0.25, "1/4: the most the sigmoid can"}};
  derivatives.y_min = 0;
  derivatives.y_max = 1.1;
  report.plot("derivatives.svg", derivatives.svg(),
              {"Computed by autograd. tanh' never exceeds 1 and the sigmoid's never exceeds 1/4: each step back can only "
              "keep or shrink the error unless U amplifies it.",
               "autograd로 계산했다. tanh'은 1을 넘지 않고 시그모이드의 도함수는 1/4을 넘지 않는다: U가 키우지 않는 한, "
              "한 스텝 거슬러 갈 때마다 오차는 그대로이거나 줄어들 뿐이다."});

  report.say({"(2) The same decay, inside a network that is learning: a tanh RNN trained on the language task with " +
             std::to_string(c.heat_gap) + " filler words between the country and the answer. Every " +
             std::to_string(c.heat_every) + " steps we record how large the error is at each position of the sentence.",
              "(2) 같은 감쇠를 학습 중인 신경망 안에서: 나라와 답 사이에 채움 단어 " + std::to_string(c.heat_gap) +
             "개가 있는 언어 과제로 학습하는 tanh RNN. " + std::to_string(c.heat_every) +
             " 스텝마다 문장의 각 위치에서 오차가 얼마나 큰지 기록한다."});
  plot::HeatMap heat;
  heat.title = "||dL/dh_t|| during training (gap " + std::to_string(c.heat_gap) + ")";
  heat.x_label = "training step";
  heat.y_label = "position t in the sentence (the answer is read at the top)";
  heat.value_label = "mean ||dL/dh_t|| (log)";
  heat.rows = r.heat_rows;
  heat.cols = r.heat_cols;
  heat.values = r.heat;
  heat.log_scale = true;
  heat.x_first = 0;
  heat.x_last = static_cast<double>((r.heat_cols - 1) * c.heat_every);
  heat.y_first = 0;
  heat.y_last = static_cast<double>(r.heat_rows - 1);
  report.plot("gradient_heatmap.svg", heat.svg(860, 480),
              {"At every point of training the error is largest where the answer is read (top) and fades towards the "
              "start of the sentence (position 4 holds the country), several orders of magnitude below.",
               "학습의 모든 시점에서 오차는 답을 읽는 곳(위)에서 가장 크고, 문장의 시작 쪽(위치 4에 나라가 있다)으로 갈수록 "
              "몇 자릿수 아래로 희미해진다."});

  report.say({"(4) The task of the source notes. Sentences \"i grew up in <country>\", then g random filler words, then "
             "\"i speak fluent\"; the network must name the language. Word embedding " + std::to_string(c.gap.embedding) +
             ", tanh RNN with " + std::to_string(c.gap.hidden) + " units, Adam 0.01, gradients clipped at norm 1, batches of " +
             std::to_string(c.gap.batch) + ", " + std::to_string(c.gap.steps) + " steps; one model per gap and seed.",
              "(4) 원본 노트의 과제. 문장 \"i grew up in <나라>\", 그다음 무작위 채움 단어 g개, 그다음 \"i speak fluent\". "
             "신경망은 언어를 말해야 한다. 단어 임베딩 " + std::to_string(c.gap.embedding) + ", 유닛 " +
             std::to_string(c.gap.hidden) + "개의 tanh RNN, Adam 0.01, 노름 1에서 기울기 클리핑, 배치 " +
             std::to_string(c.gap.batch) + ", " + std::to_string(c.gap.steps) + " 스텝. 간격과 시드마다 모델 하나."});
  plot::LineChart gaps;
  gaps.title = "\"i grew up in france ... i speak fluent ___\": accuracy against the gap";
  gaps.x_label = "g: filler words between the country and the question";
  gaps.y_label = "test accuracy";
  gaps.y_min = 0;
  gaps.y_max = 1.02;
  plot::Series mean_line{"tanh RNN (mean of seeds)", {}, {}, plot::palette()[0], true, false};
  for (std::size_t s = 0; s < c.gap.seeds; ++s) {
    plot::Series seed_line{"", {}, {}, "#9bbfd9", false, true};
    for (const GapPoint& p : r.gaps) {
      seed_line.x.push_back(static_cast<double>(p.gap));
      seed_line.y.push_back(p.accuracy[s]);
    }
    gaps.series.push_back(seed_line);
  }
  for (const GapPoint& p : r.gaps) {
    double m = 0;
    for (double a : p.accuracy) m += a;
    mean_line.x.push_back(static_cast<double>(p.gap));
    mean_line.y.push_back(m / static_cast<double>(p.accuracy.size()));
    report.figure("gap " + std::to_string(p.gap) + ": mean test accuracy", mean_line.y.back());
  }
  gaps.series.push_back(mean_line);
  gaps.reference_lines = {{0.25, "chance: 1/4"}};
  report.plot("accuracy_by_gap.svg", gaps.svg(), {"\"The clouds are in the ___\" is easy; \"I grew up in France ... I speak "
              "fluent ___\" is not. (Thin dashed lines: single seeds.)",
                                                  "\"The clouds are in the ___\"는 쉽고, \"I grew up in France ... I speak fluent ___\"는 어렵다. "
              "(가는 점선: 시드 하나씩.)"}, gaps.text(56, 10));
  Rng example_rng(c.seed);
  report.block("  for example, at gap 5:  " + data::sentence_of(data::language_batch(5, 1, example_rng), 0) + " -> ?");

  report.say({"Nothing is wrong with the network's capacity: a tanh RNN can hold a word for 40 steps. What fails is "
             "learning. The only signal that could teach it to keep \"france\" arrives through a product of 40 Jacobians, "
             "each shrinking it, and is drowned by the signals from nearby words. Gradient clipping (lesson 10) tames the "
             "opposite, exploding case; for the vanishing case the cure is an architecture whose error path does not "
             "shrink: the LSTM's constant error carousel (lesson 11).",
              "신경망의 용량에는 아무 문제가 없다: tanh RNN은 단어 하나를 40 스텝 동안 쥐고 있을 수 있다. 실패하는 것은 학습이다. "
             "\"france\"를 간직하라고 가르칠 수 있는 유일한 신호는 야코비안 40개의 곱을 거쳐 도착하는데, 각각이 신호를 "
             "줄이고, 결국 가까운 단어들에서 온 신호에 묻혀 버린다. 기울기 클리핑(레슨 10)은 반대쪽, 폭발하는 경우를 "
             "다스린다. 사라지는 경우의 처방은 오차 경로가 줄어들지 않는 구조, 즉 LSTM의 상수 오차 회전목마(레슨 11)다."});
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson08
