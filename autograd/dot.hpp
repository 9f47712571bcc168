// to_dot: the graph behind a Var as Graphviz DOT text (render with `dot -Tsvg graph.dot -o graph.svg`).
#pragma once

#include <string>

#include "autograd/var.hpp"

namespace rnnlab {

// One box per leaf and one ellipse per op, each labelled with its op (and name), its shape, and for tensors
// of at most `max_values` elements the values and gradients; arrows run from inputs to the op that used them.
// Call before backward() (which frees the graph), or with retain_graph.
std::string to_dot(const Var& root, std::size_t max_values = 4);

}  // namespace rnnlab
