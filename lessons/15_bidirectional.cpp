// Lesson 15 — bidirectional RNNs (Schuster & Paliwal 1997, "Bidirectional recurrent neural networks").
//
// An RNN reading left to right knows, at step t, everything up to t and nothing after it. For prediction of the
// future that is the point; for labelling a sequence that is already recorded (a phoneme in an utterance, a word's
// part of speech in a sentence) it throws away half of the evidence. Schuster & Paliwal's BRNN runs two RNNs over
// the sequence, one forward and one backward, and reads the answer at t from both of their states:
//     h_t = tanh(W x_t + U h_(t-1) + b)          (forward, t = 1 .. T)
//     g_t = tanh(W' x_t + U' g_(t+1) + b')        (backward, t = T .. 1)
//     y_t = V [h_t ; g_t] + c
// trained together by backpropagation through both chains. Before it, the usual way to use both directions was
// MERGE: train a forward and a backward net separately and average their outputs. Their paper compares exactly
// these, and the BRNN wins. PyTorch's bidirectional = true is this construction (nn/recurrent.hpp): output[t] is
// [h_t ; g_t], and h_n holds h_T and g_1, which is why h_n is not output[T-1] for a bidirectional net.
//
// The task makes the need explicit: y_t = x_(t-2) + x_(t+2) for random bits. The forward net can know x_(t-2)
// and must guess x_(t+2): MSE 1/4 at best. MERGE averages two half-right guesses: (a + 1/2 + b + 1/2)/2 misses
// y = a + b by (a + b - 1)/2, an MSE of 1/8. Only a net that sees both sides can reach 0.
#include "lessons/15_bidirectional.hpp"

#include <cmath>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "nn/optim.hpp"
#include "tensor/ops.hpp"
#include "tensor/parallel.hpp"

namespace rnnlab::lessons::lesson15 {

const LessonInfo info = {
    15, "15_bidirectional", {"Bidirectional RNNs",
                             "양방향 RNN"},
    {"Schuster & Paliwal (1997) ran one RNN forward and one backward over a recorded sequence and read each step's "
     "answer from both: the bidirectional RNN, which beat both single directions and the average of two separately "
     "trained nets (MERGE). It became the standard front end for speech and text labelling.",
     "Schuster & Paliwal(1997)은 녹음된 시퀀스 위로 RNN 하나는 앞으로, 하나는 뒤로 달리게 하고 각 스텝의 답을 둘 모두에서 "
     "읽었다: 양방향 RNN이다. 이것은 두 단방향 신경망을 모두 이겼고, 따로 학습한 두 신경망의 평균(MERGE)도 이겼다. 이후 "
     "음성과 텍스트 레이블링의 표준 앞단이 되었다."},
    {"When y_t = x_(t-2) + x_(t+2), a forward or a backward RNN can only reach MSE 1/4, their average 1/8; the BRNN, "
     "trained as one net, solves it.",
     "y_t = x_(t-2) + x_(t+2)일 때 순방향이나 역방향 RNN은 MSE 1/4까지만, 그 평균은 1/8까지만 갈 수 있다. 한 신경망으로 "
     "학습한 BRNN은 이 문제를 푼다."}};

// ---- the task and the models ----

ContextBatch context_batch(std::size_t steps, std::size_t batch, std::size_t lag, Rng& rng) {
  ContextBatch out{Tensor({steps, batch, 1}), Tensor({steps, batch, 1})};
  for (real& bit : out.inputs.values()) bit = rng.bernoulli(0.5) ? 1 : 0;
  for (std::size_t t = 0; t < steps; ++t) {
    for (std::size_t b = 0; b < batch; ++b) {
      const real before = t >= lag ? out.inputs.at({t - lag, b, 0}) : 0;
      const real after = t + lag < steps ? out.inputs.at({t + lag, b, 0}) : 0;
      out.targets.at({t, b, 0}) = before + after;
    }
  }
  return out;
}

std::string name_of(Reading reading) {
  switch (reading) {
    case Reading::forward: return "forward RNN";
    case Reading::backward: return "backward RNN";
    case Reading::both: return "BRNN";
  }
  return "?";
}

Var reverse_time(const Var& x) {
  const std::size_t steps = x.shape()[0];
  std::vector<std::size_t> reversed(steps);
  for (std::size_t t = 0; t < steps; ++t) reversed[t] = steps - 1 - t;
  return index_select(x, reversed);
}

ContextModel::ContextModel(Reading reading, std::size_t hidden, Rng& rng)
    : reading_(reading),
      rnn_(1, hidden, rng, {.bidirectional = reading == Reading::both}),
      readout_(reading == Reading::both ? 2 * hidden : hidden, 1, rng) {
  register_module("rnn", rnn_);
  register_module("readout", readout_);
}

Var ContextModel::forward(const Var& x) {
  // The backward net is a forward RNN on the reversed sequence, its outputs put back in time order.
  if (reading_ == Reading::backward) return readout_.forward(reverse_time(rnn_(reverse_time(x)).output));
  return readout_.forward(rnn_(x).output);
}

// ---- the experiment ----

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  if (quick) {
    c.training_steps = 800;
    c.test_sequences = 300;
    c.seeds = 1;
  }
  return c;
}

