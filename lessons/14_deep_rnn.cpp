// Lesson 14 — deep (stacked) RNNs (Schmidhuber 1992, "Learning complex, extended sequences using the principle of
// history compression"; El Hihi & Bengio 1996, "Hierarchical recurrent neural networks for long-term
// dependencies"; Graves, Mohamed & Hinton 2013, "Speech recognition with deep recurrent neural networks"; Pascanu,
// Gulcehre, Cho & Bengio 2014, "How to construct deep recurrent neural networks").
//
// An RNN is deep in time: unrolled over T steps it is a T-layer network. But between one input and the next state
// it is shallow: one affine map and one tanh,
//     h_t = tanh(W x_t + U h_(t-1) + b).
// Stacking puts layers on top of each other at every step, the states of layer l being the inputs of layer l + 1:
//     h^l_t = tanh(W^l h^(l-1)_t + U^l h^l_(t-1) + b^l),     h^0_t = x_t,
// so each step gets several nonlinear stages. Graves, Mohamed & Hinton (2013) made the case on TIMIT: 3 stacked
// bidirectional LSTM layers reached 18.6% phoneme error where 1 layer reached 23.9%; Pascanu et al. (2014) named
// the kinds of depth an RNN can have (input-to-hidden, hidden-to-hidden, hidden-to-output).
//
// The task here is built to need two stages per step: a latch that a point x_t writes only when it falls inside a
// disk. "Inside the disk" is not a half-plane, so no single tanh unit computes it; a 1-layer tanh RNN must compute
// it and gate its own state with it in one tanh, where a 2-layer stack can compute it in layer 1 and run the latch
// in layer 2. (A running parity of a checkerboard feature would need two stages too, but parities give gradient
// descent almost no slope to start from, so either net mostly stays at chance: a test of luck, not of depth.)
//
// Depth has a price lesson 08 already showed for time: the error crosses one Jacobian per layer, and shrinks.
// The residual connections of deep translation and speech stacks (x_(l+1) = layer_l(x_l) + x_l, the
// RecurrentOptions::residual extension) add a path along which it does not.
#include "lessons/14_deep_rnn.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "lessons/common/stats.hpp"
#include "nn/optim.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson14 {

const LessonInfo info = {
    14, "14_deep_rnn", {"Deep (stacked) RNNs",
                        "깊은(쌓은) RNN"},
    {"Schmidhuber (1992) and El Hihi & Bengio (1996) stacked recurrent layers so that higher layers work on what lower "
     "ones have computed; Graves, Mohamed & Hinton (2013) took stacked LSTMs to the best result yet on TIMIT, and "
     "Pascanu et al. (2014) asked where in an RNN depth helps.",
     "Schmidhuber(1992)와 El Hihi & Bengio(1996)는 순환 레이어를 쌓아, 위 레이어가 아래 레이어가 계산한 것 위에서 일하게 "
     "했다. Graves, Mohamed & Hinton(2013)은 쌓은 LSTM으로 TIMIT에서 당시 최고 결과를 냈고, Pascanu 등(2014)은 RNN의 "
     "어디에서 깊이가 도움이 되는지 물었다."},
    {"On a latch written only when the input falls inside a disk (two nonlinear stages per step), a 2-layer tanh RNN "
     "beats a 1-layer net with more parameters. Through depth the error shrinks as it does through time, unless "
     "residual connections carry it.",
     "입력이 원판 안에 떨어질 때만 쓰이는 래치(스텝마다 비선형 단계 두 개)에서, 2층 tanh RNN이 매개변수가 더 많은 1층 "
     "신경망을 이긴다. 깊이를 따라서도 오차는 시간을 따라서처럼 줄어든다. 잔차 연결이 실어 나르지 않는다면."}};

// ---- the task ----

