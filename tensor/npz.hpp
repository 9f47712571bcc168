// NumPy's .npz format: a ZIP archive holding one .npy file per named array, so `numpy.load("model.npz")`
// reads what save_npz writes, and load_npz reads what `numpy.savez` writes.
//
// We write a plain ZIP (PKWARE APPNOTE 6.3): for each entry a local header, the stored (uncompressed) .npy
// bytes and their CRC-32; then the central directory and its end record. We read stored entries, from the
// central directory, with ZIP64 size fields where numpy uses them, and verify every CRC-32. Compressed
// archives (numpy.savez_compressed) are refused with a clear message.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tensor/npy.hpp"

namespace rnnlab {

// Arrays by name, in order. The archive entry of "encoder.weight" is "encoder.weight.npy".
using NamedTensors = std::vector<std::pair<std::string, Tensor>>;

std::string encode_npz(const NamedTensors& arrays);
// Throws FormatError naming `source` on a truncated or corrupt archive, a bad CRC, a compressed or
// duplicate entry, or a member that is not a valid .npy.
NamedTensors decode_npz(std::string_view bytes, const std::string& source);

// Written atomically (a temporary file, fsync, rename): an interrupted save leaves any old file intact.
void save_npz(const std::string& path, const NamedTensors& arrays);
NamedTensors load_npz(const std::string& path);

// CRC-32 as ZIP uses it (the reflected polynomial 0xEDB88320).
std::uint32_t crc32(std::string_view bytes);

}  // namespace rnnlab