namespace {

// The test MSE at every position t: mean over sequences of (prediction - target)^2.
std::vector<double> mse_by_position(const Tensor& predictions, const Tensor& targets) {
  const std::size_t steps = targets.shape()[0], batch = targets.shape()[1];
  std::vector<double> out(steps, 0);
  for (std::size_t t = 0; t < steps; ++t) {
    for (std::size_t b = 0; b < batch; ++b) {
      const double e = predictions.at({t, b, 0}) - targets.at({t, b, 0});
      out[t] += e * e / static_cast<double>(batch);
    }
  }
  return out;
}

Tensor train_and_predict(Reading reading, const ContextBatch& test, std::uint64_t seed, const Config& c,
                         Progress& progress) {
  Rng rng(seed);
  ContextModel model(reading, c.hidden, rng);
  optim::Adam adam(model.parameters(), c.learning_rate);
  for (std::size_t step = 1; step <= c.training_steps; ++step) {
    const ContextBatch batch = context_batch(c.steps, c.batch, c.lag, rng);
    adam.zero_grad();
    const Var loss = mse_loss(model.forward(Var(batch.inputs)), Var(batch.targets));
    backward(loss);
    optim::clip_grad_norm(model.parameters(), c.clip);
    adam.step();
    progress.advance(loss.item());
  }
  NoGradGuard no_grad;
  return model.forward(Var(test.inputs)).value();
}

}  // namespace

double interior_mse(const std::vector<double>& by_position, const Config& c) {
  double sum = 0;
  for (std::size_t t = c.lag; t + c.lag < c.steps; ++t) sum += by_position[t];
  return sum / static_cast<double>(c.steps - 2 * c.lag);
}

Result experiment(const Config& c) {
  const std::vector<Reading> readings = {Reading::forward, Reading::backward, Reading::both};
  std::vector<Tensor> predictions(c.seeds * readings.size());
  std::vector<ContextBatch> tests;
  for (std::size_t s = 0; s < c.seeds; ++s) {
    Rng rng(c.seed * 100 + s + 50);
    tests.push_back(context_batch(c.steps, c.test_sequences, c.lag, rng));
  }
  Progress progress("forward, backward, BRNN", predictions.size() * c.training_steps);
  parallel_tasks(predictions.size(), [&](std::size_t task) {
    const std::size_t s = task / readings.size();
    predictions[task] = train_and_predict(readings[task % readings.size()], tests[s], c.seed * 100 + s, c, progress);
  });
  Result r;
  for (std::size_t s = 0; s < c.seeds; ++s) {
    const Tensor& forward = predictions[s * 3], &backward = predictions[s * 3 + 1], &both = predictions[s * 3 + 2];
    const Tensor& targets = tests[s].targets;
    // MERGE (Schuster & Paliwal's baseline): the average of the separately trained forward and backward nets.
    r.seeds.push_back({mse_by_position(forward, targets), mse_by_position(backward, targets),
                       mse_by_position((forward + backward) * 0.5, targets), mse_by_position(both, targets)});
  }
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  double brnn_worst = 0, merge_low = 1e9, merge_high = 0, one_way_low = 1e9, one_way_high = 0;
  for (const Models& m : r.seeds) {
    brnn_worst = std::max(brnn_worst, interior_mse(m.brnn, c));
    merge_low = std::min(merge_low, interior_mse(m.merge, c));
    merge_high = std::max(merge_high, interior_mse(m.merge, c));
    for (const auto* curve : {&m.forward, &m.backward}) {
      one_way_low = std::min(one_way_low, interior_mse(*curve, c));
      one_way_high = std::max(one_way_high, interior_mse(*curve, c));
    }
  }
  const std::string interior = "interior steps t in [" + std::to_string(c.lag) + ", " + std::to_string(c.steps - c.lag) +
                               "), every seed: ";
  return {
      {interior + "the BRNN's highest test MSE", brnn_worst, "< 0.02", brnn_worst < 0.02},
      {interior + "forward and backward nets, lowest test MSE (theory 1/4)", one_way_low, ">= 0.22", one_way_low >= 0.22},
      {interior + "forward and backward nets, highest test MSE", one_way_high, "<= 0.28", one_way_high <= 0.28},
      {interior + "MERGE, lowest test MSE (theory 1/8)", merge_low, ">= 0.09", merge_low >= 0.09},
      {interior + "MERGE, highest test MSE", merge_high, "<= 0.16", merge_high <= 0.16},
  };
}

