// Var and the graph it records: the heart of reverse-mode automatic differentiation.
//
// Every op on Vars computes its value and, when gradients are wanted, records a Node: the value, the input
// nodes, and a backward function that turns dL/d(output) into dL/d(input) for each input. backward(loss)
// walks those nodes from the loss back to the leaves, in reverse topological order, applying the chain rule
// once per node (Rumelhart, Hinton & Williams 1986; Linnainmaa 1970 for reverse-mode differentiation itself).
//
// Gradient semantics (as in PyTorch):
// - Gradients ACCUMULATE (+=). A node used twice (b = a + a) receives both contributions; calling backward on
//   two losses without zero_grad() in between adds their gradients. Call zero_grad() before each step.
// - Leaves (Vars you create with requires_grad = true, e.g. parameters) keep their grad after backward.
//   Intermediate Vars keep theirs only if retain_grad() was called on them before backward.
// - backward() frees the graph as it goes (inputs and backward functions of every node it visits), so memory
//   drops right after the backward pass; pass retain_graph = true to keep it and call backward again.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "tensor/tensor.hpp"

namespace rnnlab {

struct Node;

// The backward function of one recorded op. It reads `self.grad` (dL/d self.value) and adds dL/d input into
// each input node with accumulate_grad(). It may read self.value and the inputs' values, so ops need not save
// copies of them; whatever else it needs (an axis, argmax indices) it captures by value.
using BackwardFn = std::function<void(Node& self)>;

struct Node {
  Tensor value;
  Tensor grad;              // dL/d value; meaningful only when has_grad
  bool has_grad = false;
  bool requires_grad = false;
  bool retains_grad = false;  // an intermediate that keeps its grad after backward (retain_grad())
  bool graph_freed = false;   // backward already released this node's inputs and backward function
  const char* op = "leaf";    // the op that made this value, e.g. "tanh"; "leaf" for created Vars
  std::string name;           // an optional label (Var::set_name), shown by to_dot and in messages
  std::string recorded_in;    // with anomaly detection on: the AnomalyScopes open when it was recorded
  std::vector<std::shared_ptr<Node>> inputs;
  BackwardFn backward;        // empty for leaves
  std::uint64_t visit_mark = 0;  // scratch for the topological sort

  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  // Tears down chains iteratively: the default (each node destroying its inputs in turn) would recurse once
  // per node and overflow the stack on a graph of 100,000 steps.
  ~Node();

  bool is_leaf() const { return !backward && !graph_freed; }
  // "tanh" or "tanh 'h3'" when named: how messages refer to this node.
  std::string label() const;
};

// Adds `g` into input.grad (when the input requires grad), first summing `g` down to the input's shape if the
// op broadcast it (sum_to). Every backward function uses it, so gradients always accumulate.
void accumulate_grad(Node& input, Tensor g);
// input.grad to add into in place, zero-filled first if the input has no gradient yet. For the backward of ops
// that touch part of their input (slice, select, index_select): a full-size zero tensor per use, added with
// accumulate_grad, would make reading a [T, ...] tensor one step at a time cost O(T^2). Call it only when
// input.requires_grad.
Tensor& grad_to_update(Node& input);

// A cheap handle (a shared pointer) to a node of the graph. Copies share the node.
class Var {
 public:
  // An empty handle, to be assigned later. Using it before then (a.shape(), a + a) throws std::logic_error;
  // `if (var)` tells whether it holds a node.
  Var() = default;
  // A leaf holding `value`. With requires_grad, backward() will fill its grad.
  explicit Var(Tensor value, bool requires_grad = false);

  const Tensor& value() const { return checked().value; }
  // For code that updates values outside the graph (optimizers, initializers); not recorded.
  Tensor& mutable_value() { return checked().value; }
  const Shape& shape() const { return checked().value.shape(); }
  std::size_t dim() const { return checked().value.dim(); }
  std::size_t size() const { return checked().value.size(); }
  real item() const { return checked().value.item(); }

  // dL/d value: zeros until backward reaches this Var. Throws std::logic_error for an intermediate Var whose
  // gradient was not kept (call retain_grad() before backward to keep it).
  const Tensor& grad() const;
  bool has_grad() const { return checked().has_grad; }
  // Replaces the gradient (optimizer tests, gradient clipping); the shape must match the value's.
  void set_grad(Tensor g);
  // Forgets the gradient (grad() then reads zeros again).
  void zero_grad();

  bool requires_grad() const { return checked().requires_grad; }
  // Only for leaves: turns gradient tracking on or off.
  void set_requires_grad(bool on);
  bool is_leaf() const { return checked().is_leaf(); }
  // Keep this intermediate Var's gradient after backward (lesson 08 does it for every hidden state h_t).
  void retain_grad();

  // The same value as a new leaf outside the graph: gradients stop here (truncated BPTT uses it).
  Var detach() const;

  const char* op() const { return checked().op; }
  const std::string& name() const { return checked().name; }
  Var& set_name(std::string name);

  Node* node() const { return node_.get(); }
  const std::shared_ptr<Node>& node_ptr() const { return node_; }
  explicit operator bool() const { return node_ != nullptr; }
  // Wraps an existing node (used by the op recorder).
  explicit Var(std::shared_ptr<Node> node) : node_(std::move(node)) {}

 private:
  // The node, or std::logic_error for an empty (default-constructed) Var.
  Node& checked() const {
    if (!node_) throw_empty();
    return *node_;
  }
  [[noreturn]] static void throw_empty();
  std::shared_ptr<Node> node_;
};

// Records the result of an op: a node holding `value`, whose inputs are `inputs`, and whose backward is
// `backward` — recorded only when grad mode is on and some input requires grad; otherwise a plain value.
// With anomaly detection on, throws AnomalyError if `value` holds NaN or Inf.
Var record(const char* op, Tensor value, std::initializer_list<Var> inputs, BackwardFn backward);
Var record(const char* op, Tensor value, const std::vector<Var>& inputs, BackwardFn backward);

// self.grad for a backward function to hand on unchanged (add, reshape, select): moved out when nothing reads it
// after this backward (the node did not retain_grad), copied otherwise. Saves a copy per such op.
inline Tensor pass_on_grad(Node& self) { return self.retains_grad ? self.grad : std::move(self.grad); }

// Whether input i of `self` wants a gradient: backward functions skip the work when it does not.
inline bool wants_grad(const Node& self, std::size_t i) { return self.inputs[i]->requires_grad; }

// Backpropagates from a scalar `loss` (seeding dL/dL = 1). Orders the graph with an iterative topological
// sort, runs every node's backward exactly once, last node first, and accumulates into the leaves' grads.
// Throws std::logic_error when `loss` is not a single number, does not require grad, or its graph was freed.
void backward(const Var& loss, bool retain_graph = false);
// The same from any output, seeded with `grad_output` (dL/d output) of the output's shape.
void backward(const Var& output, const Tensor& grad_output, bool retain_graph = false);

// Every node that `root` depends on and that requires grad, inputs before the nodes that use them.
std::vector<std::shared_ptr<Node>> topological_order(const Var& root);

}  // namespace rnnlab
