#include "tensor/npz.hpp"

#include <array>
#include <limits>
#include <set>

namespace rnnlab {

namespace {

constexpr std::uint32_t local_header_signature = 0x04034b50;
constexpr std::uint32_t central_header_signature = 0x02014b50;
constexpr std::uint32_t end_of_directory_signature = 0x06054b50;
constexpr std::uint16_t dos_date_1980_01_01 = (0 << 9) | (1 << 5) | 1;  // fixed, so archives are reproducible

[[noreturn]] void fail(const std::string& source, const std::string& what) {
  throw FormatError("npz: " + source + ": " + what);
}

void put16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>(v >> 8);
}

void put32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
}

// Little-endian reads at an offset, bounds-checked against the archive.
class Reader {
 public:
  Reader(std::string_view bytes, const std::string& source) : bytes_(bytes), source_(source) {}

  std::uint64_t get(std::size_t offset, std::size_t width, const char* what) const {
    if (offset > bytes_.size() || width > bytes_.size() - offset) {
      fail(source_, std::string("truncated archive (") + what + " at byte " + std::to_string(offset) +
                        " is past the end, " + std::to_string(bytes_.size()) + " bytes)");
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < width; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[offset + i])) << (8 * i);
    return v;
  }

  std::string_view span(std::size_t offset, std::uint64_t length, const char* what) const {
    if (offset > bytes_.size() || length > bytes_.size() - offset) {
      fail(source_, std::string("truncated archive (") + what + " of " + std::to_string(length) + " bytes at byte " +
                        std::to_string(offset) + " runs past the end, " + std::to_string(bytes_.size()) + " bytes)");
    }
    return bytes_.substr(offset, static_cast<std::size_t>(length));
  }

  std::size_t size() const { return bytes_.size(); }

 private:
  std::string_view bytes_;
  const std::string& source_;
};

}  // namespace

