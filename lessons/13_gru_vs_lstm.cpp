// Lesson 13 — GRU vs LSTM vs tanh RNN (Cho et al. 2014, "Learning phrase representations using RNN
// encoder-decoder for statistical machine translation"; Chung, Gulcehre, Cho & Bengio 2014, "Empirical evaluation
// of gated recurrent neural networks on sequence modeling").
//
// The gated recurrent unit of Cho et al. keeps the LSTM's idea, an additive path along which the error is
// multiplied by a gate and nothing else, with fewer parts (PyTorch's form, nn/gated.hpp):
//     r = sigmoid(W_ir x + b_ir + W_hr h + b_hr)           the reset gate: how much of h the candidate sees
//     z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)           the update gate: how much of h is kept
//     n = tanh(W_in x + b_in + r * (W_hn h + b_hn))        the candidate
//     h' = (1 - z) * n + z * h,        so along the direct path   dh' / dh = z   (elementwise).
// There is no separate cell state and no output gate, and one gate z does the work of two: it is the LSTM's
// forget gate, and 1 - z its input gate (Greff et al. 2017 found this "coupled" LSTM about as good as the full one).
// Three weight blocks instead of four: at equal width a GRU has 3/4 of an LSTM's parameters and arithmetic.
//
// Chung et al. (2014) compared the three on polyphonic music and speech: both gated units beat the tanh RNN, and
// neither won everywhere (JSB Chorales test NLL: GRU 8.54, LSTM 8.67). Jozefowicz, Zaremba & Sutskever (2015)
// found the same over thousands of architectures: the GRU often ahead, the LSTM ahead on language modelling, and
// no clear winner once the LSTM's forget bias is 1. This lesson repeats the comparison on the adding problem with
// the parameter counts matched, and never claims a winner between the gated two.
//
// A note on speed. Written as the equations read (nn::lstm_step_composed), one LSTM step is ~20 autograd nodes:
// four gate slices, three sigmoids, two tanh, products and sums, each a pass over memory and a node to run
// backwards. nn::lstm_step computes the same elementwise part in one node (autograd/cells.cpp) with its backward
// written by hand. nn::LSTM goes further and runs the whole recurrence as one node (fused_lstm_layer): its
// backward is backpropagation through time written out, it packs W_hh for the micro-kernel once per sequence,
// and it forms dW_hh = sum_t dA_t^T h_{t-1} as one large product instead of one small product per step. The test
// suite checks all three give equal values and gradients; the lesson times them. Fusion removes passes, nodes and
// small products, not the exponentials or the arithmetic of the products, so its gain depends on the width.
#include "lessons/13_gru_vs_lstm.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "autograd/ops.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/stats.hpp"
#include "nn/optim.hpp"

namespace rnnlab::lessons::lesson13 {

using lesson11::Cell;
using lesson11::TrainedAdding;

const LessonInfo info = {
    13, "13_gru_vs_lstm", {"GRU vs LSTM vs tanh RNN",
                           "GRU 대 LSTM 대 tanh RNN"},
    {"Cho et al. (2014) introduced the gated recurrent unit: the LSTM's additive memory path with two gates instead of "
     "three and no separate cell. Chung, Gulcehre, Cho & Bengio (2014) compared it with the LSTM and the tanh RNN: the "
     "gated units won, and the GRU was comparable to the LSTM.",
     "Cho 등(2014)은 게이트 순환 유닛(GRU)을 내놓았다: LSTM의 덧셈 기억 경로를, 게이트 셋 대신 둘로, 따로 된 셀 없이. "
     "Chung, Gulcehre, Cho & Bengio(2014)는 이를 LSTM 및 tanh RNN과 비교했다: 게이트 유닛들이 이겼고, GRU는 LSTM과 "
     "대등했다."},
    {"With the parameter counts matched, the GRU and the LSTM both solve the adding problem at T = 50 and T = 100 where "
     "the tanh RNN stays at the baseline; neither gated unit is clearly better, and the GRU does 3/4 of the work per "
     "unit.",
     "매개변수 수를 맞추면 GRU와 LSTM 둘 다 T = 50과 T = 100의 덧셈 문제를 풀고, tanh RNN은 기준선에 머문다. 어느 게이트 "
     "유닛도 뚜렷이 낫지 않으며, GRU는 유닛당 3/4의 일을 한다."}};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  c.adding.training_steps = 2000;
  c.adding.test_sequences = 300;
  if (quick) {
    c.lengths = {20, 30};
    c.adding.training_steps = 600;
    c.adding.test_sequences = 200;
    c.seeds = 1;
    c.timing_steps = 20;
    c.timing_repeats = 3;
    c.timing_updates = 3;
  }
  return c;
}

