#include "autograd/dot.hpp"

#include <cstdio>
#include <unordered_map>
#include <vector>

namespace rnnlab {

namespace {

std::string numbers(const Tensor& t) {
  std::string s = t.dim() == 0 ? "" : "[";
  for (std::size_t i = 0; i < t.size(); ++i) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4g", t[i]);
    s += (i ? ", " : "") + std::string(buffer);
  }
  return s + (t.dim() == 0 ? "" : "]");
}

}  // namespace

std::string to_dot(const Var& root, std::size_t max_values) {
  std::string out = "digraph rnnlab {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n";
  if (!root) return out + "}\n";
  std::unordered_map<const Node*, std::size_t> ids;
  std::vector<const Node*> pending{root.node()};
  ids[root.node()] = 0;
  // Breadth-first over the recorded inputs; every node is written once.
  for (std::size_t next = 0; next < pending.size(); ++next) {
    const Node* node = pending[next];
    const std::size_t id = ids[node];
    std::string label = node->name.empty() ? node->op : node->name + " = " + node->op;
    if (node->backward == nullptr && node->inputs.empty()) label = node->name.empty() ? "leaf" : node->name;
    if (node->value.dim() > 0) label += "\\n" + to_string(node->value.shape());  // a scalar's shape [] says nothing
    if (node->value.size() <= max_values) {
      label += "\\nvalue " + numbers(node->value);
      if (node->has_grad) label += "\\ngrad " + numbers(node->grad);
    }
    const bool leaf = node->inputs.empty();
    out += "  n" + std::to_string(id) + " [label=\"" + label + "\", shape=" + (leaf ? "box" : "ellipse") +
           (leaf && node->requires_grad ? ", style=filled, fillcolor=\"#dbe9f6\"" : "") + "];\n";
    for (const auto& input : node->inputs) {
      auto [it, fresh] = ids.emplace(input.get(), ids.size());
      if (fresh) pending.push_back(input.get());
      out += "  n" + std::to_string(it->second) + " -> n" + std::to_string(id) + ";\n";
    }
  }
  return out + "}\n";
}

}  // namespace rnnlab
