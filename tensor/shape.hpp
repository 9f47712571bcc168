// Shapes, strides and broadcasting: the bookkeeping every tensor op shares.
#pragma once

#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace rnnlab {

// The one element type of the whole project. Double, because the vanishing-gradient lessons plot norms down
// to 1e-40 and beyond (float underflows near 1e-38), and finite-difference gradient checks need the digits.
using real = double;

using Shape = std::vector<std::size_t>;

// Thrown when the shapes given to an op do not fit. The message names the op and every shape involved,
// e.g. "matmul: shapes [2, 3] and [4, 5] are not aligned (3 != 4)".
class ShapeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// "[2, 3]"; a 0-d (scalar) shape prints as "[]".
std::string to_string(const Shape& shape);

// The most elements a tensor may hold: so many that its bytes (8 each) still fit in a signed size, which is what
// allocators and pointer differences can address. 2^60 - 1 on a 64-bit machine, 2^28 - 1 in 32-bit WebAssembly.
inline constexpr std::size_t max_elements =
    static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max()) / sizeof(double);

// Number of elements: the product of the dimensions (1 for a scalar shape []; 0 when any dimension is 0).
// Throws ShapeError naming the shape when the product passes max_elements: every tensor's size is computed here,
// so no size can wrap around to a small number (a [2^32, 2^32, 2] shape would otherwise claim 0 elements).
std::size_t numel(const Shape& shape);

// Row-major strides in elements: the last axis has stride 1.
std::vector<std::size_t> row_major_strides(const Shape& shape);

// NumPy broadcasting: align shapes on the right; two dimensions fit when they are equal or one of them is 1.
// Throws ShapeError naming `op` and both shapes when they do not fit.
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);

// Strides for reading a tensor of shape `from` as if it had the broadcast shape `to` (stride 0 along every
// broadcast axis). `from` must broadcast to `to`.
std::vector<std::size_t> broadcast_strides(const Shape& from, const Shape& to);

// Turns a possibly negative axis (-1 = last, as in PyTorch) into an index in [0, rank), or throws ShapeError
// naming the op and the shape.
std::size_t normalize_axis(long axis, std::size_t rank, const char* op, const Shape& shape);

// The axis order that swaps two axes of a rank-`rank` shape (negative axes count from the end): what
// transpose(x, axis0, axis1) passes to permute.
std::vector<std::size_t> swapped_axes(const Shape& shape, long axis0, long axis1, const char* op);

// `shape` with a new axis of size 1 inserted at `axis` (0 .. rank), as a reshape target: what stack() does to
// every part before concatenating them.
std::vector<long> with_new_axis(const Shape& shape, std::size_t axis);

}  // namespace rnnlab