std::uint32_t crc32(std::string_view bytes) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (char ch : bytes) c = table[(c ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::string encode_npz(const NamedTensors& arrays) {
  std::string archive, directory;
  std::set<std::string> seen;
  for (const auto& [name, tensor] : arrays) {
    if (!seen.insert(name).second) throw FormatError("npz: duplicate array name '" + name + "'");
    const std::string entry = name + ".npy";
    const std::string data = encode_npy(tensor);
    if (archive.size() > std::numeric_limits<std::uint32_t>::max() - data.size() - entry.size() - 30 ||
        entry.size() > std::numeric_limits<std::uint16_t>::max()) {
      throw FormatError("npz: archive too large for a plain ZIP at entry '" + entry + "'");
    }
    const std::uint32_t crc = crc32(data);
    const auto offset = static_cast<std::uint32_t>(archive.size());
    const auto size = static_cast<std::uint32_t>(data.size());
    const auto name_length = static_cast<std::uint16_t>(entry.size());

    put32(archive, local_header_signature);
    put16(archive, 20);  // version needed to extract: 2.0
    put16(archive, 0);   // flags
    put16(archive, 0);   // method: stored
    put16(archive, 0);   // time 00:00
    put16(archive, dos_date_1980_01_01);
    put32(archive, crc);
    put32(archive, size);  // compressed size = uncompressed size (stored)
    put32(archive, size);
    put16(archive, name_length);
    put16(archive, 0);  // extra field length
    archive += entry;
    archive += data;

    put32(directory, central_header_signature);
    put16(directory, 20);  // version made by
    put16(directory, 20);  // version needed
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, 0);
    put16(directory, dos_date_1980_01_01);
    put32(directory, crc);
    put32(directory, size);
    put32(directory, size);
    put16(directory, name_length);
    put16(directory, 0);  // extra
    put16(directory, 0);  // comment
    put16(directory, 0);  // disk number
    put16(directory, 0);  // internal attributes
    put32(directory, 0);  // external attributes
    put32(directory, offset);
    directory += entry;
  }
  if (arrays.size() > 0xFFFF) throw FormatError("npz: too many arrays for a plain ZIP");
  const auto directory_offset = static_cast<std::uint32_t>(archive.size());
  archive += directory;
  put32(archive, end_of_directory_signature);
  put16(archive, 0);
  put16(archive, 0);
  put16(archive, static_cast<std::uint16_t>(arrays.size()));
  put16(archive, static_cast<std::uint16_t>(arrays.size()));
  put32(archive, static_cast<std::uint32_t>(directory.size()));
  put32(archive, directory_offset);
  put16(archive, 0);  // comment length
  return archive;
}

namespace {

// Where the end-of-central-directory record starts. It is the last 22 bytes, unless an archive comment (up to
// 65,535 bytes) follows it: search backwards for its signature.
std::size_t end_of_directory(const Reader& in, std::size_t size, const std::string& source) {
  if (size < 22) fail(source, "not a ZIP archive (only " + std::to_string(size) + " bytes)");
  const std::size_t lowest = size >= 22 + 0xFFFF ? size - 22 - 0xFFFF : 0;
  for (std::size_t at = size - 22 + 1; at-- > lowest;) {
    if (in.get(at, 4, "signature") == end_of_directory_signature) return at;
  }
  fail(source, "not a ZIP archive, or truncated (no end-of-central-directory record)");
}

}  // namespace

NamedTensors decode_npz(std::string_view bytes, const std::string& source) {
  const Reader in(bytes, source);
  const std::size_t end = end_of_directory(in, bytes.size(), source);
  const auto entries = static_cast<std::size_t>(in.get(end + 10, 2, "entry count"));
  std::size_t at = static_cast<std::size_t>(in.get(end + 16, 4, "central directory offset"));
  if (at == 0xFFFFFFFFu || entries == 0xFFFF) fail(source, "ZIP64 archives over 4 GiB are not supported");

  NamedTensors arrays;
  std::set<std::string> seen;
  for (std::size_t e = 0; e < entries; ++e) {
    if (in.get(at, 4, "central directory entry") != central_header_signature) {
      fail(source, "corrupt central directory (entry " + std::to_string(e) + " has a bad signature)");
    }
    const auto flags = in.get(at + 8, 2, "flags");
    const auto method = in.get(at + 10, 2, "compression method");
    const auto crc = static_cast<std::uint32_t>(in.get(at + 16, 4, "CRC-32"));
    std::uint64_t size = in.get(at + 20, 4, "compressed size");
    std::uint64_t uncompressed = in.get(at + 24, 4, "size");
    const auto name_length = static_cast<std::size_t>(in.get(at + 28, 2, "name length"));
    const auto extra_length = static_cast<std::size_t>(in.get(at + 30, 2, "extra length"));
    const auto comment_length = static_cast<std::size_t>(in.get(at + 32, 2, "comment length"));
    std::uint64_t local = in.get(at + 42, 4, "local header offset");
    const std::string entry(in.span(at + 46, name_length, "entry name"));

    // ZIP64: sizes and offset stored as 0xFFFFFFFF live in the extra field with id 1, in this order.
    const std::string_view extra = in.span(at + 46 + name_length, extra_length, "extra field");
    for (std::size_t x = 0; x + 4 <= extra.size();) {
      const Reader field(extra, source);
      const auto id = field.get(x, 2, "extra id");
      const auto length = static_cast<std::size_t>(field.get(x + 2, 2, "extra length"));
      if (id == 1) {
        std::size_t y = x + 4;
        auto widen = [&](std::uint64_t& value, const char* what) {
          if (value != 0xFFFFFFFFu) return;
          value = field.get(y, 8, what);
          y += 8;
        };
        widen(uncompressed, "ZIP64 size");
        widen(size, "ZIP64 compressed size");
        widen(local, "ZIP64 offset");
      }
      x += 4 + length;
    }
    at += 46 + name_length + extra_length + comment_length;

    if (method != 0) {
      fail(source, "entry '" + entry + "' is compressed (method " + std::to_string(method) +
                       "); only stored entries are supported (save with numpy.savez, not savez_compressed)");
    }
    if (flags & 1) fail(source, "entry '" + entry + "' is encrypted");
    if (size != uncompressed) fail(source, "entry '" + entry + "' has inconsistent sizes");
    if (entry.size() < 5 || entry.substr(entry.size() - 4) != ".npy") {
      fail(source, "entry '" + entry + "' is not a .npy file");
    }
    if (local > in.size()) fail(source, "entry '" + entry + "' points past the end of the archive (truncated)");
    const auto offset = static_cast<std::size_t>(local);
    if (in.get(offset, 4, "local header") != local_header_signature) {
      fail(source, "corrupt archive (entry '" + entry + "' has a bad local header)");
    }
    const auto local_name = static_cast<std::size_t>(in.get(offset + 26, 2, "local name length"));
    const auto local_extra = static_cast<std::size_t>(in.get(offset + 28, 2, "local extra length"));
    const std::string_view data = in.span(offset + 30 + local_name + local_extra, size, "entry data");
    if (crc32(data) != crc) fail(source, "entry '" + entry + "' fails its CRC-32 check (the file is corrupt)");

    std::string name = entry.substr(0, entry.size() - 4);
    if (!seen.insert(name).second) fail(source, "duplicate entry '" + entry + "'");
    arrays.emplace_back(name, decode_npy(data, source + ":" + entry));
  }
  return arrays;
}

void save_npz(const std::string& path, const NamedTensors& arrays) { write_file_atomically(path, encode_npz(arrays)); }

NamedTensors load_npz(const std::string& path) { return decode_npz(read_file(path), path); }

}  // namespace rnnlab
