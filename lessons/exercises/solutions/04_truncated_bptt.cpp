// Exercise 4, a solution: lesson 06's experiment with truncated backpropagation through time.
#include <stdexcept>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/data.hpp"
#include "lessons/exercises/exercises.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"

namespace rnnlab::exercises {

namespace {

// Lesson 06's network: 1 input -> 8 tanh units with context -> 1 sigmoid output.
struct SimpleRecurrentNet : nn::Module {
  explicit SimpleRecurrentNet(Rng& rng) : cell(1, 8, rng), output(8, 1, rng) {
    register_module("cell", cell);
    register_module("output", output);
  }
  Var operator()(const Var& bits, std::size_t truncate_every) {
    const Var h0(Tensor::zeros({bits.shape()[1], cell.hidden_size()}));
    return sigmoid(output(nn::unroll(cell, bits, h0, truncate_every)));
  }
  nn::RNNCell cell;
  nn::Linear output;
};

}  // namespace

double xor_bit_mse(std::size_t truncate_every, std::uint64_t seed) {
  constexpr std::size_t window = 24, batch = 32, steps = 1000;
  Rng data_rng(seed);  // lesson 06's streams for this seed
  const std::vector<int> train = lessons::data::temporal_xor(3000, data_rng);
  const std::vector<int> test = lessons::data::temporal_xor(1200, data_rng);

  Rng rng(seed);
  SimpleRecurrentNet net(rng);
  optim::Adam adam(net.parameters(), 1e-2);
  Tensor inputs({window, batch, 1}), targets({window, batch, 1});
  for (std::size_t step = 0; step < steps; ++step) {
    for (std::size_t b = 0; b < batch; ++b) {
      const std::size_t start = rng.below(train.size() - window);
      for (std::size_t t = 0; t < window; ++t) {
        inputs[t * batch + b] = train[start + t];
        targets[t * batch + b] = train[start + t + 1];
      }
    }
    adam.zero_grad();
    backward(mse_loss(net(Var(inputs), truncate_every), Var(targets)));
    adam.step();
  }

  NoGradGuard no_grad;
  Tensor stream({test.size() - 1, 1, 1});
  for (std::size_t t = 0; t + 1 < test.size(); ++t) stream[t] = test[t];
  const Tensor predicted = net(Var(stream), 0).value();
  double error = 0, count = 0;
  for (std::size_t t = 0; t + 1 < test.size(); ++t) {
    if ((t + 1) % 3 != 2) continue;  // only the XOR bits are predictable
    const double d = predicted[t] - test[t + 1];
    error += d * d;
    count += 1;
  }
  return error / count;
}

std::size_t shortest_truncation() {
  // Truncating every 24 steps or more is full BPTT on windows of 24 bits, which lesson 06 showed solves it.
  for (std::size_t k = 1; k <= 24; ++k) {
    if (xor_bit_mse(k, 0) < 0.05) return k;
  }
  throw std::runtime_error("shortest_truncation: no truncation up to 24 steps reached MSE 0.05");
}

}  // namespace rnnlab::exercises