LatchBatch disk_latch_batch(std::size_t steps, std::size_t batch, Rng& rng) {
  LatchBatch out{Tensor({steps, batch, 2}), Tensor({steps, batch, 1})};
  for (std::size_t b = 0; b < batch; ++b) {
    bool latch = false;
    for (std::size_t t = 0; t < steps; ++t) {
      const double x1 = rng.uniform(-1, 1), x2 = rng.uniform(-1, 1);
      out.inputs.at({t, b, 0}) = x1;
      out.inputs.at({t, b, 1}) = x2;
      if (x1 * x1 + x2 * x2 < 0.5) latch = x1 > 0;  // inside the disk: write; outside: keep
      out.targets.at({t, b, 0}) = latch ? 1 : 0;
    }
  }
  return out;
}

StackedModel::StackedModel(std::size_t layers, std::size_t hidden, Rng& rng, bool residual)
    : rnn_(2, hidden, rng, {.num_layers = layers, .residual = residual}), readout_(hidden, 1, rng) {
  register_module("rnn", rnn_);
  register_module("readout", readout_);
}

Var StackedModel::forward(const Var& x) { return readout_.forward(rnn_(x).output); }

// ---- training ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.steps = 10;
    c.training_steps = 1000;
    c.learning_rate = 1e-2;
    c.test_sequences = 300;
    c.seeds = 1;
    c.depth_sequences = 16;
    c.deep_accuracy_at_least = 0.88;
  }
  return c;
}

namespace {

// The share of steps where the sign of the logit matches the target.
double per_step_accuracy(const Tensor& logits, const Tensor& targets) {
  std::size_t right = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) right += (logits[i] > 0) == (targets[i] > 0.5);
  return static_cast<double>(right) / static_cast<double>(logits.size());
}

Run train_run(std::size_t layers, std::size_t hidden, std::uint64_t seed, const Config& c, Progress* progress) {
  Rng rng(seed);
  const LatchBatch test = disk_latch_batch(c.steps, c.test_sequences, rng);
  StackedModel model(layers, hidden, rng);
  Run run{layers, hidden, model.num_parameters(), {}, {}, 0};
  auto evaluate = [&](std::size_t step) {
    NoGradGuard no_grad;
    run.step.push_back(static_cast<double>(step));
    run.accuracy.push_back(per_step_accuracy(model.forward(Var(test.inputs)).value(), test.targets));
  };
  optim::Adam adam(model.parameters(), c.learning_rate);
  evaluate(0);
  for (std::size_t step = 1; step <= c.training_steps; ++step) {
    const LatchBatch batch = disk_latch_batch(c.steps, c.batch, rng);
    adam.zero_grad();
    const Var loss = bce_with_logits(model.forward(Var(batch.inputs)), Var(batch.targets));
    backward(loss);
    optim::clip_grad_norm(model.parameters(), c.clip);
    adam.step();
    if (progress) progress->advance(loss.item());
    if (step % c.evaluate_every == 0 || step == c.training_steps) evaluate(step);
  }
  run.final_accuracy = run.accuracy.back();
  return run;
}

}  // namespace

Run train(std::size_t layers, std::size_t hidden, std::uint64_t seed, const Config& c) {
  return train_run(layers, hidden, seed, c, nullptr);
}

// ---- the error through depth ----

std::vector<double> gradient_by_layer(std::size_t layers, std::size_t hidden, bool residual, const Config& c) {
  // Layer by layer as separate 1-layer RNNs (the same function and initialization as one nn::RNN with num_layers
  // = layers), so that each layer's output sequence can keep its gradient. Inputs have `hidden` features, so the
  // residual sum applies at every layer.
  Rng rng(c.seed + 21);
  const std::size_t T = c.steps, B = c.depth_sequences;
  std::vector<std::unique_ptr<nn::RNN>> stack;
  for (std::size_t l = 0; l < layers; ++l) stack.push_back(std::make_unique<nn::RNN>(hidden, hidden, rng));
  Var input(Tensor::normal({T, B, hidden}, 0, 1, rng));
  std::vector<Var> outputs;
  for (const auto& layer : stack) {
    Var output = (*layer)(input).output;
    if (residual) output = output + input;
    output.retain_grad();
    outputs.push_back(output);
    input = output;
  }
  // L = u . x_top, u a random direction of unit length for each sequence.
  Tensor u = Tensor::normal({T, B, hidden}, 0, 1, rng);
  for (std::size_t b = 0; b < B; ++b) {
    double norm = 0;
    for (std::size_t t = 0; t < T; ++t) {
      for (std::size_t j = 0; j < hidden; ++j) norm += u.at({t, b, j}) * u.at({t, b, j});
    }
    for (std::size_t t = 0; t < T; ++t) {
      for (std::size_t j = 0; j < hidden; ++j) u.at({t, b, j}) /= std::sqrt(norm);
    }
  }
  backward(outputs.back(), u);
  std::vector<double> by_layer;
  for (const Var& x : outputs) {
    std::vector<double> norms(B);
    for (std::size_t b = 0; b < B; ++b) {
      double sq = 0;
      for (std::size_t t = 0; t < T; ++t) {
        for (std::size_t j = 0; j < hidden; ++j) sq += x.grad().at({t, b, j}) * x.grad().at({t, b, j});
      }
      norms[b] = std::sqrt(sq);
    }
    by_layer.push_back(median(norms));
  }
  return by_layer;
}

