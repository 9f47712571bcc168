// libFuzzer target for the .npy reader: any bytes must give a tensor or a clear exception, never a crash, a leak,
// a hang or undefined behaviour (the build adds AddressSanitizer and UndefinedBehaviorSanitizer). What it decodes
// must survive a round trip through our writer.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string_view>

#include "tensor/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  rnnlab::Tensor tensor;
  try {
    tensor = rnnlab::decode_npy(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz input");
  } catch (const std::exception&) {
    return 0;  // refused with a message: the right answer to bad bytes
  }
  const rnnlab::Tensor again = rnnlab::decode_npy(rnnlab::encode_npy(tensor), "round trip");
  if (again.shape() != tensor.shape()) std::abort();
  for (std::size_t i = 0; i < tensor.size(); ++i) {
    // Bitwise equality, NaN included: the writer stores exactly the doubles the reader produced.
    if (std::memcmp(&again.data()[i], &tensor.data()[i], sizeof(double)) != 0) std::abort();
  }
  return 0;
}