// ---- the lesson ----

int run(const Options& options) {
  Report report(info, options);
  const Config c = config(options.quick, options.seed);
  report.say({"The task: random bits x_t, T = " + std::to_string(c.steps) + ", and at every step the target y_t = x_(t-" +
             std::to_string(c.lag) + ") + x_(t+" + std::to_string(c.lag) + ") (0, 1 or 2; a bit beyond either end "
             "counts as 0). Four models, each a tanh RNN with " + std::to_string(c.hidden) + " units per direction and "
             "a linear readout at every step: a forward RNN, a backward RNN (the same, reading the sequence from the "
             "end), MERGE (the average of those two), and the BRNN, both directions trained together. Adam " +
             plot::format_number(c.learning_rate) + ", batches of " + std::to_string(c.batch) + ", clipping at 1, " +
             std::to_string(c.training_steps) + " steps, " + std::to_string(c.seeds) + " seeds; the MSE at each "
             "position over " + std::to_string(c.test_sequences) + " test sequences.",
              "과제: 무작위 비트 x_t, T = " + std::to_string(c.steps) + ", 매 스텝의 목표 y_t = x_(t-" +
             std::to_string(c.lag) + ") + x_(t+" + std::to_string(c.lag) + ")(0, 1 또는 2. 양 끝 너머의 비트는 0으로 "
             "친다). 모델 넷, 모두 방향마다 유닛 " + std::to_string(c.hidden) + "개의 tanh RNN에 매 스텝 선형 판독 "
             "레이어를 단 것: 순방향 RNN, 역방향 RNN(같은 것이 시퀀스를 끝에서부터 읽는다), MERGE(그 둘의 평균), 그리고 "
             "두 방향을 함께 학습한 BRNN. Adam " + plot::format_number(c.learning_rate) + ", 배치 " +
             std::to_string(c.batch) + ", 1에서 클리핑, " + std::to_string(c.training_steps) + " 스텝, 시드 " +
             std::to_string(c.seeds) + "개. 시험 시퀀스 " + std::to_string(c.test_sequences) + "개에 걸친 위치별 MSE."});
  const Result r = experiment(c);

  plot::LineChart positions;
  positions.title = "y_t = x_(t-" + std::to_string(c.lag) + ") + x_(t+" + std::to_string(c.lag) +
                    "): test MSE at each position (seed 0)";
  positions.x_label = "position t";
  positions.y_label = "test MSE";
  positions.y_min = 0;
  const Models& first = r.seeds.front();
  const std::vector<std::pair<std::string, const std::vector<double>*>> curves = {
      {"forward RNN", &first.forward}, {"backward RNN", &first.backward}, {"MERGE (their average)", &first.merge},
      {"BRNN", &first.brnn}};
  std::vector<double> t_axis;
  for (std::size_t t = 0; t < c.steps; ++t) t_axis.push_back(static_cast<double>(t));
  for (std::size_t k = 0; k < curves.size(); ++k) {
    positions.series.push_back({curves[k].first, t_axis, *curves[k].second, plot::palette()[k], true, false});
  }
  positions.reference_lines = {{0.25, "1/4: one side only"}, {0.125, "1/8: MERGE"}};
  positions.x_marks = {static_cast<double>(c.lag) - 0.5, static_cast<double>(c.steps - c.lag) - 0.5};
  report.plot("mse_by_position.svg", positions.svg(),
              {"Between the vertical lines both x_(t-2) and x_(t+2) exist. The forward net knows the first and guesses "
              "the second; the backward net the other way round: both sit at 1/4. At the edges one of them has it easy "
              "(the missing bit is a known 0): the forward net at the end, the backward net at the start. MERGE halves "
              "the error to 1/8 and no more; the BRNN answers exactly.",
               "세로선 사이에서는 x_(t-2)와 x_(t+2)가 모두 존재한다. 순방향 신경망은 앞의 것을 알고 뒤의 것을 추측한다. 역방향 "
              "신경망은 그 반대다. 둘 다 1/4에 앉아 있다. 가장자리에서는 둘 중 하나가 쉽다(빠진 비트가 알려진 0이다): "
              "끝에서는 순방향, 시작에서는 역방향. MERGE는 오차를 1/8로 반으로 줄일 뿐 그 이상은 못 하고, BRNN은 "
              "정확히 답한다."},
              positions.text(60, 12));
  std::string table = "interior MSE    forward  backward     MERGE      BRNN\n";
  for (std::size_t s = 0; s < r.seeds.size(); ++s) {
    const Models& m = r.seeds[s];
    char line[120];
    std::snprintf(line, sizeof line, "seed %zu       %9.4f %9.4f %9.4f %9.4f\n", s, interior_mse(m.forward, c),
                  interior_mse(m.backward, c), interior_mse(m.merge, c), interior_mse(m.brnn, c));
    table += line;
    report.figure("seed " + std::to_string(s) + ": interior MSE, forward", interior_mse(m.forward, c));
    report.figure("seed " + std::to_string(s) + ": interior MSE, backward", interior_mse(m.backward, c));
    report.figure("seed " + std::to_string(s) + ": interior MSE, MERGE", interior_mse(m.merge, c));
    report.figure("seed " + std::to_string(s) + ": interior MSE, BRNN", interior_mse(m.brnn, c));
  }
  report.block(table + "(theory: 1/4 for one direction, 1/8 for MERGE, 0 for a net that sees both sides)");
  report.say({"Why averaging is not enough: each one-way net's best answer hedges the half it cannot see (it adds 1/2 "
             "for the unknown bit), and the average of two hedges is still a hedge. The BRNN's readout sees both "
             "states at once and can add the two known bits. Its price: it needs the whole sequence before it "
             "answers, so it suits recorded data (speech, text, a sensor log), not prediction of the next step.",
              "평균으로 부족한 이유: 단방향 신경망의 최선의 답은 보지 못하는 절반을 얼버무린다(모르는 비트 몫으로 1/2을 더한다). "
             "그리고 얼버무린 두 답의 평균도 여전히 얼버무린 답이다. BRNN의 판독 레이어는 두 상태를 한꺼번에 보고 알려진 두 "
             "비트를 더할 수 있다. 그 대가: 답하기 전에 시퀀스 전체가 필요하다. 그래서 다음 스텝의 예측이 아니라 녹음된 "
             "데이터(음성, 텍스트, 센서 기록)에 맞는다."});
  report.say({"A detail that trips up users of every library: for a bidirectional layer, output[T-1] holds the forward "
             "state at the end and the backward state after reading only the last step. The backward direction's "
             "summary of the whole sequence is its state at t = 0: h_n[1] equals output[0]'s second half, not "
             "output[T-1]'s (tested in tests/recurrent_test.cpp).",
              "모든 라이브러리 사용자가 걸려 넘어지는 세부: 양방향 레이어에서 output[T-1]에는 끝에서의 순방향 상태와, 마지막 스텝 "
             "하나만 읽은 뒤의 역방향 상태가 들어 있다. 역방향이 시퀀스 전체를 요약한 것은 t = 0에서의 상태다: h_n[1]은 "
             "output[T-1]이 아니라 output[0]의 뒤쪽 절반과 같다(tests/recurrent_test.cpp에서 테스트한다)."});
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson15
