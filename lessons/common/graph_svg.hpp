// Draws the computation graph behind a Var as an SVG picture: leaves on the left, each op one column right of
// its deepest input, arrows from inputs to the ops that use them, and in every box the value and (after
// backward with retain_graph) the gradient. For small graphs, as in lesson 02.
#pragma once

#include <string>

#include "autograd/var.hpp"

namespace rnnlab::lessons {

std::string graph_svg(const Var& root, const std::string& title);

}  // namespace rnnlab::lessons
