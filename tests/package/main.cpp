// Uses an installed rnnlab: one LSTM training step on random data, checked against a gradcheck of the same
// module. Prints what it did and exits 0 when everything agrees.
#include <cstdio>

#include "autograd/gradcheck.hpp"
#include "autograd/ops.hpp"
#include "nn/gated.hpp"
#include "nn/optim.hpp"

int main() {
  using namespace rnnlab;
  Rng rng(0);
  nn::LSTM lstm(3, 4, rng);
  const Var x(Tensor::normal({5, 2, 3}, 0, 1, rng));
  const GradcheckResult check = gradcheck([&] { return lstm(x).output; }, lstm.parameters());
  optim::Adam adam(lstm.parameters(), 1e-2);
  const Var target(Tensor::zeros({5, 2, 4}));
  const real before = mse_loss(lstm(x).output, target).item();
  for (int step = 0; step < 20; ++step) {
    adam.zero_grad();
    backward(mse_loss(lstm(x).output, target));
    adam.step();
  }
  const real after = mse_loss(lstm(x).output, target).item();
  std::printf("rnnlab from an installed package: LSTM with %zu parameters, gradcheck %s (%zu elements), "
              "loss %.4f -> %.4f in 20 Adam steps\n",
              lstm.num_parameters(), check.passed ? "passed" : "FAILED", check.checked, before, after);
  return check.passed && after < before ? 0 : 1;
}
