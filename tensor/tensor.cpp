#include "tensor/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <deque>
#include <iterator>
#include <mutex>
#include <new>
#include <ostream>
#include <string>

#include "tensor/elementwise.hpp"

#ifdef __GLIBC__
#include <malloc.h>
#endif

namespace rnnlab {

#ifdef __GLIBC__
namespace {
// A training step allocates and frees the same large buffers (activations, gradients) over and over. By
// default glibc hands freed memory at the top of the heap back to the kernel once more than ~2x the largest
// recent buffer is free, and then faults it back in, page by page, on the next step: on a small model that
// costs more time than the arithmetic. Keeping freed memory for reuse (and serving buffers up to 32 MiB from
// the heap instead of fresh mappings) removes that cycle. Memory use still follows the model's own peak.
const bool malloc_tuned = [] {
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  return true;
}();
}  // namespace
#endif

namespace {

// Buffers of 32 MiB and more (an LSTM's [T, B, 4H] activations at T = 1024, say) are served by glibc as fresh
// mappings whatever the settings above, and every page of them faults in again on every training step: at
// W1 with T = 1024 that was 100,000 page faults a step and made a step twice as slow per time step as at T = 64.
// So freed buffers of that size wait here, and a request of exactly the same size (the next step's) takes one.
// At most 1 GiB waits; beyond that the oldest are released.
constexpr std::size_t recycled_bytes = 32 << 20, max_waiting_bytes = std::size_t{1} << 30;

struct Recycler {
  std::mutex mutex;
  std::deque<std::pair<std::size_t, void*>> waiting;  // (bytes, buffer), oldest first
  std::size_t waiting_bytes = 0;
};

// Never destroyed: a Tensor that outlives main's statics may still hand its buffer back at exit.
Recycler& recycler() {
  static Recycler* const instance = new Recycler;
  return *instance;
}

}  // namespace

real* NumberAllocator::allocate(std::size_t count) {
  if (count > std::size_t(-1) / sizeof(real)) throw std::bad_array_new_length();
  const std::size_t bytes = count * sizeof(real);
  if (bytes >= recycled_bytes) {
    Recycler& r = recycler();
    const std::lock_guard lock(r.mutex);
    for (auto it = r.waiting.rbegin(); it != r.waiting.rend(); ++it) {
      if (it->first == bytes) {
        void* buffer = it->second;
        r.waiting_bytes -= bytes;
        r.waiting.erase(std::next(it).base());
        return static_cast<real*>(buffer);
      }
    }
  }
  return static_cast<real*>(::operator new(bytes));
}

void NumberAllocator::deallocate(real* numbers, std::size_t count) noexcept {
  const std::size_t bytes = count * sizeof(real);
  if (bytes >= recycled_bytes && bytes <= max_waiting_bytes) {
    Recycler& r = recycler();
    const std::lock_guard lock(r.mutex);
    r.waiting.emplace_back(bytes, numbers);
    r.waiting_bytes += bytes;
    while (r.waiting_bytes > max_waiting_bytes) {
      r.waiting_bytes -= r.waiting.front().first;
      ::operator delete(r.waiting.front().second);
      r.waiting.pop_front();
    }
    return;
  }
  ::operator delete(numbers);
}

Tensor Tensor::full(const Shape& shape, real value) {
  Tensor t(shape);
  t.fill(value);
  return t;
}

Tensor Tensor::arange(real start, real stop, real step) {
  if (step == 0 || !std::isfinite(start) || !std::isfinite(stop) || !std::isfinite(step)) {
    throw std::invalid_argument("arange: start, stop and step must be finite and step nonzero");
  }
  const real count = std::ceil((stop - start) / step);
  const std::size_t n = count > 0 ? static_cast<std::size_t>(count) : 0;
  Tensor t({n});
  for (std::size_t i = 0; i < n; ++i) t[i] = start + static_cast<real>(i) * step;
  return t;
}

Tensor Tensor::from(const Shape& shape, std::vector<real> values) {
  if (values.size() != numel(shape)) {
    throw ShapeError("Tensor::from: shape " + to_string(shape) + " holds " + std::to_string(numel(shape)) +
                     " values, but " + std::to_string(values.size()) + " were given");
  }
  Tensor t = for_overwrite(shape);
  std::copy(values.begin(), values.end(), t.data_.begin());
  return t;
}

Tensor Tensor::uniform(const Shape& shape, real low, real high, Rng& rng) {
  Tensor t(shape);
  for (real& v : t.data_) v = rng.uniform(low, high);
  return t;
}

Tensor Tensor::normal(const Shape& shape, real mean, real stddev, Rng& rng) {
  Tensor t(shape);
  for (real& v : t.data_) v = rng.normal(mean, stddev);
  return t;
}

std::size_t Tensor::size(long axis) const { return shape_[normalize_axis(axis, dim(), "Tensor::size", shape_)]; }

std::size_t Tensor::flat_index(std::initializer_list<std::size_t> index) const {
  if (index.size() != shape_.size()) {
    throw ShapeError("Tensor::at: an index of " + std::to_string(index.size()) + " numbers given for shape " +
                     to_string(shape_));
  }
  std::size_t flat = 0, axis = 0;
  for (std::size_t i : index) {
    if (i >= shape_[axis]) {
      throw ShapeError("Tensor::at: index " + std::to_string(i) + " is out of range for axis " +
                       std::to_string(axis) + " of shape " + to_string(shape_));
    }
    flat = flat * shape_[axis] + i;
    ++axis;
  }
  return flat;
}

real& Tensor::at(std::initializer_list<std::size_t> index) { return data_[flat_index(index)]; }
real Tensor::at(std::initializer_list<std::size_t> index) const { return data_[flat_index(index)]; }

real Tensor::item() const {
  if (data_.size() != 1) {
    throw ShapeError("Tensor::item: needs exactly one element, but shape " + to_string(shape_) + " has " +
                     std::to_string(data_.size()));
  }
  return data_[0];
}

Shape resolve_shape(const std::vector<long>& shape, std::size_t count, const Shape& from, const char* op) {
  auto describe = [&] {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
  };
  Shape out(shape.size());
  long free_axis = -1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1 && free_axis < 0) {
      free_axis = static_cast<long>(i);
    } else if (shape[i] < 0) {
      throw ShapeError(std::string(op) + ": cannot reshape " + to_string(from) + " to " + describe() +
                       " (only one -1 is allowed, and no other negative size)");
    } else {
      out[i] = static_cast<std::size_t>(shape[i]);
    }
  }
  // numel checks the product for overflow; the free axis counts as 1 until it is resolved.
  if (free_axis >= 0) out[static_cast<std::size_t>(free_axis)] = 1;
  std::size_t known = 0;
  try {
    known = numel(out);
  } catch (const ShapeError& e) {
    throw ShapeError(std::string(op) + ": cannot reshape " + to_string(from) + " to " + describe() + ": " + e.what());
  }
  if (free_axis >= 0) {
    if (known == 0 || count % known != 0) {
      throw ShapeError(std::string(op) + ": cannot reshape " + to_string(from) + " to " + describe());
    }
    out[static_cast<std::size_t>(free_axis)] = count / known;
    known = count;
  }
  if (known != count) {
    throw ShapeError(std::string(op) + ": cannot reshape " + to_string(from) + " (" + std::to_string(count) +
                     " elements) to " + describe() + " (" + std::to_string(known) + " elements)");
  }
  return out;
}