// ---- the experiment ----

Result experiment(const Config& c) {
  Result r;
  r.shallow.resize(c.seeds);
  r.deep.resize(c.seeds);
  Progress progress("1 layer and 2 layers", 2 * c.seeds * c.training_steps);
  parallel_tasks(2 * c.seeds, [&](std::size_t task) {
    const std::size_t s = task / 2;
    const std::uint64_t seed = c.seed * 100 + s;
    if (task % 2 == 0) {
      r.shallow[s] = train_run(1, c.shallow_hidden, seed, c, &progress);
    } else {
      r.deep[s] = train_run(2, c.deep_hidden, seed, c, &progress);
    }
  });
  r.plain_by_layer = gradient_by_layer(c.depth_layers, c.depth_hidden, false, c);
  r.residual_by_layer = gradient_by_layer(c.depth_layers, c.depth_hidden, true, c);
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  double deep_worst = 1, margin_worst = 1;
  for (std::size_t s = 0; s < c.seeds; ++s) {
    deep_worst = std::min(deep_worst, r.deep[s].final_accuracy);
    margin_worst = std::min(margin_worst, r.deep[s].final_accuracy - r.shallow[s].final_accuracy);
  }
  const double plain_kept = r.plain_by_layer.front() / r.plain_by_layer.back();
  const double residual_kept = r.residual_by_layer.front() / r.residual_by_layer.back();
  const std::string seeds = " (lowest of " + std::to_string(c.seeds) + " seeds)";
  const std::string depth = std::to_string(c.depth_layers) + "-layer stack at init: ";
  return {
      {"the 2-layer RNN's per-step test accuracy" + seeds, deep_worst, ">= " + plot::format_number(c.deep_accuracy_at_least),
       deep_worst >= c.deep_accuracy_at_least},
      {"2 layers minus 1 layer, per-step test accuracy, same seed" + seeds, margin_worst, ">= 0.02", margin_worst >= 0.02},
      {depth + "||dL/dx_1|| / ||dL/dx_top||, plain", plain_kept, "< 0.1", plain_kept < 0.1},
      {depth + "||dL/dx_1|| / ||dL/dx_top||, residual", residual_kept, "> 0.5", residual_kept > 0.5},
  };
}

// ---- the lesson ----

