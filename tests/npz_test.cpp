#include <filesystem>

#include "check.hpp"
#include "tensor/npz.hpp"

using namespace rnnlab;
using rnnlab::testing::message_of;

namespace {
const std::string data_dir = RNNLAB_TEST_DATA;
}

TEST_SUITE("tensor") {

TEST_CASE("npz: CRC-32 of the standard check string") {
  CHECK(crc32("123456789") == 0xCBF43926u);  // the catalogued check value of CRC-32/ISO-HDLC
  CHECK(crc32("") == 0);
}

TEST_CASE("npz: we read what numpy.savez writes") {
  const NamedTensors arrays = load_npz(data_dir + "/numpy_savez.npz");
  REQUIRE(arrays.size() == 2);
  CHECK(arrays[0].first == "layer.weight");
  CHECK(arrays[0].second == Tensor::from({2, 3}, {-2.5, -1.5, -0.5, 0.5, 1.5, 2.5}));
  CHECK(arrays[1].first == "layer.bias");
  CHECK(arrays[1].second == Tensor::from({2}, {0.5, -1}));
}

TEST_CASE("npz: round trip keeps names and order and bits") {
  Rng rng(9);
  const NamedTensors arrays = {{"b", Tensor::normal({3, 4}, 0, 1, rng)}, {"a.weight", Tensor::scalar(-0.0)},
                               {"empty", Tensor::zeros({0})}};
  const NamedTensors back = decode_npz(encode_npz(arrays), "memory");
  REQUIRE(back.size() == arrays.size());
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    CHECK(back[i].first == arrays[i].first);
    CHECK(back[i].second == arrays[i].second);
  }
  CHECK(encode_npz(arrays) == encode_npz(back));  // deterministic bytes
}

TEST_CASE("npz: corrupt or truncated or compressed archives are refused with the file named") {
  const std::string good = encode_npz({{"w", Tensor::arange(0, 8)}, {"b", Tensor::ones({2})}});
  std::string flipped = good;
  flipped[100] = static_cast<char>(flipped[100] ^ 0x01);  // inside w's data
  const std::string crc = message_of<FormatError>([&] { (void)decode_npz(flipped, "flip.npz"); });
  CHECK_CONTAINS(crc, "flip.npz");
  CHECK_CONTAINS(crc, "CRC");
  for (std::size_t cut : {good.size() - 1, good.size() / 2, std::size_t{10}}) {
    CAPTURE(cut);
    CHECK_CONTAINS(message_of<FormatError>([&] { (void)decode_npz(good.substr(0, cut), "cut.npz"); }), "cut.npz");
  }
  CHECK_CONTAINS(message_of<FormatError>([&] { (void)decode_npz(good.substr(20), "shifted.npz"); }), "shifted.npz");
  const std::string compressed = message_of<FormatError>([] { (void)load_npz(data_dir + "/numpy_savez_compressed.npz"); });
  CHECK_CONTAINS(compressed, "compressed");
  CHECK_CONTAINS(compressed, "numpy_savez_compressed.npz");
  CHECK_CONTAINS(message_of<FormatError>([] { (void)load_npz("/nonexistent/model.npz"); }), "/nonexistent/model.npz");
  CHECK_CONTAINS(message_of<FormatError>([] { (void)encode_npz({{"w", Tensor()}, {"w", Tensor()}}); }), "duplicate");
}

TEST_CASE("npz: a folder or an empty name is refused with a message that says so") {
  const std::string folder = std::filesystem::temp_directory_path().string();
  CHECK_CONTAINS(message_of<FormatError>([&] { (void)load_npz(folder); }), "it is a folder, not a file");
  CHECK_CONTAINS(message_of<FormatError>([&] { save_npz(folder, {}); }), "it is a folder");
  CHECK_CONTAINS(message_of<FormatError>([&] { save_npz("", {}); }), "cannot write a file with an empty name");
}

}  // TEST_SUITE
