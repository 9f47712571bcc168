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
#include "lessons/02_autograd.md.hpp"
#include "lessons/02_autograd.sources.hpp"
#include "lessons/common/graph_svg.hpp"
#include "lessons/common/plot.hpp"
#include "lessons/common/progress.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "tensor/math.hpp"

namespace rnnlab::lessons::lesson02 {

const LessonInfo info = {2, "02_autograd", narration_markdown, nullptr, source_files};

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

  // The same gradients by hand, by the chain rule: dL/dy = 2 (y - t), dy/dz = 1 - y^2, dz/dw1 = x1, ... (with the
  // tanh the op computes, tensor/math.hpp's, so that the two agree to the last bit on every machine)
  const double yv = math::tanh(0.8 * x1 - 1.2 * x2 + 0.3);
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
    // The training step written out (later lessons call Trainer::step for these lines): clear the gradients,
    // record the forward pass, run it backwards, update the weights.
    // >>> xor-training
    for (std::size_t step = 1; step <= config.steps; ++step) {
      adam.zero_grad();
      const Var mse = mse_loss(net(inputs), targets);
      backward(mse);
      adam.step();
      curve.push_back(mse.item());
      if (solved_at == 0 && mse.item() < 0.01) solved_at = step;
      progress.update(s * config.steps + step, mse.item());
    }
    // <<< xor-training
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
  Config c = config(options.quick, options.seed);
  Report report(info, options, apply_settings(options, {{"hidden", c.hidden}, {"learning_rate", c.learning_rate}}));
  const Result r = experiment(c);

  report.say("one-neuron");
  report.write("graph.dot", r.dot);
  report.plot("graph.svg", r.graph_svg);
  report.code("tanh");
  report.code("backward");

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
  report.say("value-used-twice", {{"reused_node_grad", static_cast<int>(r.reused_node_grad)}});

  report.say("xor",
             {{"hidden", c.hidden}, {"learning_rate", c.learning_rate}, {"steps", c.steps}, {"seeds", c.seeds}});
  report.code("xor-training");
  plot::LineChart curves;
  curves.title = "XOR: training loss of a 2-" + std::to_string(c.hidden) + "-1 network, one line per seed";
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
  // The terminal has eight marks to tell lines apart: it shows the four seeds the legend names.
  plot::LineChart first_seeds = curves;
  first_seeds.series.resize(std::min<std::size_t>(4, curves.series.size()));
  first_seeds.title = "XOR: training loss of a 2-" + std::to_string(c.hidden) + "-1 network, the first 4 seeds";
  report.plot("xor_loss.svg", curves.svg(), {}, first_seeds.text());
  for (std::size_t s = 0; s < r.steps_to_solve.size(); ++s) {
    report.figure("XOR seed " + std::to_string(s) + ": first step with MSE < 0.01", static_cast<double>(r.steps_to_solve[s]));
  }
  report.try_next();
  report.claims(claims(r, c));
  return report.finish();
}

}  // namespace rnnlab::lessons::lesson02