int run(const Options& options) {
  Report report(info, options);
  const Config c = config(options.quick, options.seed);
  report.say({"The task: at every step a point x_t uniform in the square [-1, 1]^2. A one-bit memory, the latch, starts "
             "at 0; when the point falls inside the disk |x_t|^2 < 1/2 the latch is overwritten with the bit "
             "[x_t1 > 0] (is the point on the right?), otherwise it keeps its value. The target at every one of T = " +
             std::to_string(c.steps) + " steps is the latch. Guessing scores 0.5.",
              "과제: 매 스텝 정사각형 [-1, 1]^2에서 균등하게 뽑은 점 x_t. 한 비트짜리 기억, 래치는 0에서 시작한다. 점이 원판 "
             "|x_t|^2 < 1/2 안에 떨어지면 래치는 비트 [x_t1 > 0](점이 오른쪽에 있는가?)으로 덮어쓰이고, 아니면 값을 "
             "유지한다. T = " + std::to_string(c.steps) + " 스텝 모두에서 목표는 래치다. 추측하면 0.5를 얻는다."});
  Rng rng(1);
  const std::size_t shallow_parameters = StackedModel(1, c.shallow_hidden, rng).num_parameters();
  const std::size_t deep_parameters = StackedModel(2, c.deep_hidden, rng).num_parameters();
  report.say({"Two nets with about the same number of parameters: one tanh layer of " + std::to_string(c.shallow_hidden) +
             " units (" + std::to_string(shallow_parameters) + " parameters) and two stacked tanh layers of " +
             std::to_string(c.deep_hidden) + " (" + std::to_string(deep_parameters) + "), each with a logistic "
             "readout at every step. Adam " + plot::format_number(c.learning_rate) + ", batches of " +
             std::to_string(c.batch) + ", clipping at 1, " + std::to_string(c.training_steps) + " steps, " +
             std::to_string(c.seeds) + " seeds.",
              "매개변수 수가 거의 같은 두 신경망: 유닛 " + std::to_string(c.shallow_hidden) + "개의 tanh 레이어 하나(매개변수 " +
             std::to_string(shallow_parameters) + "개)와, 유닛 " + std::to_string(c.deep_hidden) +
             "개의 tanh 레이어 둘을 쌓은 것(" + std::to_string(deep_parameters) +
             "개). 둘 다 매 스텝 로지스틱 판독 레이어를 단다. Adam " + plot::format_number(c.learning_rate) + ", 배치 " +
             std::to_string(c.batch) + ", 1에서 클리핑, " + std::to_string(c.training_steps) + " 스텝, 시드 " +
             std::to_string(c.seeds) + "개."});
  const Result r = experiment(c);

  plot::LineChart curves;
  curves.title = "A latch written inside a disk, T = " + std::to_string(c.steps) + ": per-step test accuracy";
  curves.x_label = "training step";
  curves.y_label = "per-step test accuracy";
  curves.y_min = 0.4;
  curves.y_max = 1.0;
  for (const auto* runs : {&r.shallow, &r.deep}) {
    for (std::size_t s = 0; s < runs->size(); ++s) {
      const Run& run = (*runs)[s];
      const std::string name = s == 0 ? std::to_string(run.layers) + (run.layers == 1 ? " layer" : " layers") + " of " +
                                            std::to_string(run.hidden) + " (" + std::to_string(run.parameters) + " parameters)"
                                      : "";
      curves.series.push_back({name, run.step, run.accuracy, plot::palette()[run.layers - 1], false, s > 0});
      report.figure(std::to_string(run.layers) + " layer(s), seed " + std::to_string(s) + ": final per-step accuracy",
                    run.final_accuracy);
    }
  }
  curves.reference_lines = {{0.5, "guessing"}};
  report.plot("accuracy.svg", curves.svg(),
              {"Dashed: seeds after the first. The stacked net learns faster and ends higher; the single layer, with "
              "more units and more parameters, levels off below it. (Neither reaches 1: points near the disk's edge "
              "are hard to call from a finite sample.)",
               "점선: 첫 시드 이후의 시드. 쌓은 신경망이 더 빨리 배우고 더 높이 끝난다. 유닛도 매개변수도 더 많은 단층은 그 아래에서 "
              "평평해진다. (어느 쪽도 1에 닿지 못한다: 원판 가장자리 근처의 점은 유한한 표본으로 판정하기 어렵다.)"},
              curves.text(60, 12));
  std::string table = "net                 parameters   final per-step accuracy (each seed)\n";
  for (const auto* runs : {&r.shallow, &r.deep}) {
    char line[120];
    std::snprintf(line, sizeof line, "%zu x tanh RNN, H = %zu %10zu  ", runs->front().layers, runs->front().hidden,
                  runs->front().parameters);
    table += line;
    for (const Run& run : *runs) {
      std::snprintf(line, sizeof line, " %6.3f", run.final_accuracy);
      table += line;
    }
    table += "\n";
  }
  report.block(table);

  report.say({"Why the single layer lags: each of its units is one tanh of an affine function of (x_t, h_(t-1)), whose "
             "level sets in x_t are straight lines. A disk needs several such lines combined, and the combination has to "
             "happen in the same step that decides whether to overwrite the state. The stacked net can give the first "
             "layer the disk and the second the latch. Depth is not magic here: the single layer gets close with "
             "enough units, but the same parameters buy more as two layers.",
              "단층이 뒤처지는 이유: 각 유닛은 (x_t, h_(t-1))의 아핀 함수에 tanh를 한 번 씌운 것이고, x_t에 대한 그 등위 집합은 "
             "직선이다. 원판에는 그런 직선 여러 개의 조합이 필요한데, 그 조합은 상태를 덮어쓸지 정하는 바로 그 스텝 안에서 "
             "일어나야 한다. 쌓은 신경망은 첫 레이어에 원판을, 둘째 레이어에 래치를 맡길 수 있다. 여기서 깊이는 마법이 "
             "아니다: 유닛이 충분하면 단층도 가까이 가지만, 같은 매개변수로 두 레이어를 만들면 더 많은 것을 얻는다."});

  report.say({"Depth has lesson 08's price. In an untrained stack of " + std::to_string(c.depth_layers) + " tanh layers of " +
             std::to_string(c.depth_hidden) + " units, the error of a random direction at the top, sent down: the median "
             "norm of dL/dx_l over " + std::to_string(c.depth_sequences) + " sequences, at each layer l, for the plain "
             "stack and for the residual one (x_(l+1) = layer_l(x_l) + x_l, RecurrentOptions::residual).",
              "깊이에는 레슨 08의 대가가 따른다. 유닛 " + std::to_string(c.depth_hidden) + "개짜리 tanh 레이어 " +
             std::to_string(c.depth_layers) + "개를 쌓은 학습 전 신경망에서, 맨 위의 무작위 방향 오차를 아래로 보낸다: "
             "시퀀스 " + std::to_string(c.depth_sequences) + "개에 걸친 dL/dx_l 노름의 중앙값을 레이어 l마다, 그냥 쌓은 "
             "것과 잔차 연결로 쌓은 것(x_(l+1) = layer_l(x_l) + x_l, RecurrentOptions::residual)에 대해."});
  plot::LineChart depth;
  depth.title = "The error through depth: " + std::to_string(c.depth_layers) + " stacked tanh layers at initialization";
  depth.x_label = "layer l (1 = bottom)";
  depth.y_label = "median ||dL/dx_l|| (log scale)";
  depth.log_y = true;
  std::vector<double> layers;
  for (std::size_t l = 1; l <= c.depth_layers; ++l) layers.push_back(static_cast<double>(l));
  depth.series.push_back({"plain stack", layers, r.plain_by_layer, plot::palette()[0], true, false});
  depth.series.push_back({"residual stack", layers, r.residual_by_layer, plot::palette()[1], true, false});
  report.plot("error_by_layer.svg", depth.svg(),
              {"Each plain layer multiplies the error by its input weights and tanh': it shrinks by a constant factor "
              "per layer, the vanishing gradient of lesson 08 turned on its side. The residual sum passes it down "
              "beside the layer (identity plus the layer's Jacobian), so it even grows a little on the way: the "
              "lowest layer gets as much error as the top.",
               "그냥 쌓은 레이어는 각각 오차에 자기 입력 가중치와 tanh'을 곱한다: 오차는 레이어마다 일정한 비율로 줄어든다. 레슨 08의 "
              "사라지는 기울기를 옆으로 눕힌 것이다. 잔차 합은 오차를 레이어 옆으로 내려보내므로(항등 더하기 레이어의 "
              "야코비안) 내려가는 길에 오히려 조금 커진다: 가장 아래 레이어가 맨 위만큼의 오차를 받는다."},
              depth.text(60, 10));
  report.figure("plain stack: ||dL/dx_1|| / ||dL/dx_top||", r.plain_by_layer.front() / r.plain_by_layer.back());
  report.figure("residual stack: ||dL/dx_1|| / ||dL/dx_top||", r.residual_by_layer.front() / r.residual_by_layer.back());
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson14