double milliseconds_per_step(Cell cell, std::size_t hidden, Form form, const Config& c) {
  Rng rng(c.seed + 11);
  lesson11::AddingModel model(cell, hidden, rng, c.lstm_forget_bias);
  const data::AddingBatch batch = data::adding_batch(c.timing_steps, c.adding.batch, rng);
  optim::Adam adam(model.parameters(), c.adding.learning_rate);
  const Var inputs(batch.inputs), targets(batch.targets);
  auto prediction = [&] {
    return form == Form::fused_layer ? model.forward(inputs) : model.forward_by_steps(inputs, form == Form::fused_cell);
  };
  std::vector<double> samples;
  for (std::size_t repeat = 0; repeat < c.timing_repeats; ++repeat) {
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t update = 0; update < c.timing_updates; ++update) {
      adam.zero_grad();
      backward(mse_loss(prediction(), targets));
      optim::clip_grad_norm(model.parameters(), c.adding.clip);
      adam.step();
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    samples.push_back(1000 * seconds / static_cast<double>(c.timing_updates));
  }
  return median(samples);
}

namespace {

std::size_t hidden_of(const Config& c, Cell cell) {
  switch (cell) {
    case Cell::tanh: return c.tanh_hidden;
    case Cell::gru: return c.gru_hidden;
    case Cell::lstm: return c.lstm_hidden;
  }
  return 0;
}

// The runs of one cell at one length.
std::vector<TrainedAdding> runs_of(const Result& r, std::size_t length, Cell cell) {
  std::vector<TrainedAdding> out;
  for (const TrainedAdding& t : r.runs[length]) {
    if (t.job.cell == cell) out.push_back(t);
  }
  return out;
}

std::vector<double> final_mses(const std::vector<TrainedAdding>& runs) {
  std::vector<double> out;
  for (const TrainedAdding& t : runs) out.push_back(t.run.final_mse);
  return out;
}

}  // namespace

