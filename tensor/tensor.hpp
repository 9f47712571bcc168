// Tensor: a dense, contiguous, row-major N-d array of `real` (double). Plain numbers: it knows nothing of
// gradients (that is autograd/'s job).
//
// Value semantics: copying a Tensor copies its numbers, moving one is cheap. A 0-d tensor (shape []) holds one
// number; a default-constructed Tensor has shape [0] and holds none.
#pragma once

#include <initializer_list>
#include <iosfwd>
#include <span>
#include <utility>
#include <vector>

#include "tensor/random.hpp"
#include "tensor/shape.hpp"

namespace rnnlab {

// The allocator of a Tensor's numbers. Two differences from std::allocator:
// - growing without a value leaves the new doubles uninitialized (default-initialized) instead of zeroing them:
//   Tensor(Shape) still asks for zeros, Tensor::for_overwrite does not;
// - very large buffers are recycled (see allocate_numbers in tensor.cpp).
struct NumberAllocator {
  using value_type = real;
  template <typename U>
  struct rebind {
    using other = NumberAllocator;
  };
  NumberAllocator() = default;
  real* allocate(std::size_t count);
  void deallocate(real* numbers, std::size_t count) noexcept;
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
  friend bool operator==(const NumberAllocator&, const NumberAllocator&) { return true; }
};

class Tensor {
 public:
  Tensor() : shape_{0} {}
  // A tensor of the given shape filled with zeros.
  explicit Tensor(Shape shape) : shape_(std::move(shape)), data_(numel(shape_), real{0}) {}

  // ---- factories ----
  static Tensor zeros(const Shape& shape) { return Tensor(shape); }
  // A tensor whose numbers are left unset, for kernels that write every element before anything reads one: it
  // skips a pass of zeros over memory (measurable at an LSTM's [T, B, 4H] buffers). Reading first is a bug.
  static Tensor for_overwrite(Shape shape) {
    Tensor t;
    t.shape_ = std::move(shape);
    t.data_.resize(numel(t.shape_));
    return t;
  }
  static Tensor ones(const Shape& shape) { return full(shape, 1); }
  static Tensor full(const Shape& shape, real value);
  static Tensor scalar(real value) { return full({}, value); }
  // [start, start + step, ...) up to (not including) stop, as a 1-d tensor.
  static Tensor arange(real start, real stop, real step = 1);
  // A tensor of the given shape holding `values` in row-major order; throws ShapeError when the counts differ.
  static Tensor from(const Shape& shape, std::vector<real> values);
  // Uniform in [low, high) and normal N(mean, stddev^2), drawn from `rng` in row-major order.
  static Tensor uniform(const Shape& shape, real low, real high, Rng& rng);
  static Tensor normal(const Shape& shape, real mean, real stddev, Rng& rng);

  // ---- shape ----
  const Shape& shape() const { return shape_; }
  std::size_t dim() const { return shape_.size(); }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  // Size of one axis; negative axes count from the end.
  std::size_t size(long axis) const;

  // ---- elements ----
  real* data() { return data_.data(); }
  const real* data() const { return data_.data(); }
  std::span<real> values() { return data_; }
  std::span<const real> values() const { return data_; }
  // Flat (row-major) element access, unchecked like std::vector::operator[].
  real& operator[](std::size_t i) { return data_[i]; }
  real operator[](std::size_t i) const { return data_[i]; }
  // Element at a multi-index, bounds-checked: t.at({1, 2}).
  real& at(std::initializer_list<std::size_t> index);
  real at(std::initializer_list<std::size_t> index) const;
  // The single value of a one-element tensor; throws ShapeError otherwise.
  real item() const;

  // The same numbers under another shape with the same element count. One dimension may be -1 ("whatever is
  // left"), as in PyTorch. Throws ShapeError naming both shapes when the counts differ.
  Tensor reshape(const std::vector<long>& shape) const&;
  Tensor reshape(const std::vector<long>& shape) &&;

  void fill(real value);

  // In place, with the right side broadcast to this tensor's shape (the shape of *this never changes).
  Tensor& operator+=(const Tensor& other);
  Tensor& operator-=(const Tensor& other);
  Tensor& operator*=(const Tensor& other);
  Tensor& operator*=(real factor);

  friend bool operator==(const Tensor& a, const Tensor& b) = default;

 private:
  std::size_t flat_index(std::initializer_list<std::size_t> index) const;
  Shape shape_;
  std::vector<real, NumberAllocator> data_;
};

// Resolves a reshape target with at most one -1 against `count` elements; names `op` in errors.
Shape resolve_shape(const std::vector<long>& shape, std::size_t count, const Shape& from, const char* op);

// Prints like NumPy: nested brackets, 4 significant digits, long axes elided with "...", then the shape.
std::ostream& operator<<(std::ostream& out, const Tensor& t);

}  // namespace rnnlab
