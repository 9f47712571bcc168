#include "lessons/common/graph_svg.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <vector>

#include "lessons/common/plot.hpp"

namespace rnnlab::lessons {

namespace {

std::string short_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", v);
  return buffer;
}

std::string numbers(const Tensor& t) {
  if (t.size() == 1) return short_number(t[0]);
  std::string s = "[";
  for (std::size_t i = 0; i < t.size() && i < 3; ++i) s += (i ? ", " : "") + short_number(t[i]);
  return s + (t.size() > 3 ? ", ...]" : "]");
}

}  // namespace

namespace {

// Where each node goes: column = its depth from the leaves, row = its order of arrival within the column.
struct Layout {
  std::vector<const Node*> order;  // inputs before users
  std::map<const Node*, std::pair<int, int>> cell;  // (column, row)
  std::map<int, int> rows_in_column;
  int columns = 0, rows = 0;
};

Layout lay_out(const Var& root) {
  // Collect the nodes (inputs before users: a depth-first post-order).
  Layout layout;
  std::vector<const Node*>& order = layout.order;
  std::map<const Node*, int> depth;
  std::vector<std::pair<const Node*, std::size_t>> stack{{root.node(), 0}};
  std::map<const Node*, bool> seen{{root.node(), true}};
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->inputs.size()) {
      const Node* input = node->inputs[next++].get();
      if (!seen[input]) {
        seen[input] = true;
        stack.emplace_back(input, 0);
      }
    } else {
      int d = 0;
      for (const auto& input : node->inputs) d = std::max(d, depth[input.get()] + 1);
      depth[node] = d;
      order.push_back(node);
      stack.pop_back();
    }
  }
  // A leaf sits in the column just left of the first op that uses it, not necessarily in column 0.
  std::map<const Node*, int> leaf_column;
  for (const Node* n : order) {
    for (const auto& input : n->inputs) {
      if (!input->inputs.empty()) continue;
      const auto it = leaf_column.find(input.get());
      leaf_column[input.get()] = it == leaf_column.end() ? depth[n] - 1 : std::min(it->second, depth[n] - 1);
    }
  }
  for (const auto& [leaf, column] : leaf_column) depth[leaf] = column;
  // Column = depth; row = the order of arrival within the column.
  std::map<int, int>& rows_in_column = layout.rows_in_column;
  std::map<const Node*, std::pair<int, int>>& cell = layout.cell;
  int& columns = layout.columns;
  int& rows = layout.rows;
  for (const Node* n : order) {
    const int c = depth[n];
    cell[n] = {c, rows_in_column[c]++};
    columns = std::max(columns, c + 1);
    rows = std::max(rows, rows_in_column[c]);
  }
  return layout;
}

}  // namespace

std::string graph_svg(const Var& root, const std::string& title) {
  if (!root) throw std::invalid_argument("graph_svg: the Var is empty (default-constructed)");
  const Layout layout = lay_out(root);
  const std::vector<const Node*>& order = layout.order;
  const int columns = layout.columns, rows = layout.rows;
  std::map<const Node*, std::pair<int, int>> cell = layout.cell;
  std::map<int, int> rows_in_column = layout.rows_in_column;
  const double box_w = 150, box_h = 62, gap_x = 60, gap_y = 22, margin = 24, top = 48;
  const double width = margin * 2 + columns * box_w + (columns - 1) * gap_x;
  const double height = top + margin + rows * box_h + (rows - 1) * gap_y;
  auto x_of = [&](const Node* n) { return margin + cell[n].first * (box_w + gap_x); };
  auto y_of = [&](const Node* n) {
    // Center each column vertically.
    const int in_column = rows_in_column[cell[n].first];
    const double offset = (rows - in_column) * (box_h + gap_y) / 2;
    return top + offset + cell[n].second * (box_h + gap_y);
  };
  auto f = [](double v) { return short_number(v); };

  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + f(width) + "\" height=\"" + f(height) +
                  "\" viewBox=\"0 0 " + f(width) + " " + f(height) +
                  "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
                  "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
                  "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" "
                  "orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#555\"/></marker></defs>\n";
  s += "<text x=\"" + f(width / 2) + "\" y=\"26\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" +
       plot::escape_xml(title) + "</text>\n";
  for (const Node* n : order) {
    for (const auto& input : n->inputs) {
      s += "<line x1=\"" + f(x_of(input.get()) + box_w) + "\" y1=\"" + f(y_of(input.get()) + box_h / 2) + "\" x2=\"" + f(x_of(n)) +
           "\" y2=\"" + f(y_of(n) + box_h / 2) + "\" stroke=\"#555\" stroke-width=\"1.4\" marker-end=\"url(#arrow)\"/>\n";
    }
  }
  for (const Node* n : order) {
    const bool leaf = n->inputs.empty();
    const std::string fill = leaf ? (n->requires_grad ? "#dbe9f6" : "#eeeeee") : "#fde9d9";
    const std::string name = leaf ? (n->name.empty() ? "constant" : n->name) : (n->name.empty() ? n->op : n->name + " = " + n->op);
    const double x = x_of(n), y = y_of(n);
    s += "<rect x=\"" + f(x) + "\" y=\"" + f(y) + "\" width=\"" + f(box_w) + "\" height=\"" + f(box_h) + "\" rx=\"" +
         (leaf ? "3" : "16") + "\" fill=\"" + fill + "\" stroke=\"#555\"/>\n";
    s += "<text x=\"" + f(x + box_w / 2) + "\" y=\"" + f(y + 18) + "\" text-anchor=\"middle\" font-weight=\"bold\">" +
         plot::escape_xml(name) + "</text>\n";
    s += "<text x=\"" + f(x + box_w / 2) + "\" y=\"" + f(y + 35) + "\" text-anchor=\"middle\">value " + numbers(n->value) + "</text>\n";
    if (n->has_grad) {
      s += "<text x=\"" + f(x + box_w / 2) + "\" y=\"" + f(y + 52) + "\" text-anchor=\"middle\" fill=\"#b4440e\">grad " +
           numbers(n->grad) + "</text>\n";
    }
  }
  return s + "</svg>\n";
}

}  // namespace rnnlab::lessons