Result experiment(const Config& c) {
  Result r;
  for (std::size_t steps : c.lengths) {
    lesson11::AddingConfig adding = c.adding;
    adding.steps = steps;
    std::vector<lesson11::AddingJob> jobs;
    for (Cell cell : cells) {
      for (std::size_t s = 0; s < c.seeds; ++s) {
        const std::optional<real> forget_bias = cell == Cell::lstm ? c.lstm_forget_bias : std::nullopt;
        jobs.push_back({cell, hidden_of(c, cell), c.seed * 100 + s, forget_bias});
      }
    }
    r.runs.push_back(lesson11::train_adding_jobs(jobs, adding, "adding, T = " + std::to_string(steps)));
  }
  // Timed one after the other, after training, so the runs do not share the cores.
  for (Cell cell : cells) {
    Timing t{cell};
    Rng rng(c.seed);
    t.parameters = lesson11::AddingModel(cell, c.timing_hidden, rng).num_parameters() - (c.timing_hidden + 1);
    const bool gated = cell != Cell::tanh;
    t.composed_ms = gated ? milliseconds_per_step(cell, c.timing_hidden, Form::composed, c) : std::nan("");
    t.fused_cell_ms = gated ? milliseconds_per_step(cell, c.timing_hidden, Form::fused_cell, c) : std::nan("");
    t.fused_layer_ms = milliseconds_per_step(cell, c.timing_hidden, Form::fused_layer, c);
    r.timings.push_back(t);
  }
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  std::vector<Claim> out;
  for (std::size_t l = 0; l < c.lengths.size(); ++l) {
    const std::string at = "T = " + std::to_string(c.lengths[l]) + ": ";
    const std::vector<double> tanh = final_mses(runs_of(r, l, Cell::tanh)), gru = final_mses(runs_of(r, l, Cell::gru)),
                              lstm = final_mses(runs_of(r, l, Cell::lstm));
    const double gru_worst = *std::max_element(gru.begin(), gru.end());
    const double lstm_worst = *std::max_element(lstm.begin(), lstm.end());
    const double tanh_best = *std::min_element(tanh.begin(), tanh.end());
    const double log_gap = std::abs(std::log10(median(gru)) - std::log10(median(lstm)));
    out.push_back({at + "the GRU's highest final test MSE", gru_worst, "< 0.01", gru_worst < 0.01});
    out.push_back({at + "the LSTM's highest final test MSE", lstm_worst, "< 0.01", lstm_worst < 0.01});
    out.push_back({at + "the tanh RNN's lowest final test MSE (baseline 0.167)", tanh_best, "> 0.1", tanh_best > 0.1});
    out.push_back({at + "|log10 MSE(GRU) - log10 MSE(LSTM)|, medians over seeds: no clear winner", log_gap, "< 1.5",
                   log_gap < 1.5});
  }
  std::vector<double> parameters;
  for (const TrainedAdding& t : r.runs.front()) parameters.push_back(static_cast<double>(t.run.parameters));
  const double spread = *std::max_element(parameters.begin(), parameters.end()) /
                            *std::min_element(parameters.begin(), parameters.end()) - 1;
  out.push_back({"parameter counts: largest / smallest - 1", spread, "< 0.10", spread < 0.10});
  return out;
}

// ---- the lesson ----

