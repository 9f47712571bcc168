// Lesson 02 — reverse-mode automatic differentiation.
//
// Training a network means following the gradient of its loss with respect to every weight. Rumelhart, Hinton
// & Williams (1986, "Learning representations by back-propagating errors") showed how to get all of them in
// one backward sweep: record the computation as a graph, then apply the chain rule from the loss back to the
// inputs, each node passing on d(loss)/d(its output) times its local derivative. That is reverse-mode
// automatic differentiation (Linnainmaa 1970 had the general method), and it is what autograd/ does:
//   - every op records its inputs and a backward function (autograd/elementwise.cpp and friends);
//   - backward() orders the graph topologically and runs each backward once, last op first (autograd/var.cpp);
//   - gradients ACCUMULATE, so a value used twice receives both contributions.
// We check it three ways on one neuron: against the derivative worked out by hand, against finite differences
// (gradcheck), and on the reused-node case. Then the 1986 paper's classic: a 2-4-1 network learns XOR, which no
// network without a hidden layer can.
#include "lessons/02_autograd.hpp"

#include <cmath>
#include <cstdio>

#include "autograd/dot.hpp"
#include "autograd/gradcheck.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/graph_svg.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"

namespace rnnlab::lessons::lesson02 {

const LessonInfo info = {
    2, "02_autograd", {"Reverse-mode autograd",
                       "역방향 모드 자동 미분"},
    {"Rumelhart, Hinton & Williams (1986) made multi-layer networks trainable by back-propagating errors: record the "
     "computation as a graph, then apply the chain rule once per node from the loss back to every weight. Every "
     "later lesson trains with exactly this machinery, so here we open it up and check it.",
     "Rumelhart, Hinton & Williams(1986)는 오차를 역전파하여 다층 신경망을 학습할 수 있게 만들었다: 계산을 그래프로 "
     "기록한 뒤, 손실에서 모든 가중치까지 노드마다 한 번씩 연쇄 법칙을 적용한다. 이후의 모든 레슨이 바로 이 장치로 "
     "학습하므로, 여기서 그 속을 열어 보고 검증한다."},
    {"The computation graph of one neuron, its gradients by hand, by autograd and by finite differences; then a "
     "2-4-1 network learns XOR.",
     "뉴런 하나의 계산 그래프와 그 기울기를 손으로, autograd로, 유한 차분으로 구한다. 그다음 2-4-1 신경망이 XOR을 배운다."}};

Config config(bool quick, std::uint64_t seed) {
  Config c;
  c.seed = seed;
  (void)quick;  // the full configuration already runs in well under a second
  return c;
}

namespace {

// in -> hidden (tanh) -> out.
struct TwoLayerNet : nn::Module {
  TwoLayerNet(std::size_t in, std::size_t hidden, std::size_t out, Rng& rng) : first(in, hidden, rng), second(hidden, out, rng) {
    register_module("first", first);
    register_module("second", second);
  }
  Var operator()(const Var& x) { return second(tanh(first(x))); }
  nn::Linear first, second;
};

}  // namespace

Result experiment(const Config& config) {
  Result r;

  // ---- one neuron: L = (tanh(w1 x1 + w2 x2 + b) - t)^2 ----
  const double x1 = 1.5, x2 = -0.5, target = 1.0;
  Var w1(Tensor::scalar(0.8), true), w2(Tensor::scalar(-1.2), true), b(Tensor::scalar(0.3), true);
  Var in1(Tensor::scalar(x1)), in2(Tensor::scalar(x2)), minus_t(Tensor::scalar(-target));
  w1.set_name("w1");
  w2.set_name("w2");
  b.set_name("b");
  in1.set_name("x1");
  in2.set_name("x2");
  minus_t.set_name("-t");
  Var p1 = w1 * in1, p2 = w2 * in2;
  Var s = p1 + p2;
  Var z = s + b;
  Var y = tanh(z);
  Var e = y + minus_t;
  Var loss = pow(e, 2);
  const char* names[] = {"w1 x1", "w2 x2", "s", "z", "y", "e = y - t", "L"};
  Var* intermediates[] = {&p1, &p2, &s, &z, &y, &e, &loss};
  for (std::size_t i = 0; i < 7; ++i) {
    intermediates[i]->set_name(names[i]);
    intermediates[i]->retain_grad();  // keep every intermediate gradient, to draw it
  }
  r.dot = to_dot(loss);
  backward(loss, /*retain_graph=*/true);  // keep the graph to draw it with its gradients
  r.graph_svg = graph_svg(loss, "L = (tanh(w1 x1 + w2 x2 + b) - t)^2, after backward");
  r.loss = loss.item();
  r.autograd_grads = {w1.grad().item(), w2.grad().item(), b.grad().item()};

  // The same gradients by hand, by the chain rule: dL/dy = 2 (y - t), dy/dz = 1 - y^2, dz/dw1 = x1, ...
  const double yv = std::tanh(0.8 * x1 - 1.2 * x2 + 0.3);
  const double dz = 2 * (yv - target) * (1 - yv * yv);
  r.hand_grads = {dz * x1, dz * x2, dz};

  // And by central finite differences.
  const GradcheckResult check = gradcheck(
      [&](const std::vector<Var>& p) { return pow(tanh(p[0] * x1 + p[1] * x2 + p[2]) - target, 2); },
      {Tensor::scalar(0.8), Tensor::scalar(-1.2), Tensor::scalar(0.3)});
  r.gradcheck_max_rel_error = check.passed ? check.max_rel_error : 1.0;

  // A reused node: b = a + a, c = b + b. Each use adds its contribution: dc/da = 2 * 2 = 4.
  Var a(Tensor::scalar(3), true);
  const Var twice = a + a;
  backward(twice + twice);
  r.reused_node_grad = a.grad().item();

  // ---- XOR with a 2-4-1 network (Rumelhart, Hinton & Williams 1986) ----
  const Var inputs(Tensor::from({4, 2}, {0, 0, 0, 1, 1, 0, 1, 1}));
  const Var targets(Tensor::from({4, 1}, {0, 1, 1, 0}));
  Progress progress("XOR, all seeds", config.seeds * config.steps);
  for (std::size_t s = 0; s < config.seeds; ++s) {
    Rng rng(config.seed * 1000 + s);
    TwoLayerNet net(2, config.hidden, 1, rng);
    optim::Adam adam(net.parameters(), config.learning_rate);
    std::vector<double> curve;
    std::size_t solved_at = 0;
    for (std::size_t step = 1; step <= config.steps; ++step) {
      adam.zero_grad();
      const Var mse = mse_loss(net(inputs), targets);
      backward(mse);
      adam.step();
      curve.push_back(mse.item());
      if (solved_at == 0 && mse.item() < 0.01) solved_at = step;
      progress.update(s * config.steps + step, mse.item());
    }
    r.xor_losses.push_back(curve);
    r.steps_to_solve.push_back(solved_at);
    r.solved += solved_at != 0;
  }
  return r;
}

std::vector<Claim> claims(const Result& r, const Config& c) {
  double worst = 0;
  for (std::size_t i = 0; i < 3; ++i) worst = std::max(worst, std::abs(r.autograd_grads[i] - r.hand_grads[i]));
  return {
      {"autograd equals the chain rule by hand (max |difference|)", worst, "<= 1e-12", worst <= 1e-12},
      {"gradcheck: max relative error against finite differences", r.gradcheck_max_rel_error, "< 1e-6",
       r.gradcheck_max_rel_error < 1e-6},
      {"reused node b = a + a, c = b + b: dc/da", r.reused_node_grad, "= 4", r.reused_node_grad == 4},
      {"XOR: seeds reaching MSE < 0.01 within " + std::to_string(c.steps) + " steps (of " + std::to_string(c.seeds) + ")",
       static_cast<double>(r.solved), ">= 9 of 10", r.solved * 10 >= 9 * c.seeds},
  };
}

int run(const Options& options) {
  Report report(info, options);
  const Config c = config(options.quick, options.seed);
  const Result r = experiment(c);

  report.say({"One neuron with weights w1 = 0.8, w2 = -1.2, bias b = 0.3, inputs x1 = 1.5, x2 = -0.5 and target t = 1. "
             "The forward pass computes z = w1 x1 + w2 x2 + b, y = tanh(z) and L = (y - t)^2, recording each op as a node "
             "of a graph. backward(L) then visits the nodes in reverse order; each multiplies the gradient arriving at "
             "its output by its local derivative (for tanh: 1 - y^2) and adds the result into its inputs' gradients.",
              "가중치 w1 = 0.8, w2 = -1.2, 편향 b = 0.3, 입력 x1 = 1.5, x2 = -0.5, 목표 t = 1인 뉴런 하나. 순방향 계산은 "
             "z = w1 x1 + w2 x2 + b, y = tanh(z), L = (y - t)^2을 구하면서 각 연산을 그래프의 노드로 기록한다. 그러면 "
             "backward(L)이 노드들을 역순으로 방문한다. 각 노드는 자기 출력에 도착한 기울기에 자신의 국소 미분(tanh라면 "
             "1 - y^2)을 곱하고, 그 결과를 입력들의 기울기에 더한다."});
  report.write("graph.dot", r.dot);
  report.plot("graph.svg", r.graph_svg,
              {"The neuron's computation graph after backward: leaves in blue, ops in orange, each with its value and "
              "the gradient of L with respect to it. (graph.dot holds the same graph for Graphviz.)",
               "backward 후의 뉴런 계산 그래프: 잎 노드는 파란색, 연산은 주황색이며, 각각 값과 그에 대한 L의 기울기를 표시한다. "
              "(graph.dot에 Graphviz용으로 같은 그래프가 있다.)"});
  report.block("  Graphviz source (graph.dot):\n" + r.dot);

  char table[512];
  std::snprintf(table, sizeof table,
                "  L = %.6f\n"
                "               autograd           by hand (chain rule)\n"
                "  dL/dw1  %+.15f  %+.15f\n"
                "  dL/dw2  %+.15f  %+.15f\n"
                "  dL/db   %+.15f  %+.15f",
                r.loss, r.autograd_grads[0], r.hand_grads[0], r.autograd_grads[1], r.hand_grads[1], r.autograd_grads[2],
                r.hand_grads[2]);
  report.block(table);
  report.figure("gradcheck max relative error", r.gradcheck_max_rel_error);
  report.say({"A value used twice gets both contributions: with b = a + a and c = b + b, dc/da = " +
             std::to_string(static_cast<int>(r.reused_node_grad)) +
             ". This is why gradients accumulate (+=), why backward() must finish every user of a node before passing its "
             "gradient on (the topological order), and why a training loop calls zero_grad() before each step.",
              "두 번 쓰인 값은 두 기여를 모두 받는다: b = a + a, c = b + b이면 dc/da = " +
             std::to_string(static_cast<int>(r.reused_node_grad)) +
             ". 그래서 기울기는 누적되고(+=), backward()는 어떤 노드의 기울기를 넘기기 전에 그 노드를 쓰는 모든 노드를 "
             "먼저 끝내야 하며(위상 정렬 순서), 학습 루프는 매 스텝 전에 zero_grad()를 호출한다."});

  report.say({"Now XOR, the function a single layer cannot compute (Minsky & Papert 1969): a 2-4-1 network with tanh "
             "hidden units, mean squared error, Adam with learning rate 0.01, " + std::to_string(c.steps) +
             " full-batch steps, " + std::to_string(c.seeds) + " random initializations.",
              "이제 단층으로는 계산할 수 없는 함수인 XOR(Minsky & Papert 1969): tanh 은닉 유닛을 가진 2-4-1 신경망, 평균 "
             "제곱 오차, 학습률 0.01의 Adam, 전체 배치 " + std::to_string(c.steps) + " 스텝, 무작위 초기화 " +
             std::to_string(c.seeds) + "가지."});
  plot::LineChart curves;
  curves.title = "XOR: training loss of a 2-4-1 network, one line per seed";
  curves.x_label = "step";
  curves.y_label = "mean squared error";
  curves.log_y = true;
  for (std::size_t s = 0; s < r.xor_losses.size(); ++s) {
    plot::Series line;
    line.name = s < 4 ? "seed " + std::to_string(s) : "";
    for (std::size_t i = 0; i < r.xor_losses[s].size(); i += 10) {
      line.x.push_back(static_cast<double>(i + 1));
      line.y.push_back(r.xor_losses[s][i]);
    }
    curves.series.push_back(line);
  }
  curves.reference_lines = {{0.25, "0.25: predicting 0.5 always"}, {0.01, "0.01: solved"}};
  curves.y_min = 1e-6;
  report.plot("xor_loss.svg", curves.svg(),
              {"Every seed leaves the 0.25 plateau and falls below 0.01 (and keeps falling; the axis stops at 1e-6).",
               "모든 시드가 0.25의 평탄 구간을 벗어나 0.01 아래로 내려간다(그리고 계속 내려간다. 축은 1e-6에서 끊었다)."},
              curves.text());
  for (std::size_t s = 0; s < r.steps_to_solve.size(); ++s) {
    report.figure("XOR seed " + std::to_string(s) + ": first step with MSE < 0.01", static_cast<double>(r.steps_to_solve[s]));
  }
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson02
