// Shape ops move numbers without changing them, so each backward moves the gradient back the same way:
// the adjoint of the forward map (reshape back, permute by the inverse order, scatter a slice back, ...).
#include "autograd/ops.hpp"
#include "tensor/ops.hpp"

namespace rnnlab {

Var reshape(const Var& x, const std::vector<long>& shape) {
  return record("reshape", x.value().reshape(shape), {x}, [](Node& y) {
    // the same numbers under the input's shape
    const Shape& s = y.inputs[0]->value.shape();
    accumulate_grad(*y.inputs[0], pass_on_grad(y).reshape(std::vector<long>(s.begin(), s.end())));
  });
}

Var permute(const Var& x, const std::vector<std::size_t>& order) {
  Tensor value = permute(x.value(), order);  // validates the order
  std::vector<std::size_t> inverse(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) inverse[order[i]] = i;
  return record("permute", std::move(value), {x}, [inverse = std::move(inverse)](Node& y) {
    // out axis i is input axis order[i]: permuting the gradient by the inverse order puts every axis back
    accumulate_grad(*y.inputs[0], permute(y.grad, inverse));
  });
}

Var transpose(const Var& x, long axis0, long axis1) {
  return permute(x, swapped_axes(x.shape(), axis0, axis1, "transpose"));
}

Var slice(const Var& x, long axis, std::size_t start, std::size_t end) {
  return record("slice", slice(x.value(), axis, start, end), {x}, [axis, start](Node& y) {
    // the slice's elements receive g; the rest of the input receives 0
    slice_add(grad_to_update(*y.inputs[0]), axis, start, y.grad);
  });
}

Var select(const Var& x, long axis, std::size_t index) {
  const std::size_t a = normalize_axis(axis, x.dim(), "select", x.shape());
  if (index >= x.shape()[a]) {
    throw ShapeError("select: index " + std::to_string(index) + " is out of range for axis " + std::to_string(a) +
                     " of shape " + to_string(x.shape()));
  }
  Shape shape = x.shape();
  shape.erase(shape.begin() + static_cast<long>(a));
  Tensor value = slice(x.value(), axis, index, index + 1).reshape(std::vector<long>(shape.begin(), shape.end()));
  return record("select", std::move(value), {x}, [a, index](Node& y) {
    // the selected entries receive g; everything else receives 0
    Node& x = *y.inputs[0];
    Shape kept = x.value.shape();
    kept[a] = 1;
    slice_add(grad_to_update(x), static_cast<long>(a), index,
              pass_on_grad(y).reshape(std::vector<long>(kept.begin(), kept.end())));
  });
}

Var concat(const std::vector<Var>& parts, long axis) {
  std::vector<Tensor> values;
  values.reserve(parts.size());
  for (const Var& p : parts) values.push_back(p.value());
  return record("concat", concat(values, axis), parts, [axis](Node& y) {
    // each part receives the slice of g where it was placed
    std::size_t offset = 0;
    const std::size_t a = normalize_axis(axis, y.value.dim(), "concat", y.value.shape());
    for (std::size_t i = 0; i < y.inputs.size(); ++i) {
      const std::size_t length = y.inputs[i]->value.shape()[a];
      if (wants_grad(y, i)) accumulate_grad(*y.inputs[i], slice(y.grad, axis, offset, offset + length));
      offset += length;
    }
  });
}

Var stack(const std::vector<Var>& parts, long axis) {
  if (parts.empty()) throw ShapeError("stack: needs at least one Var");
  const Shape& first = parts[0].shape();
  const std::size_t a = normalize_axis(axis, first.size() + 1, "stack", first);
  std::vector<Var> expanded;
  expanded.reserve(parts.size());
  for (const Var& p : parts) {
    if (p.shape() != first) throw ShapeError("stack: shapes " + to_string(first) + " and " + to_string(p.shape()) + " differ");
    expanded.push_back(reshape(p, with_new_axis(first, a)));
  }
  return concat(expanded, static_cast<long>(a));
}

Var index_select(const Var& x, const std::vector<std::size_t>& indices) {
  return record("index_select", index_select(x.value(), indices), {x}, [indices](Node& y) {
    // out[i] = x[indices[i]]: row indices[i] of the input receives g[i] (added up when an index repeats)
    index_add(grad_to_update(*y.inputs[0]), indices, y.grad);
  });
}

}  // namespace rnnlab
