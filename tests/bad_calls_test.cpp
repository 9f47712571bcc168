// Bad calls, table-driven: every module constructor and forward, and the ops that take sizes or indices, given
// wrong ranks, zero sizes, mismatched batches, wrong initial states and out-of-range indices. Each must throw a
// std::invalid_argument (ShapeError is one) whose message names the module or op and shows the shapes or the
// value; none may crash (the sanitizer run checks that too).
#include <functional>
#include <string>
#include <vector>

#include "autograd/ops.hpp"
#include "check.hpp"
#include "nn/gated.hpp"
#include "nn/layers.hpp"
#include "nn/optim.hpp"
#include "nn/recurrent.hpp"

namespace rnnlab::nn {
namespace {

struct BadCall {
  const char* what;                    // the mistake, in words
  std::function<void()> call;
  std::vector<std::string> mentions;   // what the message must contain: the module or op, the shapes or values
};

Var zeros(const Shape& shape) { return Var(Tensor::zeros(shape)); }

// Modules built once with known sizes: input 3, hidden 4, batch 2, 5 steps.
struct Modules {
  Rng rng{1};
  Linear linear{3, 4, rng};
  Embedding embedding{10, 4, rng};
  RNNCell rnn_cell{3, 4, rng};
  LSTMCell lstm_cell{3, 4, rng};
  GRUCell gru_cell{3, 4, rng};
  RNN rnn{3, 4, rng, {.num_layers = 2}};
  LSTM lstm{3, 4, rng};
  GRU gru{3, 4, rng, {.bidirectional = true}};
  TDNN tdnn{3, 4, 3, rng};
  Jordan jordan{3, 4, 2, 0.5, rng};
};

std::vector<BadCall> constructor_calls() {
  static Rng rng(2);
  return {
      {"Linear with 0 inputs", [] { Linear(0, 4, rng); }, {"Linear", "must be positive"}},
      {"Linear with 0 outputs", [] { Linear(3, 0, rng); }, {"Linear", "must be positive"}},
      {"Embedding with an empty vocabulary", [] { Embedding(0, 4, rng); }, {"Embedding", "must be positive"}},
      {"Embedding of width 0", [] { Embedding(10, 0, rng); }, {"Embedding", "must be positive"}},
      {"RNNCell with 0 inputs", [] { RNNCell(0, 4, rng); }, {"RNNCell", "must be positive"}},
      {"RNNCell with 0 units", [] { RNNCell(3, 0, rng); }, {"RNNCell", "must be positive"}},
      {"LSTMCell with 0 units", [] { LSTMCell(3, 0, rng); }, {"LSTMCell", "must be positive"}},
      {"GRUCell with 0 inputs", [] { GRUCell(0, 4, rng); }, {"GRUCell", "must be positive"}},
      {"RNN with 0 units", [] { RNN(3, 0, rng); }, {"RNN", "must be positive"}},
      {"RNN with 0 inputs", [] { RNN(0, 4, rng); }, {"RNN", "must be positive"}},
      {"LSTM with 0 layers", [] { LSTM(3, 4, rng, {.num_layers = 0}); }, {"LSTM", "num_layers"}},
      {"GRU with dropout 1", [] { GRU(3, 4, rng, {.num_layers = 2, .dropout = 1}); }, {"GRU", "dropout"}},
      {"GRU with negative dropout", [] { GRU(3, 4, rng, {.num_layers = 2, .dropout = -0.5}); }, {"GRU", "dropout"}},
      {"TDNN with 0 delays", [] { TDNN(3, 4, 0, rng); }, {"TDNN", "must be positive"}},
      {"TDNN with 0 inputs", [] { TDNN(0, 4, 3, rng); }, {"TDNN", "must be positive"}},
      {"Jordan with 0 outputs", [] { Jordan(3, 4, 0, 0.5, rng); }, {"Jordan", "must be positive"}},
      {"Dropout with p = 1", [] { Dropout(1.0); }, {"Dropout", "1"}},
      {"Dropout with p < 0", [] { Dropout(-0.1); }, {"Dropout", "-0.1"}},
      {"SGD with a negative learning rate", [] { optim::SGD({Var(Tensor::zeros({2}), true)}, -0.1); }, {"SGD", "-0.1"}},
      {"Adam with beta1 = 1", [] { optim::Adam({Var(Tensor::zeros({2}), true)}, 1e-3, 1.0); }, {"Adam", "beta"}},
  };
}

std::vector<BadCall> forward_calls(Modules& m) {
  return {
      {"Linear: features 5, expects 3", [&] { m.linear(zeros({2, 5})); }, {"linear", "[2, 5]", "[4, 3]"}},
      {"Linear: a scalar input", [&] { m.linear(zeros({})); }, {"linear", "[]"}},
      {"Embedding: index 10 of a vocabulary of 10", [&] { m.embedding({1, 10}); }, {"Embedding", "10"}},
      {"Embedding: 3 indices for an index shape of 4", [&] { m.embedding.forward({1, 2, 3}, {2, 2}); }, {"Embedding", "[2, 2]"}},
      {"RNNCell: a [T, B, F] input", [&] { m.rnn_cell(zeros({5, 2, 3}), zeros({2, 4})); }, {"RNNCell", "[5, 2, 3]"}},
      {"RNNCell: features 5, expects 3", [&] { m.rnn_cell(zeros({2, 5}), zeros({2, 4})); }, {"RNNCell", "[2, 5]"}},
      {"RNNCell: h of batch 3 for x of batch 2", [&] { m.rnn_cell(zeros({2, 3}), zeros({3, 4})); }, {"RNNCell", "[3, 4]"}},
      {"RNNCell: h of width 5", [&] { m.rnn_cell(zeros({2, 3}), zeros({2, 5})); }, {"RNNCell", "[2, 5]"}},
      {"LSTMCell: c of the wrong shape", [&] { m.lstm_cell(zeros({2, 3}), {zeros({2, 4}), zeros({2, 5})}); },
       {"LSTMCell", "[2, 5]"}},
      {"LSTMCell: h of batch 1", [&] { m.lstm_cell(zeros({2, 3}), {zeros({1, 4}), zeros({2, 4})}); }, {"LSTMCell", "[1, 4]"}},
      {"GRUCell: features 2, expects 3", [&] { m.gru_cell(zeros({2, 2})); }, {"GRUCell", "[2, 2]"}},
      {"GRUCell: h of rank 3", [&] { m.gru_cell(zeros({2, 3}), zeros({1, 2, 4})); }, {"GRUCell", "[1, 2, 4]"}},
      {"RNN: a [B, F] input", [&] { m.rnn(zeros({2, 3})); }, {"RNN", "[2, 3]"}},
      {"RNN: features 5, expects 3", [&] { m.rnn(zeros({5, 2, 5})); }, {"RNN", "[5, 2, 5]"}},
      {"RNN: an empty sequence", [&] { m.rnn(zeros({0, 2, 3})); }, {"RNN", "[0, 2, 3]"}},
      {"RNN: h0 for 1 layer of 2", [&] { m.rnn(zeros({5, 2, 3}), zeros({1, 2, 4})); }, {"RNN", "[1, 2, 4]", "[2, 2, 4]"}},
      {"RNN: h0 of batch 3", [&] { m.rnn(zeros({5, 2, 3}), zeros({2, 3, 4})); }, {"RNN", "[2, 3, 4]"}},
      {"LSTM: c0 of the wrong width", [&] { m.lstm(zeros({5, 2, 3}), zeros({1, 2, 4}), zeros({1, 2, 3})); },
       {"LSTM", "[1, 2, 3]"}},
      {"LSTM: h0 of rank 2", [&] { m.lstm(zeros({5, 2, 3}), zeros({2, 4})); }, {"LSTM", "[2, 4]"}},
      {"GRU: h0 for one direction of 2", [&] { m.gru(zeros({5, 2, 3}), zeros({1, 2, 4})); }, {"GRU", "[1, 2, 4]", "[2, 2, 4]"}},
      {"TDNN: 2 steps for 3 delays", [&] { m.tdnn(zeros({2, 1, 3})); }, {"TDNN", "[2, 1, 3]"}},
      {"TDNN: features 4, expects 3", [&] { m.tdnn(zeros({6, 1, 4})); }, {"TDNN", "[6, 1, 4]"}},
      {"Jordan: a [B, F] input", [&] { m.jordan.forward(zeros({2, 3})); }, {"Jordan", "[2, 3]"}},
      {"Jordan: a teacher of the wrong shape", [&] { m.jordan.forward(zeros({5, 2, 3}), zeros({5, 2, 3})); },
       {"Jordan", "[5, 2, 3]"}},
  };
}

std::vector<BadCall> op_calls() {
  return {
      {"matmul: inner sizes 3 and 4", [] { matmul(zeros({2, 3}), zeros({4, 5})); }, {"matmul", "[2, 3]", "[4, 5]"}},
      {"select: index 5 of an axis of 5", [] { select(zeros({5, 2}), 0, 5); }, {"select", "5", "[5, 2]"}},
      {"slice: end 7 past an axis of 5", [] { slice(zeros({5, 2}), 0, 1, 7); }, {"slice", "7", "[5, 2]"}},
      {"index_select: row 4 of 4", [] { index_select(zeros({4, 2}), {0, 4}); }, {"index_select", "4"}},
      {"reshape: 6 elements into [4, 2]", [] { reshape(zeros({2, 3}), {4, 2}); }, {"reshape", "[2, 3]"}},
      {"concat: mismatched widths", [] { concat({zeros({2, 3}), zeros({2, 4})}, 0); }, {"concat", "[2, 3]", "[2, 4]"}},
      {"cross_entropy: class 3 of 3", [] { cross_entropy(zeros({2, 3}), {0, 3}); }, {"cross_entropy", "3"}},
      {"cross_entropy: 3 targets for 2 rows", [] { cross_entropy(zeros({2, 3}), {0, 1, 2}); }, {"cross_entropy", "[2, 3]"}},
      {"mse_loss: shapes [2, 1] and [2]", [] { mse_loss(zeros({2, 1}), zeros({2})); }, {"mse_loss", "[2, 1]", "[2]"}},
      {"add: shapes that do not broadcast", [] { add(zeros({2, 3}), zeros({4})); }, {"add", "[2, 3]", "[4]"}},
      {"sum over axis 2 of a matrix", [] { sum(zeros({2, 3}), 2); }, {"sum", "2"}},
  };
}

void check_all(const std::vector<BadCall>& calls) {
  for (const BadCall& bad : calls) {
    INFO("the bad call: " << std::string(bad.what));
    const std::string message = testing::message_of<std::invalid_argument>(bad.call);
    for (const std::string& part : bad.mentions) CHECK_CONTAINS(message, part);
  }
}

}  // namespace

TEST_SUITE("bad calls") {

TEST_CASE("bad calls: every module constructor refuses zero sizes and impossible settings") {
  check_all(constructor_calls());
}

TEST_CASE("bad calls: every module forward refuses wrong ranks and sizes and batches and states") {
  Modules modules;
  check_all(forward_calls(modules));
}

TEST_CASE("bad calls: ops refuse out-of-range indices and mismatched shapes") { check_all(op_calls()); }

}  // TEST_SUITE
}  // namespace rnnlab::nn
