#include "autograd/var.hpp"

#include <atomic>
#include <cmath>
#include <stdexcept>
#include <utility>
#include <vector>

#include "autograd/mode.hpp"
#include "tensor/ops.hpp"

namespace rnnlab {

// ---- modes ----

namespace {
thread_local bool grad_mode = true;
thread_local bool anomaly_mode = false;
}  // namespace

bool grad_enabled() { return grad_mode; }
NoGradGuard::NoGradGuard() : previous_(grad_mode) { grad_mode = false; }
NoGradGuard::~NoGradGuard() { grad_mode = previous_; }

bool anomaly_enabled() { return anomaly_mode; }
DetectAnomalyGuard::DetectAnomalyGuard() : previous_(anomaly_mode) { anomaly_mode = true; }
DetectAnomalyGuard::~DetectAnomalyGuard() { anomaly_mode = previous_; }

namespace {
thread_local std::vector<std::pair<const char*, std::size_t>> open_scopes;
}  // namespace

AnomalyScope::AnomalyScope(const char* what, std::size_t index) : opened_(anomaly_mode) {
  if (opened_) open_scopes.emplace_back(what, index);
}
AnomalyScope::~AnomalyScope() {
  if (opened_) open_scopes.pop_back();
}

std::string anomaly_scopes() {
  std::string where;
  for (const auto& [what, index] : open_scopes) {
    where += (where.empty() ? "" : ", ") + std::string(what) + " " + std::to_string(index);
  }
  return where;
}

namespace {

// Index of the first NaN or Inf in t, or t.size() if there is none.
std::size_t first_non_finite(const Tensor& t) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!std::isfinite(t[i])) return i;
  }
  return t.size();
}

// " (in training step 12, time step 37)", or "" outside every AnomalyScope.
std::string in_scopes(const std::string& where) { return where.empty() ? "" : " (in " + where + ")"; }

std::string describe_non_finite(const Tensor& t, std::size_t i) {
  return std::string(std::isnan(t[i]) ? "NaN" : t[i] > 0 ? "+Inf" : "-Inf") + " at element " + std::to_string(i) +
         " of a " + to_string(t.shape()) + " tensor";
}

}  // namespace

// ---- Node ----

Node::~Node() {
  std::vector<std::shared_ptr<Node>> pending = std::move(inputs);
  while (!pending.empty()) {
    std::shared_ptr<Node> node = std::move(pending.back());
    pending.pop_back();
    // If we hold the last reference, take over its inputs before it dies, so its destructor has nothing to
    // recurse into.
    if (node && node.use_count() == 1) {
      for (auto& input : node->inputs) pending.push_back(std::move(input));
      node->inputs.clear();
    }
  }
}

std::string Node::label() const { return name.empty() ? std::string(op) : std::string(op) + " '" + name + "'"; }

void accumulate_grad(Node& input, Tensor g) {
  if (!input.requires_grad) return;
  if (g.shape() != input.value.shape()) g = sum_to(g, input.value.shape());
  if (input.has_grad) {
    input.grad += g;
  } else {
    input.grad = std::move(g);
    input.has_grad = true;
  }
}

Tensor& grad_to_update(Node& input) {
  if (!input.has_grad) {
    input.grad = Tensor::zeros(input.value.shape());
    input.has_grad = true;
  }
  return input.grad;
}

// ---- Var ----

void Var::throw_empty() {
  throw std::logic_error("Var: this Var is empty (default-constructed, never assigned a value); give it one first, "
                         "e.g. Var(Tensor::zeros({2, 3}))");
}

Var::Var(Tensor value, bool requires_grad) : node_(std::make_shared<Node>()) {
  node_->value = std::move(value);
  node_->requires_grad = requires_grad;
}

const Tensor& Var::grad() const {
  Node& node = checked();
  if (!node.has_grad) {
    if (!node.is_leaf() && !node.retains_grad) {
      throw std::logic_error("grad: '" + node.label() +
                             "' is an intermediate result; its gradient is not kept after backward. Call "
                             "retain_grad() on it before backward() to keep it");
    }
    node.grad = Tensor::zeros(node.value.shape());
    node.has_grad = true;
  }
  return node.grad;
}

void Var::set_grad(Tensor g) {
  Node& node = checked();
  if (g.shape() != node.value.shape()) {
    throw ShapeError("set_grad: gradient shape " + to_string(g.shape()) + " differs from value shape " +
                     to_string(node.value.shape()));
  }
  node.grad = std::move(g);
  node.has_grad = true;
}

void Var::zero_grad() {
  Node& node = checked();
  node.grad = Tensor();
  node.has_grad = false;
}

void Var::set_requires_grad(bool on) {
  Node& node = checked();
  if (!is_leaf()) {
    throw std::logic_error("set_requires_grad: '" + node.label() + "' is not a leaf; use detach() to make one");
  }
  node.requires_grad = on;
}

void Var::retain_grad() { checked().retains_grad = true; }

Var Var::detach() const { return Var(checked().value, false); }

Var& Var::set_name(std::string name) {
  checked().name = std::move(name);
  return *this;
}

// ---- recording ----

