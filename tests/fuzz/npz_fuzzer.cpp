// libFuzzer target for the .npz (ZIP) reader: any bytes must give named tensors or a clear exception, never a
// crash, a leak, a hang or undefined behaviour. What it decodes must survive a round trip through our writer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string_view>

#include "tensor/npz.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rnnlab::NamedTensors arrays;
  try {
    arrays = rnnlab::decode_npz(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz input");
  } catch (const std::exception&) {
    return 0;  // refused with a message: the right answer to bad bytes
  }
  const rnnlab::NamedTensors again = rnnlab::decode_npz(rnnlab::encode_npz(arrays), "round trip");
  if (again.size() != arrays.size()) std::abort();
  for (std::size_t k = 0; k < arrays.size(); ++k) {
    const rnnlab::Tensor &a = arrays[k].second, &b = again[k].second;
    if (again[k].first != arrays[k].first || a.shape() != b.shape()) std::abort();
    if (a.size() > 0 && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) != 0) std::abort();
  }
  return 0;
}
