// Module: the base of every model. A module owns named parameters (Vars that require grad) and registers
// its sub-modules, so a whole model can list, zero, count, save and load its parameters by dotted name
// ("encoder.weight_ih_l0"), in registration order, exactly as PyTorch's nn.Module does.
//
// A module registers references to its members, so it can be neither copied nor moved: build models as
// objects that stay where they are (members, or std::unique_ptr).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "autograd/var.hpp"
#include "tensor/npz.hpp"

namespace rnnlab::nn {

// Parameter values by dotted name, in registration order (a PyTorch state_dict without buffers).
using StateDict = NamedTensors;

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Every parameter of this module and its sub-modules, depth first in registration order, with dotted names.
  std::vector<std::pair<std::string, Var>> named_parameters() const;
  std::vector<Var> parameters() const;
  std::size_t num_parameters() const;  // total number of scalars
  void zero_grad();

  // Training mode (the default) vs evaluation mode: changes what dropout does. Applies to the whole subtree.
  void train(bool on = true);
  void eval() { train(false); }
  bool is_training() const { return training_; }

  // Copies of the parameter values, and back. load_state_dict is all-or-nothing: a missing or unexpected
  // name or a shape mismatch throws (naming it) before any parameter is changed.
  StateDict state_dict() const;
  void load_state_dict(const StateDict& state);

  // A checkpoint as .npz (one .npy per parameter, named as in named_parameters()), written atomically;
  // numpy.load reads it. load() refuses a missing, truncated, corrupt or mismatched file and then leaves the
  // model unchanged.
  void save(const std::string& path) const;
  void load(const std::string& path);

 protected:
  // Registers `value` as a parameter (it will require grad) and returns the stored Var.
  Var& register_parameter(std::string name, Var value);
  // Registers a sub-module; its parameters appear as "name.<its names>".
  template <class M>
  M& register_module(std::string name, M& module) {
    add_child(std::move(name), module);
    return module;
  }

 private:
  void add_child(std::string name, Module& module);
  void check_name(const std::string& name) const;
  void collect(const std::string& prefix, std::vector<std::pair<std::string, Var>>& out) const;

  std::vector<std::pair<std::string, Var>> parameters_;
  std::vector<std::pair<std::string, Module*>> children_;
  bool training_ = true;
};

// A module with one input and one output, so it can be called as model(x) and chained in a Sequential.
class UnaryModule : public Module {
 public:
  virtual Var forward(const Var& x) = 0;
  Var operator()(const Var& x) { return forward(x); }
};

}  // namespace rnnlab::nn
