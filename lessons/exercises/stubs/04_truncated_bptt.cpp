// Exercise 4: how much backpropagation through time does lesson 06 need? Read ../04_truncated_bptt.md first.
#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/data.hpp"
#include "lessons/exercises/exercises.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"

namespace rnnlab::exercises {

double xor_bit_mse(std::size_t /*truncate_every*/, std::uint64_t /*seed*/) {
  // Your code: lesson 06's train_and_test (lessons/06_elman.cpp), with truncate_every passed to nn::unroll.
  throw NotImplemented(4);
}

std::size_t shortest_truncation() {
  // Your code: try truncate_every = 1, 2, 3, ... with seed 0.
  throw NotImplemented(4);
}

}  // namespace rnnlab::exercises