int run(const Options& options) {
  Report report(info, options);
  const Config c = config(options.quick, options.seed);
  report.say({"Three nets with about the same number of parameters: a tanh RNN with " + std::to_string(c.tanh_hidden) +
             " units, a GRU with " + std::to_string(c.gru_hidden) + " (3 weight blocks per unit) and an LSTM with " +
             std::to_string(c.lstm_hidden) + " (4 blocks; forget bias " +
             plot::format_number(c.lstm_forget_bias.value_or(0)) + ", as lesson 12 advises), each with a linear "
             "readout of its last state. Lesson 11's adding problem at T = " + std::to_string(c.lengths.front()) +
             " and T = " + std::to_string(c.lengths.back()) + ", every net trained the same way: Adam 0.01, batches of " +
             std::to_string(c.adding.batch) + ", clipping at 1, " + std::to_string(c.adding.training_steps) +
             " steps, " + std::to_string(c.seeds) + " seeds.",
              "매개변수 수가 거의 같은 세 신경망: 유닛 " + std::to_string(c.tanh_hidden) + "개의 tanh RNN, 유닛 " +
             std::to_string(c.gru_hidden) + "개의 GRU(유닛당 가중치 블록 3개), 유닛 " + std::to_string(c.lstm_hidden) +
             "개의 LSTM(블록 4개, 레슨 12의 조언대로 망각 편향 " + plot::format_number(c.lstm_forget_bias.value_or(0)) +
             "). 모두 마지막 상태에 선형 판독 레이어를 단다. 레슨 11의 덧셈 문제를 T = " +
             std::to_string(c.lengths.front()) + "과 T = " + std::to_string(c.lengths.back()) +
             "에서, 모든 신경망을 같은 방식으로 학습한다: Adam 0.01, 배치 " + std::to_string(c.adding.batch) +
             ", 1에서 클리핑, " + std::to_string(c.adding.training_steps) + " 스텝, 시드 " + std::to_string(c.seeds) + "개."});
  const Result r = experiment(c);

  for (std::size_t l = 0; l < c.lengths.size(); ++l) {
    const std::string T = std::to_string(c.lengths[l]);
    plot::LineChart curves;
    curves.title = "The adding problem, T = " + T + ": test error while training";
    curves.x_label = "training step";
    curves.y_label = "test MSE (log scale)";
    curves.log_y = true;
    for (std::size_t k = 0; k < cells.size(); ++k) {
      const std::vector<TrainedAdding> runs = runs_of(r, l, cells[k]);
      for (std::size_t s = 0; s < runs.size(); ++s) {
        const TrainedAdding& t = runs[s];
        const std::string name = s == 0 ? lesson11::name_of(t.job.cell) + ", H = " + std::to_string(t.job.hidden) : "";
        curves.series.push_back({name, t.run.step, t.run.test_mse, plot::palette()[k], false, s > 0});
        report.figure("T = " + T + ", " + lesson11::name_of(t.job.cell) + ", seed " + std::to_string(s) +
                          ": final test MSE", t.run.final_mse);
      }
    }
    curves.reference_lines = {{1.0 / 6, "always answering the mean"}};
    report.plot("curves_T" + T + ".svg", curves.svg(),
                {"Dashed: seeds after the first. Both gated nets sit on the baseline for a while, then leave it; the "
                "tanh RNN never does.",
                 "점선: 첫 시드 이후의 시드. 두 게이트 신경망 모두 한동안 기준선에 앉아 있다가 떠난다. tanh RNN은 결코 떠나지 못한다."},
                curves.text(60, 10));
  }

  plot::BarChart finals;
  finals.title = "Final test MSE (median over seeds)";
  finals.y_label = "test MSE (log scale)";
  finals.log_y = true;
  for (std::size_t steps : c.lengths) finals.categories.push_back("T = " + std::to_string(steps));
  for (std::size_t k = 0; k < cells.size(); ++k) {
    plot::BarSeries bars{lesson11::name_of(cells[k]), {}, plot::palette()[k]};
    for (std::size_t l = 0; l < c.lengths.size(); ++l) bars.values.push_back(median(final_mses(runs_of(r, l, cells[k]))));
    finals.series.push_back(bars);
  }
  finals.reference_lines = {{1.0 / 6, "baseline"}};
  report.plot("final_mse.svg", finals.svg(),
              {"The gated nets end two orders of magnitude below the baseline at both lengths, within a factor of a few "
              "of each other; which of the two is lower changes with the seed and the length.",
               "게이트 신경망들은 두 길이 모두에서 기준선보다 두 자릿수 아래에서 끝나며, 서로 몇 배 차이 안에 있다. 둘 중 어느 쪽이 "
              "더 낮은지는 시드와 길이에 따라 바뀐다."},
              finals.text(30));

  report.say({"Speed at equal width. With H = " + std::to_string(c.timing_hidden) + " for all three, one training step "
             "(forward, backward, clipping, Adam) on a batch of " + std::to_string(c.adding.batch) + " sequences of " +
             std::to_string(c.timing_steps) + " steps, median of " + std::to_string(c.timing_repeats) +
             " repeats. Each gated cell three ways: composed from basic ops exactly as the equations read (~20 nodes a "
             "step), with each step's elementwise part fused into one node, and with the whole recurrence fused into "
             "one node, which is what nn::LSTM and nn::GRU run.",
              "같은 폭에서의 속도. 셋 모두 H = " + std::to_string(c.timing_hidden) + "로 두고, " +
             std::to_string(c.timing_steps) + " 스텝짜리 시퀀스 " + std::to_string(c.adding.batch) +
             "개 배치에 대한 학습 스텝 하나(순방향, 역방향, 클리핑, Adam)를 " + std::to_string(c.timing_repeats) +
             "번 반복해 중앙값을 취한다. 게이트 셀은 각각 세 가지로: 식에 쓰인 그대로 기본 연산으로 조립한 스텝(스텝당 노드 "
             "~20개), 스텝의 원소별 부분을 노드 하나로 융합한 스텝, 그리고 순환 전체를 노드 하나로 융합한 층. 마지막이 "
             "nn::LSTM과 nn::GRU가 실제로 돌리는 형태다."});
  plot::BarChart times;
  times.title = "Time per training step, H = " + std::to_string(c.timing_hidden) + ", T = " + std::to_string(c.timing_steps);
  times.y_label = "milliseconds";
  plot::BarSeries composed{"composed ops", {}, plot::palette()[1]};
  plot::BarSeries fused_cell{"fused cell per step", {}, plot::palette()[0]};
  plot::BarSeries fused_layer{"the nn module (fused layer)", {}, plot::palette()[2]};
  for (const Timing& t : r.timings) {
    const std::string name = lesson11::name_of(t.cell);
    times.categories.push_back(name);
    composed.values.push_back(t.composed_ms);
    fused_cell.values.push_back(t.fused_cell_ms);
    fused_layer.values.push_back(t.fused_layer_ms);
    const std::string what = name + ", H = " + std::to_string(c.timing_hidden) + ": ms per training step, ";
    report.timing(what + "layer", t.fused_layer_ms, "ms");
    if (t.cell != Cell::tanh) {
      report.timing(what + "fused cell", t.fused_cell_ms, "ms");
      report.timing(what + "composed", t.composed_ms, "ms");
    }
  }
  times.series = {composed, fused_cell, fused_layer};
  const Timing& gru = r.timings[1];
  const Timing& lstm = r.timings[2];
  // Rounded for the caption: the GRU's share of the LSTM's time, and what each fusion gains.
  auto ratio = [](double a, double b) { return plot::format_number(std::round(10 * a / b) / 10); };
  const std::string time_share = plot::format_number(std::round(100 * gru.fused_layer_ms / lstm.fused_layer_ms) / 100);
  const std::string lstm_cell_gain = ratio(lstm.composed_ms, lstm.fused_cell_ms);
  const std::string gru_cell_gain = ratio(gru.composed_ms, gru.fused_cell_ms);
  const std::string lstm_layer_gain = ratio(lstm.fused_cell_ms, lstm.fused_layer_ms);
  const std::string gru_layer_gain = ratio(gru.fused_cell_ms, gru.fused_layer_ms);
  const std::string gru_parameters = std::to_string(gru.parameters), lstm_parameters = std::to_string(lstm.parameters);
  report.plot("time_per_step.svg", times.svg(),
              {"At equal width the GRU has 3/4 of the LSTM's parameters (" + gru_parameters + " vs " + lstm_parameters +
                   ") and here takes " + time_share + " of its time. Fusing each step's elementwise part into one node "
                   "makes the LSTM " + lstm_cell_gain + "x and the GRU " + gru_cell_gain + "x faster than the composed "
                   "ops; fusing the whole recurrence into one node gains another " + lstm_layer_gain + "x and " +
                   gru_layer_gain + "x. The tanh RNN has one form: its step is a matrix product and a tanh.",
               "같은 폭에서 GRU는 LSTM 매개변수의 3/4을 가지며(" + gru_parameters + " 대 " + lstm_parameters +
                   "), 여기서 LSTM 시간의 " + time_share + "만 쓴다. 스텝마다 원소별 부분을 노드 하나로 융합하면 기본 "
                   "연산으로 조립한 것보다 LSTM은 " + lstm_cell_gain + "배, GRU는 " + gru_cell_gain + "배 빨라지고, "
                   "순환 전체를 노드 하나로 융합하면 다시 " + lstm_layer_gain + "배와 " + gru_layer_gain +
                   "배를 얻는다. tanh RNN은 형태가 하나뿐이다: 그 스텝은 행렬 곱 하나와 tanh다."},
              times.text(30));
  // The table: as trained (parameter-matched), and at equal width.
  const std::string H = std::to_string(c.timing_hidden);
  std::string table = "             as trained" + std::string(11 * c.lengths.size(), ' ') + "   at equal width H = " + H + "\n";
  table += "cell        H  parameters";
  for (std::size_t steps : c.lengths) table += "  MSE T=" + std::to_string(steps) + (steps < 100 ? " " : "");
  table += "   parameters  ms/step     cell  composed\n";
  for (std::size_t k = 0; k < cells.size(); ++k) {
    const std::vector<TrainedAdding> runs = runs_of(r, 0, cells[k]);
    char line[200];
    std::snprintf(line, sizeof line, "%-9s %3zu  %10zu", lesson11::name_of(cells[k]).c_str(), runs[0].job.hidden,
                  runs[0].run.parameters);
    table += line;
    for (std::size_t l = 0; l < c.lengths.size(); ++l) {
      std::snprintf(line, sizeof line, "  %9.2e", median(final_mses(runs_of(r, l, cells[k]))));
      table += line;
    }
    const Timing& t = r.timings[k];
    std::snprintf(line, sizeof line, "   %10zu  %7.2f", t.parameters, t.fused_layer_ms);
    table += line;
    if (std::isnan(t.composed_ms)) {
      table += "        -         -\n";
    } else {
      std::snprintf(line, sizeof line, "  %7.2f  %8.2f\n", t.fused_cell_ms, t.composed_ms);
      table += line;
    }
  }
  report.block(table + "(MSE: median over seeds. Parameters at equal width: the recurrent layer alone. ms/step: one "
               "training step, T = " + std::to_string(c.timing_steps) + ": the fused layer the modules run, then "
               "the fused cell per step and the composed ops.)");
  report.say({"Fusion saves memory passes, graph nodes and small products, not arithmetic: every sigmoid and tanh "
             "still costs an exponential, and the matrix products (h W_hh^T at every step, x W_ih^T once for the whole "
             "sequence) cost O(H^2) per sequence and step against O(H) for the gates. The fused cell removes ~20 "
             "nodes a step. The fused layer removes the rest of the per-step bookkeeping: W_hh is packed for the "
             "matrix kernel once per sequence instead of at every step, and the weight gradient dW_hh = sum_t dA_t^T "
             "h_{t-1} becomes one large product instead of one small product per step. So the saving is largest for "
             "small H and shrinks as H grows. The same numbers come out every way, to the last bits the order of "
             "summation allows (tested).",
              "융합이 아끼는 것은 산술이 아니라 메모리 순회, 그래프 노드, 작은 행렬 곱이다: 모든 시그모이드와 tanh는 여전히 "
             "지수 함수 하나씩의 비용이 들고, 행렬 곱(스텝마다 h W_hh^T, 시퀀스 전체에 한 번 x W_ih^T)은 시퀀스와 스텝마다 "
             "O(H^2)인 반면 게이트는 O(H)다. 융합 셀은 스텝당 노드 ~20개를 없앤다. 융합 층은 스텝마다 남은 부담까지 없앤다: "
             "W_hh를 행렬 커널용으로 스텝마다가 아니라 시퀀스마다 한 번 포장(pack)하고, 가중치 기울기 dW_hh = sum_t "
             "dA_t^T h_{t-1}을 스텝마다의 작은 곱 대신 큰 곱 하나로 계산한다. 그래서 절약은 H가 작을 때 가장 크고 H가 "
             "커질수록 줄어든다. 어느 방식으로 해도 합산 순서가 허락하는 마지막 비트까지 같은 수가 나온다(테스트로 확인)."});
  report.say({"Which gated unit to use? Chung et al. (2014) and Jozefowicz et al. (2015) found no winner across tasks; "
             "this lesson finds none either. The GRU is smaller and faster at equal width; the LSTM's separate cell "
             "and output gate give it a memory the output does not have to reveal.",
              "어느 게이트 유닛을 쓸까? Chung 등(2014)과 Jozefowicz 등(2015)은 과제 전반에서 승자를 찾지 못했고, 이 레슨도 찾지 "
             "못한다. 같은 폭에서 GRU가 더 작고 빠르다. LSTM의 따로 된 셀과 출력 게이트는 출력이 드러내지 않아도 되는 "
             "기억을 준다."});
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson13
