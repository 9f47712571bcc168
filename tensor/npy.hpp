// NumPy's .npy format, so tensors move to and from numpy: `numpy.load` reads what save_npy writes, and
// load_npy reads what `numpy.save` writes.
//
// The format (numpy.lib.format, versions 1.0-3.0): the magic bytes "\x93NUMPY", a major and minor version
// byte, the header length (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0), then the header, a Python
// dict literal such as {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } padded with spaces and a
// newline so the data starts on a 64-byte boundary; then the raw elements.
// We write '<f8' (little-endian double), C order; we read '<f8' and '<f4' (converted to double), C order.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tensor/tensor.hpp"

namespace rnnlab {

// A file or byte string that is not what it claims to be; the message names the file and the problem.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The .npy bytes of a tensor, and back. `source` names the file (or archive member) in error messages.
std::string encode_npy(const Tensor& t);
Tensor decode_npy(std::string_view bytes, const std::string& source);

void save_npy(const std::string& path, const Tensor& t);
Tensor load_npy(const std::string& path);

// The whole content of a file; throws FormatError naming the file when it cannot be read.
std::string read_file(const std::string& path);

// Writes `bytes` to `path` so that a crash never leaves a half-written file: the bytes go to a temporary file
// in the same folder, which is flushed to disk (fsync) and then renamed over `path` (an atomic replace).
// `after_chunk(bytes_written_so_far)`, if given, runs after each 64 KiB written (progress; tests throw from it
// to simulate a crash mid-write: the temporary file is removed and `path` is untouched).
void write_file_atomically(const std::string& path, std::string_view bytes,
                           const std::function<void(std::size_t written)>& after_chunk = {});

}  // namespace rnnlab
