#include "nn/module.hpp"

#include <map>
#include <stdexcept>

namespace rnnlab::nn {

void Module::check_name(const std::string& name) const {
  if (name.empty() || name.find('.') != std::string::npos) {
    throw std::invalid_argument("Module: name '" + name + "' must be non-empty and contain no '.'");
  }
  for (const auto& [existing, _] : parameters_) {
    if (existing == name) throw std::invalid_argument("Module: name '" + name + "' is already registered");
  }
  for (const auto& [existing, _] : children_) {
    if (existing == name) throw std::invalid_argument("Module: name '" + name + "' is already registered");
  }
}

Var& Module::register_parameter(std::string name, Var value) {
  check_name(name);
  if (!value) throw std::invalid_argument("Module: parameter '" + name + "' is an empty Var");
  value.set_requires_grad(true);
  parameters_.emplace_back(std::move(name), std::move(value));
  return parameters_.back().second;
}

void Module::add_child(std::string name, Module& module) {
  check_name(name);
  children_.emplace_back(std::move(name), &module);
}

void Module::collect(const std::string& prefix, std::vector<std::pair<std::string, Var>>& out) const {
  for (const auto& [name, var] : parameters_) out.emplace_back(prefix + name, var);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out);
}

std::vector<std::pair<std::string, Var>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Var>> out;
  collect("", out);
  return out;
}

std::vector<Var> Module::parameters() const {
  std::vector<Var> out;
  for (auto& [name, var] : named_parameters()) out.push_back(var);
  return out;
}

std::size_t Module::num_parameters() const {
  std::size_t total = 0;
  for (const auto& [name, var] : named_parameters()) total += var.size();
  return total;
}

void Module::zero_grad() {
  for (auto& [name, var] : named_parameters()) var.zero_grad();
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

StateDict Module::state_dict() const {
  StateDict state;
  for (const auto& [name, var] : named_parameters()) state.emplace_back(name, var.value());
  return state;
}

void Module::load_state_dict(const StateDict& state) {
  auto params = named_parameters();
  std::map<std::string, const Tensor*> given;
  for (const auto& [name, tensor] : state) {
    if (!given.emplace(name, &tensor).second) throw std::invalid_argument("load_state_dict: duplicate name '" + name + "'");
  }
  // Validate everything first, so a bad state leaves the model untouched.
  for (const auto& [name, var] : params) {
    const auto it = given.find(name);
    if (it == given.end()) throw std::invalid_argument("load_state_dict: missing parameter '" + name + "'");
    if (it->second->shape() != var.shape()) {
      throw ShapeError("load_state_dict: parameter '" + name + "' has shape " + to_string(var.shape()) +
                       " in the model but " + to_string(it->second->shape()) + " in the state");
    }
  }
  if (given.size() != params.size()) {
    std::map<std::string, bool> known;
    for (const auto& [name, var] : params) known[name] = true;
    for (const auto& [name, tensor] : given) {
      if (!known.contains(name)) throw std::invalid_argument("load_state_dict: unexpected parameter '" + name + "'");
    }
  }
  for (auto& [name, var] : params) var.mutable_value() = *given.at(name);
}

void Module::save(const std::string& path) const { save_npz(path, state_dict()); }

void Module::load(const std::string& path) {
  const StateDict state = load_npz(path);
  try {
    load_state_dict(state);
  } catch (const std::exception& e) {
    throw FormatError("load: '" + path + "' does not fit this model: " + e.what());
  }
}

}  // namespace rnnlab::nn
