// Lesson 02 — reverse-mode automatic differentiation, and an MLP that learns XOR.
#pragma once

#include <cstdint>
#include <vector>

#include "lessons/common/options.hpp"
#include "lessons/common/report.hpp"

namespace rnnlab::lessons::lesson02 {

struct Config {
  std::size_t seeds = 10;     // independent XOR trainings
  std::size_t steps = 2000;   // full-batch Adam steps each
  std::size_t hidden = 4;     // the 2-4-1 network
  double learning_rate = 1e-2;
  std::uint64_t seed = 0;
};
Config config(bool quick, std::uint64_t seed);

struct Result {
  // One artificial neuron, L = (tanh(w1 x1 + w2 x2 + b) - t)^2, differentiated three ways.
  double loss = 0;
  std::vector<double> autograd_grads, hand_grads;  // dL/dw1, dL/dw2, dL/db
  double gradcheck_max_rel_error = 0;
  double reused_node_grad = 0;  // b = a + a, c = b + b: dc/da
  std::string dot;              // the neuron's graph as Graphviz DOT
  std::string graph_svg;        // and drawn, with values and gradients
  // XOR
  std::vector<std::vector<double>> xor_losses;  // per seed, the MSE at every step
  std::vector<std::size_t> steps_to_solve;      // first step with MSE < 0.01 (0 = never)
  std::size_t solved = 0;
};

Result experiment(const Config& config);
std::vector<Claim> claims(const Result& result, const Config& config);
int run(const Options& options);
extern const LessonInfo info;

}  // namespace rnnlab::lessons::lesson02
