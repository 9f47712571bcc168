// The shared table of every differentiable op, each gradchecked (central differences, double) on random
// inputs of several shapes, broadcasting included. Inputs are drawn away from kinks and singularities
// (|x| >= 0.1 for abs and relu, x > 0.5 for log and sqrt) so finite differences stay meaningful; the kinks
// themselves are tested on purpose below, against their documented subgradient.
#include <cstdio>
#include <map>
#include <set>

#include "autograd/gradcheck.hpp"
#include "autograd/ops.hpp"
#include "check.hpp"

using namespace rnnlab;

namespace {

enum class Domain { any, positive, away_from_zero };

struct OpCase {
  std::vector<Shape> shapes;
  Domain domain = Domain::any;
  GradcheckFunction f;
};

Tensor draw(const Shape& shape, Domain domain, Rng& rng) {
  Tensor t(shape);
  for (real& v : t.values()) {
    switch (domain) {
      case Domain::any: v = rng.normal(); break;
      case Domain::positive: v = rng.uniform(0.5, 2.0); break;
      case Domain::away_from_zero: v = (rng.bernoulli(0.5) ? 1 : -1) * rng.uniform(0.1, 2.0); break;
    }
  }
  return t;
}

using Vars = std::vector<Var>;

// name -> case. The names are what `ctest` lists ("gradcheck tanh"). One table of one line per op, longer than
// 80 lines because every differentiable op is in it.
const std::map<std::string, OpCase>& op_table() {
  static const std::map<std::string, OpCase> table = {
      {"add", {{{2, 3}, {2, 3}}, Domain::any, [](const Vars& x) { return x[0] + x[1]; }}},
      {"add broadcast row", {{{2, 3}, {3}}, Domain::any, [](const Vars& x) { return x[0] + x[1]; }}},
      {"add broadcast outer", {{{2, 1}, {1, 3}}, Domain::any, [](const Vars& x) { return x[0] + x[1]; }}},
      {"sub", {{{3, 2}, {3, 2}}, Domain::any, [](const Vars& x) { return x[0] - x[1]; }}},
      {"sub broadcast", {{{4}, {2, 3, 4}}, Domain::any, [](const Vars& x) { return x[0] - x[1]; }}},
      {"mul", {{{2, 3}, {2, 3}}, Domain::any, [](const Vars& x) { return x[0] * x[1]; }}},
      {"mul broadcast", {{{3, 1, 2}, {4, 1}}, Domain::any, [](const Vars& x) { return x[0] * x[1]; }}},
      {"mul reused (x * x)", {{{5}}, Domain::any, [](const Vars& x) { return x[0] * x[0]; }}},
      {"div", {{{2, 3}, {2, 3}}, Domain::away_from_zero, [](const Vars& x) { return x[0] / x[1]; }}},
      {"div broadcast", {{{2, 3}, {2, 1}}, Domain::away_from_zero, [](const Vars& x) { return x[0] / x[1]; }}},
      {"neg", {{{2, 2}}, Domain::any, [](const Vars& x) { return -x[0]; }}},
      {"scalar arithmetic", {{{3}}, Domain::away_from_zero,
                             [](const Vars& x) { return 2.0 * x[0] + 1.0 - (3.0 - x[0]) / 2.0 + 1.0 / x[0]; }}},
      {"pow integer", {{{2, 3}}, Domain::any, [](const Vars& x) { return pow(x[0], 3); }}},
      {"pow fractional", {{{2, 3}}, Domain::positive, [](const Vars& x) { return pow(x[0], -1.5); }}},
      {"exp", {{{2, 3}}, Domain::any, [](const Vars& x) { return exp(x[0]); }}},
      {"log", {{{2, 3}}, Domain::positive, [](const Vars& x) { return log(x[0]); }}},
      {"sqrt", {{{2, 3}}, Domain::positive, [](const Vars& x) { return sqrt(x[0]); }}},
      {"abs", {{{2, 3}}, Domain::away_from_zero, [](const Vars& x) { return abs(x[0]); }}},
      {"tanh", {{{3, 4}}, Domain::any, [](const Vars& x) { return tanh(x[0]); }}},
      {"sigmoid", {{{3, 4}}, Domain::any, [](const Vars& x) { return sigmoid(x[0]); }}},
      {"relu", {{{3, 4}}, Domain::away_from_zero, [](const Vars& x) { return relu(x[0]); }}},
      {"matmul", {{{3, 4}, {4, 5}}, Domain::any, [](const Vars& x) { return matmul(x[0], x[1]); }}},
      {"matmul vector shapes", {{{1, 4}, {4, 1}}, Domain::any, [](const Vars& x) { return matmul(x[0], x[1]); }}},
      {"matmul large (blocked kernel)", {{{20, 40}, {40, 36}}, Domain::any, [](const Vars& x) { return matmul(x[0], x[1]); }}},
      {"matmul batched", {{{2, 3, 4}, {2, 4, 2}}, Domain::any, [](const Vars& x) { return matmul(x[0], x[1]); }}},
      {"sum", {{{2, 3}}, Domain::any, [](const Vars& x) { return sum(x[0]); }}},
      {"sum axis", {{{2, 3, 4}}, Domain::any, [](const Vars& x) { return sum(x[0], 1); }}},
      {"sum axis keepdim", {{{2, 3}}, Domain::any, [](const Vars& x) { return sum(x[0], -1, true); }}},
      {"mean", {{{2, 3}}, Domain::any, [](const Vars& x) { return mean(x[0]); }}},
      {"mean axis", {{{2, 3, 2}}, Domain::any, [](const Vars& x) { return mean(x[0], 0); }}},
      {"max axis", {{{3, 4}}, Domain::any, [](const Vars& x) { return max(x[0], 1); }}},
      {"max axis keepdim", {{{3, 4, 2}}, Domain::any, [](const Vars& x) { return max(x[0], 1, true); }}},
      {"reshape", {{{2, 6}}, Domain::any, [](const Vars& x) { return reshape(x[0], {3, -1}); }}},
      {"permute", {{{2, 3, 4}}, Domain::any, [](const Vars& x) { return permute(x[0], {2, 0, 1}); }}},
      {"transpose", {{{3, 5}}, Domain::any, [](const Vars& x) { return transpose(x[0], 0, 1); }}},
      {"slice", {{{3, 5}}, Domain::any, [](const Vars& x) { return slice(x[0], 1, 1, 4); }}},
      {"select", {{{4, 2, 3}}, Domain::any, [](const Vars& x) { return select(x[0], 0, 2); }}},
      {"select middle axis", {{{4, 2, 3}}, Domain::any, [](const Vars& x) { return select(x[0], -2, 1); }}},
      {"concat", {{{2, 3}, {1, 3}, {3, 3}}, Domain::any, [](const Vars& x) { return concat({x[0], x[1], x[2]}, 0); }}},
      {"concat last axis", {{{2, 2}, {2, 3}}, Domain::any, [](const Vars& x) { return concat({x[0], x[1]}, -1); }}},
      {"stack", {{{2, 3}, {2, 3}}, Domain::any, [](const Vars& x) { return stack({x[0], x[1]}, 1); }}},
      {"index_select (repeated rows)", {{{4, 3}}, Domain::any, [](const Vars& x) { return index_select(x[0], {2, 0, 2, 3}); }}},
      {"softmax", {{{3, 4}}, Domain::any, [](const Vars& x) { return softmax(x[0], 1); }}},
      {"log_softmax", {{{3, 4}}, Domain::any, [](const Vars& x) { return log_softmax(x[0], 0); }}},
      {"cross_entropy", {{{4, 5}}, Domain::any, [](const Vars& x) { return cross_entropy(x[0], {1, 0, 4, 1}); }}},
      {"ctc_loss (any input)", {{{6, 2, 4}}, Domain::any, [](const Vars& x) { return ctc_loss(x[0], {{1, 2}, {3, 3}}, {6, 5}); }}},
      {"ctc_loss after log_softmax (repeats and no labels)", {{{5, 3, 3}}, Domain::any, [](const Vars& x) {
         return ctc_loss(log_softmax(x[0], 2), {{1, 1}, {}, {2, 1, 2}}, {5, 4, 5});
       }}},
      {"mixture_density_loss (one component)", {{{4, 7}}, Domain::any, [](const Vars& x) {
         return mixture_density_loss(x[0], Tensor::from({4, 3}, {0.3, -0.2, 0, -1.1, 0.4, 1, 0.05, 0.9, 0, 2, -1, 1}), 1);
       }}},
      // Columns: the batch's targets, item 7 twice (a row whose target is 7 has two fewer negatives).
      {"bpr_loss", {{{4, 4}}, Domain::any, [](const Vars& x) { return bpr_loss(x[0], {3, 7, 5, 7}, {3, 7, 5, 7}); }}},
      {"top1_loss", {{{4, 4}}, Domain::any, [](const Vars& x) { return top1_loss(x[0], {3, 7, 5, 7}, {3, 7, 5, 7}); }}},
      {"mixture_density_loss (three components)", {{{3, 19}}, Domain::any, [](const Vars& x) {
         return mixture_density_loss(x[0], Tensor::from({3, 3}, {0.3, -0.2, 1, -1.1, 0.4, 0, 0.5, 0.5, 1}), 3);
       }}},
      {"mse_loss", {{{3, 2}, {3, 2}}, Domain::any, [](const Vars& x) { return mse_loss(x[0], x[1]); }}},
      {"linear", {{{5, 3}, {4, 3}, {4}}, Domain::any, [](const Vars& x) { return linear(x[0], x[1], x[2]); }}},
      {"linear 3-d input without bias", {{{2, 3, 4}, {2, 4}}, Domain::any, [](const Vars& x) { return linear(x[0], x[1], Var()); }}},
      {"bce_with_logits", {{{3, 2}, {3, 2}}, Domain::any, [](const Vars& x) { return bce_with_logits(x[0], sigmoid(x[1])); }}},
      {"tanh rnn step (composite)", {{{2, 3}, {3, 4}, {4, 4}, {4}, {2, 4}}, Domain::any, [](const Vars& x) {
         return tanh(matmul(x[0], x[1]) + matmul(x[4], x[2]) + x[3]);
       }}},
      {"fused_lstm_cell", {{{3, 8}, {3, 8}, {3, 2}}, Domain::any, [](const Vars& x) {
         const LSTMCellOutput next = fused_lstm_cell(x[0], x[1], x[2]);
         return concat({next.h, next.c}, 1);
       }}},
      {"fused_lstm_cell h only", {{{2, 12}, {2, 12}, {2, 3}}, Domain::any, [](const Vars& x) {
         return fused_lstm_cell(x[0], x[1], x[2]).h;
       }}},
      {"additive_attention", {{{4, 2, 3}, {2, 3}, {3}, {4, 2, 5}}, Domain::any, [](const Vars& x) {
         return additive_attention(x[0], x[1], x[2], x[3]);
       }}},
      {"fused_gru_cell", {{{3, 6}, {3, 6}, {3, 2}}, Domain::any, [](const Vars& x) { return fused_gru_cell(x[0], x[1], x[2]); }}},
      // The layers: every output (each step's h, the last h and c) so every path of the backward is checked.
      {"fused_lstm_layer", {{{4, 2, 8}, {2, 2}, {2, 2}, {8, 2}, {8}}, Domain::any, [](const Vars& x) {
         const LSTMLayerOutput out = fused_lstm_layer(x[0], x[1], x[2], x[3], x[4]);
         return concat({reshape(out.output, {-1}), reshape(out.h_last, {-1}), reshape(out.c_last, {-1})}, 0);
       }}},
      {"fused_lstm_layer reverse without bias", {{{3, 2, 12}, {2, 3}, {2, 3}, {12, 3}}, Domain::any, [](const Vars& x) {
         const LSTMLayerOutput out = fused_lstm_layer(x[0], x[1], x[2], x[3], Var(), true);
         return concat({reshape(out.output, {-1}), reshape(out.c_last, {-1})}, 0);
       }}},
      {"fused_gru_layer", {{{4, 2, 6}, {2, 2}, {6, 2}, {6}}, Domain::any, [](const Vars& x) {
         return fused_gru_layer(x[0], x[1], x[2], x[3]);
       }}},
      {"fused_gru_layer reverse without bias", {{{3, 3, 9}, {3, 3}, {9, 3}}, Domain::any, [](const Vars& x) {
         return fused_gru_layer(x[0], x[1], x[2], Var(), true);
       }}},
  };
  return table;
}

std::set<std::string>& registered() {
  static std::set<std::string> names;
  return names;
}

bool register_test(const char* name) { return registered().insert(name).second; }

void check_op(const std::string& name) {
  const auto it = op_table().find(name);
  REQUIRE_MESSAGE(it != op_table().end(), "no op named '" << name << "' in the table");
  const OpCase& c = it->second;
  std::uint64_t seed = 1469598103934665603ULL;  // FNV-1a of the name: each op its own, fixed inputs
  for (char ch : name) seed = (seed ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
  Rng rng(seed);
  std::vector<Tensor> inputs;
  for (const Shape& s : c.shapes) inputs.push_back(draw(s, c.domain, rng));
  const GradcheckResult r = gradcheck(c.f, inputs);
  std::printf("gradcheck %-32s %4zu elements  max abs error %.2e  max rel error %.2e\n", name.c_str(), r.checked,
              r.max_abs_error, r.max_rel_error);
  INFO(r.report);
  CHECK(r.passed);
  CHECK(r.checked > 0);
}

}  // namespace

#define GRADCHECK_TEST(name)                                                      \
  static const bool DOCTEST_ANONYMOUS(gradcheck_registered_) = register_test(name); \
  TEST_CASE("gradcheck " name) { check_op(name); }

TEST_SUITE_BEGIN("autograd");

GRADCHECK_TEST("add")
GRADCHECK_TEST("add broadcast row")
GRADCHECK_TEST("add broadcast outer")
GRADCHECK_TEST("sub")
GRADCHECK_TEST("sub broadcast")
GRADCHECK_TEST("mul")
GRADCHECK_TEST("mul broadcast")
GRADCHECK_TEST("mul reused (x * x)")
GRADCHECK_TEST("div")
GRADCHECK_TEST("div broadcast")
GRADCHECK_TEST("neg")
GRADCHECK_TEST("scalar arithmetic")
GRADCHECK_TEST("pow integer")
GRADCHECK_TEST("pow fractional")
GRADCHECK_TEST("exp")
GRADCHECK_TEST("log")
GRADCHECK_TEST("sqrt")
GRADCHECK_TEST("abs")
GRADCHECK_TEST("tanh")
GRADCHECK_TEST("sigmoid")
GRADCHECK_TEST("relu")
GRADCHECK_TEST("matmul")
GRADCHECK_TEST("matmul vector shapes")
GRADCHECK_TEST("matmul large (blocked kernel)")
GRADCHECK_TEST("matmul batched")
GRADCHECK_TEST("sum")
GRADCHECK_TEST("sum axis")
GRADCHECK_TEST("sum axis keepdim")
GRADCHECK_TEST("mean")
GRADCHECK_TEST("mean axis")
GRADCHECK_TEST("max axis")
GRADCHECK_TEST("max axis keepdim")
GRADCHECK_TEST("reshape")
GRADCHECK_TEST("permute")
GRADCHECK_TEST("transpose")
GRADCHECK_TEST("slice")
GRADCHECK_TEST("select")
GRADCHECK_TEST("select middle axis")
GRADCHECK_TEST("concat")
GRADCHECK_TEST("concat last axis")
GRADCHECK_TEST("stack")
GRADCHECK_TEST("index_select (repeated rows)")
GRADCHECK_TEST("softmax")
GRADCHECK_TEST("log_softmax")
GRADCHECK_TEST("cross_entropy")
GRADCHECK_TEST("ctc_loss (any input)")
GRADCHECK_TEST("ctc_loss after log_softmax (repeats and no labels)")
GRADCHECK_TEST("mixture_density_loss (one component)")
GRADCHECK_TEST("mixture_density_loss (three components)")
GRADCHECK_TEST("bpr_loss")
GRADCHECK_TEST("top1_loss")
GRADCHECK_TEST("mse_loss")
GRADCHECK_TEST("linear")
GRADCHECK_TEST("linear 3-d input without bias")
GRADCHECK_TEST("bce_with_logits")
GRADCHECK_TEST("tanh rnn step (composite)")
GRADCHECK_TEST("fused_lstm_cell")
GRADCHECK_TEST("fused_lstm_cell h only")
GRADCHECK_TEST("additive_attention")
GRADCHECK_TEST("fused_gru_cell")
GRADCHECK_TEST("fused_lstm_layer")
GRADCHECK_TEST("fused_lstm_layer reverse without bias")
GRADCHECK_TEST("fused_gru_layer")
GRADCHECK_TEST("fused_gru_layer reverse without bias")

TEST_CASE("every op in the table has its own gradcheck test") {
  std::set<std::string> missing;
  for (const auto& [name, c] : op_table()) {
    if (!registered().contains(name)) missing.insert(name);
  }
  std::string list;
  for (const std::string& m : missing) list += " '" + m + "'";
  INFO("ops without a GRADCHECK_TEST:" << list);
  CHECK(missing.empty());
  CHECK(registered().size() == op_table().size());
}

TEST_CASE("gradcheck catches a wrong derivative and says where") {
  // x^3 with the derivative deliberately wrong (2x^2 instead of 3x^2).
  auto wrong_cube = [](const Vars& x) {
    return record("wrong_cube", pow(x[0].value(), 3), {x[0]}, [](Node& y) {
      accumulate_grad(*y.inputs[0], y.grad * pow(y.inputs[0]->value, 2) * 2.0);
    });
  };
  const GradcheckResult r = gradcheck(wrong_cube, {Tensor::from({3}, {1.0, -2.0, 0.5})});
  CHECK_FALSE(r.passed);
  CHECK(r.op == "wrong_cube");
  CHECK_CONTAINS(r.report, "wrong_cube");
  CHECK_CONTAINS(r.report, "input 0");
  CHECK_CONTAINS(r.report, "element 0");
  CHECK(r.max_abs_error > 0.1);
}

TEST_CASE("kinks get their documented subgradient") {
  // relu'(0) = 0 and |x|'(0) = 0, as in PyTorch.
  Var x(Tensor::from({3}, {-1, 0, 2}), true);
  backward(sum(relu(x)));
  CHECK(x.grad() == Tensor::from({3}, {0, 0, 1}));
  Var y(Tensor::from({3}, {-1, 0, 2}), true);
  backward(sum(abs(y)));
  CHECK(y.grad() == Tensor::from({3}, {-1, 0, 1}));
  // max over a tie: the gradient goes to the first maximum only.
  Var z(Tensor::from({1, 3}, {5, 5, 1}), true);
  backward(sum(max(z, 1)));
  CHECK(z.grad() == Tensor::from({1, 3}, {1, 0, 0}));
}

TEST_SUITE_END();