Tensor Tensor::reshape(const std::vector<long>& shape) const& { return Tensor(*this).reshape(shape); }

Tensor Tensor::reshape(const std::vector<long>& shape) && {
  shape_ = resolve_shape(shape, data_.size(), shape_, "reshape");
  return std::move(*this);
}

void Tensor::fill(real value) {
  for (real& v : data_) v = value;
}

Tensor& Tensor::operator+=(const Tensor& other) {
  zip_into(*this, other, [](real a, real b) { return a + b; }, "add_");
  return *this;
}

Tensor& Tensor::operator-=(const Tensor& other) {
  zip_into(*this, other, [](real a, real b) { return a - b; }, "sub_");
  return *this;
}

Tensor& Tensor::operator*=(const Tensor& other) {
  zip_into(*this, other, [](real a, real b) { return a * b; }, "mul_");
  return *this;
}

Tensor& Tensor::operator*=(real factor) {
  for (real& v : data_) v *= factor;
  return *this;
}

namespace {

// Prints axis `axis` of t starting at flat offset `offset`. Axes longer than 2 * edge + 1 show their first and
// last `edge` entries around "...", when the tensor is large enough to be summarized at all.
void print_axis(std::ostream& out, const Tensor& t, std::size_t axis, std::size_t offset,
                const std::vector<std::size_t>& strides, std::size_t edge, std::size_t indent) {
  const std::size_t n = t.shape()[axis];
  const bool elide = edge > 0 && n > 2 * edge + 1;
  out << '[';
  for (std::size_t i = 0; i < n; ++i) {
    if (elide && i == edge) {
      out << (axis + 1 == t.dim() ? "..., " : "...,\n" + std::string(indent + 1, ' '));
      i = n - edge - 1;
      continue;
    }
    if (axis + 1 == t.dim()) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.4g", t[offset + i]);
      out << buffer;
    } else {
      print_axis(out, t, axis + 1, offset + i * strides[axis], strides, edge, indent + 1);
    }
    if (i + 1 < n) out << (axis + 1 == t.dim() ? ", " : ",\n" + std::string(indent + 1, ' '));
  }
  out << ']';
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const Tensor& t) {
  out << "tensor(";
  if (t.dim() == 0) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4g", t[0]);
    out << buffer;
  } else if (t.empty()) {
    out << "[]";
  } else {
    const std::size_t edge = t.size() > 1000 ? 3 : 0;  // summarize like NumPy above 1000 elements
    print_axis(out, t, 0, 0, row_major_strides(t.shape()), edge, 7);
  }
  return out << ", shape=" << to_string(t.shape()) << ')';
}

}  // namespace rnnlab
