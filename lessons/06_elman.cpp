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
#include "lessons/03_window_problem.hpp"
#include "lessons/common/data.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"

namespace rnnlab::lessons::lesson06 {

const LessonInfo info = {
    6, "06_elman", {"Elman's network and backpropagation through time",
                    "Elman 신경망과 시간에 따른 역전파(BPTT)"},
    {"Elman (1990) fed a copy of the hidden layer back as \"context\", so the network carries a state it shapes "
     "itself. On the temporal XOR stream, where lesson 03's window nets failed, it learns where it is in the pattern, "
     "and backpropagation through time teaches it that far better than Elman's one-step training.",
     "Elman(1990)은 은닉 레이어의 복사본을 \"문맥\"으로 되먹여, 신경망이 스스로 만들어 가는 상태를 지니게 했다. 레슨 03의 "
     "윈도 신경망이 실패한 시간 XOR 스트림에서, 이 신경망은 패턴 속 자신의 위치를 배운다. 그리고 시간에 따른 역전파는 "
     "Elman의 한 스텝 학습보다 그것을 훨씬 잘 가르친다."},
    {"An Elman network predicts the XOR bit the window nets could not: error dips every third step. Full BPTT "
     "learns it well; Elman's original one-step training, partly.",
     "Elman 신경망은 윈도 신경망이 못 한 XOR 비트 예측을 해낸다: 오차가 세 스텝마다 움푹 꺼진다. 전체 BPTT는 이를 잘 "
     "배우고, Elman의 원래 한 스텝 학습은 일부만 배운다."}};

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

Run train_and_test(Training training, std::uint64_t seed, const std::vector<int>& train, const std::vector<int>& test,
                   const Config& c, Progress& progress, std::size_t& done) {
  Rng rng(seed);
  SimpleRecurrentNet net(c.hidden, rng);
  optim::Adam adam(net.parameters(), c.learning_rate);
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
    adam.zero_grad();
    const Var loss = mse_loss(net(Var(inputs), truncate), Var(targets));
    backward(loss);
    adam.step();
    progress.update(++done, loss.item());
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
  std::size_t done = 0;
  for (Training training : {Training::bptt, Training::elman_copy}) {
    for (std::size_t s = 0; s < c.seeds; ++s) {
      r.runs.push_back(train_and_test(training, c.seed * 100 + s, train, test, c, progress, done));
    }
  }
  // Lesson 03's window nets on the same streams, for comparison (their quick configuration reaches its optimum).
  const lesson03::Result windows = lesson03::experiment(lesson03::config(true, c.seed));
  for (std::size_t k = 0; k < 2 && k < windows.windows.size(); ++k) {
    for (int p = 0; p < 12; ++p) r.window_rms[k].push_back(std::sqrt(windows.windows[k].mse_by_phase[p % 3]));
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
  Report report(info, options);
  const Config c = config(options.quick, options.seed);
  report.say({"The stream of lesson 03: random bit pairs, each followed by their XOR. A 1-" + std::to_string(c.hidden) +
             "-1 Elman network reads one bit per step and predicts the next. Two ways of training it, on windows of " +
             std::to_string(c.window) + " bits, batches of " + std::to_string(c.batch) + ", Adam 0.01, " +
             std::to_string(c.steps) + " steps, " + std::to_string(c.seeds) +
             " seeds each: (a) Elman's: the context is a copy, the error goes back one step only; (b) full "
             "backpropagation through time over the window. Then each runs over " + std::to_string(c.test_bits) +
             " fresh bits without a break.",
              "레슨 03의 스트림: 무작위 비트 쌍 뒤에 그 XOR이 따라온다. 1-" + std::to_string(c.hidden) +
             "-1 Elman 신경망이 스텝마다 한 비트를 읽고 다음 비트를 예측한다. 두 가지 방식으로 학습한다. " +
             std::to_string(c.window) + "비트 윈도, 배치 " + std::to_string(c.batch) + ", Adam 0.01, " +
             std::to_string(c.steps) + " 스텝, 방식마다 시드 " + std::to_string(c.seeds) +
             "개: (a) Elman의 방식: 문맥은 복사본이고 오차는 한 스텝만 거슬러 간다. (b) 윈도 전체에 걸친 시간에 따른 "
             "역전파. 그다음 각 신경망이 끊김 없이 새 비트 " + std::to_string(c.test_bits) + "개를 읽는다."});
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
    plot::Series s{name, {}, values, "", true, dashed};
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
  rms.series.push_back(line_of("window net, k = 2 (lesson 03)", r.window_rms[1], true));
  rms.series.push_back(line_of("window net, k = 1 (lesson 03)", r.window_rms[0], true));
  rms.x_marks = {3, 6, 9, 12};
  report.plot("rms_error.svg", rms.svg(860, 440),
              {"The Elman network's error dips at every XOR bit (dotted lines): it knows where it is in the triple. "
              "Trained by BPTT the dip reaches almost zero. The 2-bit window net dips only to sqrt(1/9) = 0.33 and pays "
              "for it at the other bits; the 1-bit window net stays at 0.5.",
               "Elman 신경망의 오차는 XOR 비트(점선)마다 움푹 꺼진다: 세 비트 묶음 속 자신의 위치를 안다. BPTT로 학습하면 그 골이 "
              "거의 0에 닿는다. 2비트 윈도 신경망은 sqrt(1/9) = 0.33까지만 내려가고 다른 비트에서 대가를 치르며, "
              "1비트 윈도 신경망은 0.5에 머문다."},
              rms.text(60, 12));

  report.say({"The window net with k = 2 saw the two bits that determine the XOR bit and still could not use them, "
             "because it did not know where it was. The SRN's state is built from everything it has read, so it can "
             "tell 'the last two bits were a pair' from 'the last bit was an XOR'. One-step training makes the state "
             "useful only by luck: the weights that write into the context are never told what would have helped later. "
             "BPTT tells them, by sending the error back through every step of the window. That same path, multiplied "
             "once per step, is what lesson 08 follows as it shrinks.",
              "k = 2인 윈도 신경망은 XOR 비트를 결정하는 두 비트를 보았지만, 자신이 어디에 있는지 몰라 그것을 쓰지 못했다. "
             "SRN의 상태는 지금까지 읽은 모든 것으로 만들어지므로 '마지막 두 비트가 한 쌍이었다'와 '마지막 비트가 XOR이었다'를 "
             "구별할 수 있다. 한 스텝 학습은 상태를 운에 맡겨서만 쓸모 있게 만든다: 문맥에 값을 써넣는 가중치는 나중에 "
             "무엇이 도움이 되었을지 결코 듣지 못한다. BPTT는 오차를 윈도의 모든 스텝으로 되돌려 보내 그것을 알려 준다. "
             "스텝마다 한 번씩 곱해지는 바로 그 경로가, 레슨 08이 쫓아가며 줄어드는 것을 지켜볼 경로다."});
  report.claims(claims(r));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson06
