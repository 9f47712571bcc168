#include "tensor/shape.hpp"

#include <algorithm>

namespace rnnlab {

std::string to_string(const Shape& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::size_t numel(const Shape& shape) {
  if (std::find(shape.begin(), shape.end(), std::size_t{0}) != shape.end()) return 0;
  std::size_t n = 1;
  for (std::size_t d : shape) {
    if (d > max_elements / n) {
      throw ShapeError("shape " + to_string(shape) + " has more elements than a tensor can hold (at most " +
                       std::to_string(max_elements) + ")");
    }
    n *= d;
  }
  return n;
}

std::vector<std::size_t> row_major_strides(const Shape& shape) {
  std::vector<std::size_t> strides(shape.size(), 1);
  for (std::size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  const std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    // Walk both shapes from the right; a missing dimension counts as 1.
    const std::size_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    const std::size_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1) {
      throw ShapeError(std::string(op) + ": shapes " + to_string(a) + " and " + to_string(b) +
                       " cannot be broadcast together (" + std::to_string(da) + " != " + std::to_string(db) +
                       " at axis -" + std::to_string(i + 1) + ")");
    }
    out[rank - 1 - i] = std::max(da, db);
  }
  return out;
}

std::vector<std::size_t> broadcast_strides(const Shape& from, const Shape& to) {
  const std::vector<std::size_t> own = row_major_strides(from);
  std::vector<std::size_t> strides(to.size(), 0);
  const std::size_t offset = to.size() - from.size();
  for (std::size_t i = 0; i < from.size(); ++i) strides[offset + i] = from[i] == 1 ? 0 : own[i];
  return strides;
}

std::size_t normalize_axis(long axis, std::size_t rank, const char* op, const Shape& shape) {
  const long r = static_cast<long>(rank);
  if (axis < -r || axis >= r) {
    throw ShapeError(std::string(op) + ": axis " + std::to_string(axis) + " is out of range for shape " +
                     to_string(shape));
  }
  return static_cast<std::size_t>(axis < 0 ? axis + r : axis);
}

std::vector<std::size_t> swapped_axes(const Shape& shape, long axis0, long axis1, const char* op) {
  const std::size_t a = normalize_axis(axis0, shape.size(), op, shape);
  const std::size_t b = normalize_axis(axis1, shape.size(), op, shape);
  std::vector<std::size_t> order(shape.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::swap(order[a], order[b]);
  return order;
}

std::vector<long> with_new_axis(const Shape& shape, std::size_t axis) {
  std::vector<long> out(shape.begin(), shape.end());
  out.insert(out.begin() + static_cast<long>(axis), 1);
  return out;
}

}  // namespace rnnlab