namespace {

Var record_impl(const char* op, Tensor value, const Var* inputs, std::size_t count, BackwardFn backward) {
  if (anomaly_mode) {
    const std::size_t bad = first_non_finite(value);
    if (bad < value.size()) {
      throw AnomalyError("anomaly: the forward pass of '" + std::string(op) + "' produced " +
                         describe_non_finite(value, bad) + in_scopes(anomaly_scopes()));
    }
  }
  auto node = std::make_shared<Node>();
  if (anomaly_mode) node->recorded_in = anomaly_scopes();
  node->value = std::move(value);
  node->op = op;
  bool any = false;
  for (std::size_t i = 0; i < count; ++i) any = any || inputs[i].requires_grad();
  if (grad_mode && any) {
    node->requires_grad = true;
    node->inputs.reserve(count);
    for (std::size_t i = 0; i < count; ++i) node->inputs.push_back(inputs[i].node_ptr());
    node->backward = std::move(backward);
  }
  return Var(std::move(node));
}

}  // namespace

Var record(const char* op, Tensor value, std::initializer_list<Var> inputs, BackwardFn backward) {
  return record_impl(op, std::move(value), inputs.begin(), inputs.size(), std::move(backward));
}

Var record(const char* op, Tensor value, const std::vector<Var>& inputs, BackwardFn backward) {
  return record_impl(op, std::move(value), inputs.data(), inputs.size(), std::move(backward));
}

// ---- backward ----

std::vector<std::shared_ptr<Node>> topological_order(const Var& root) {
  static std::atomic<std::uint64_t> last_mark{0};
  const std::uint64_t mark = ++last_mark;
  std::vector<std::shared_ptr<Node>> order;
  if (!root || !root.requires_grad()) return order;

  // Depth-first search with an explicit stack of (node, index of the next input to visit). A node is emitted
  // after all its inputs (post-order), so `order` lists inputs before their users.
  std::vector<std::pair<std::shared_ptr<Node>, std::size_t>> stack;
  root.node()->visit_mark = mark;
  stack.emplace_back(root.node_ptr(), 0);
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (node->graph_freed) {
      throw std::logic_error("backward: the graph through '" + node->label() +
                             "' was already freed by an earlier backward(); call backward(loss, true) "
                             "(retain_graph) the first time to backpropagate through it twice");
    }
    if (next < node->inputs.size()) {
      const std::shared_ptr<Node>& input = node->inputs[next++];
      if (input->requires_grad && input->visit_mark != mark) {
        input->visit_mark = mark;
        stack.emplace_back(input, 0);
      }
    } else {
      order.push_back(std::move(node));
      stack.pop_back();
    }
  }
  return order;
}

namespace {

// Anomaly detection's hook after a node's backward: every gradient it produced must be finite.
void check_input_grads(const Node& node) {
  for (std::size_t i = 0; i < node.inputs.size(); ++i) {
    const Node& input = *node.inputs[i];
    const std::size_t bad = input.has_grad ? first_non_finite(input.grad) : input.grad.size();
    if (bad < input.grad.size()) {
      throw AnomalyError("anomaly: the backward pass of '" + node.label() + "' produced " +
                         describe_non_finite(input.grad, bad) + " in the gradient of its input " + std::to_string(i) +
                         " ('" + input.label() + "')" + in_scopes(node.recorded_in));
    }
  }
}

// A node whose gradient has been passed on: free what is no longer needed (its gradient, unless retain_grad;
// its inputs and backward, unless retain_graph). Leaves keep everything.
void release(Node& node, bool retain_graph) {
  if (node.is_leaf()) return;
  if (!node.retains_grad) {
    node.grad = Tensor();
    node.has_grad = false;
  }
  if (!retain_graph) {
    node.inputs.clear();
    node.backward = nullptr;
    node.graph_freed = true;
  }
}

}  // namespace

void backward(const Var& output, const Tensor& grad_output, bool retain_graph) {
  if (!output) throw std::logic_error("backward: called on an empty Var");
  if (!output.requires_grad()) {
    throw std::logic_error("backward: '" + output.node()->label() +
                           "' does not require grad (no input of its graph requires grad, or it was computed "
                           "under NoGradGuard)");
  }
  if (grad_output.shape() != output.shape()) {
    throw ShapeError("backward: gradient of shape " + to_string(grad_output.shape()) + " given for an output of shape " +
                     to_string(output.shape()));
  }
  // >>> backward
  // The chain rule, node by node from the output back: each node's backward turns its gradient dL/dy into
  // its inputs' gradients (adding into them: a value used twice gets both contributions).
  std::vector<std::shared_ptr<Node>> order = topological_order(output);
  accumulate_grad(*output.node(), grad_output);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node& node = **it;
    if (node.backward && node.has_grad) {
      node.backward(node);
      if (anomaly_mode) check_input_grads(node);
    }
    release(node, retain_graph);
  }
  // <<< backward
}

void backward(const Var& loss, bool retain_graph) {
  if (loss && loss.size() != 1) {
    throw ShapeError("backward: the loss must be a single number, but '" + loss.node()->label() + "' has shape " +
                     to_string(loss.shape()) + "; reduce it (sum, mean) or pass the output's gradient");
  }
  backward(loss, loss ? Tensor::ones(loss.shape()) : Tensor(), retain_graph);
}

}  // namespace rnnlab
