#include <cstdio>
#include <filesystem>
#include <fstream>

#include "check.hpp"
#include "tensor/npy.hpp"

using namespace rnnlab;
using rnnlab::testing::message_of;

namespace {

const std::string data_dir = RNNLAB_TEST_DATA;

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("rnnlab_npy_test_" + name)).string();
}

}  // namespace

TEST_SUITE("tensor") {

TEST_CASE("npy: we write exactly the bytes numpy writes") {
  const Tensor t = Tensor::from({2, 3}, {-1, -0.5, 0, 0.5, 1, 1.5});
  CHECK(encode_npy(t) == read_file(data_dir + "/numpy_f8_2x3.npy"));
  CHECK(encode_npy(Tensor::scalar(3.25)) == read_file(data_dir + "/numpy_f8_scalar.npy"));
}

TEST_CASE("npy: we read what numpy writes") {
  CHECK(load_npy(data_dir + "/numpy_f8_2x3.npy") == Tensor::from({2, 3}, {-1, -0.5, 0, 0.5, 1, 1.5}));
  const Tensor f4 = load_npy(data_dir + "/numpy_f4_3.npy");
  CHECK(f4 == Tensor::from({3}, {1.5, -2.25, static_cast<real>(3e-3f)}));
  const Tensor s = load_npy(data_dir + "/numpy_f8_scalar.npy");
  CHECK(s.dim() == 0);
  CHECK(s.item() == 3.25);
  const Tensor v2 = load_npy(data_dir + "/numpy_f8_v2.npy");  // format version 2.0, 4-byte header length
  CHECK(v2 == Tensor::from({2, 2}, {1e-300, -0.0, 3.141592653589793, 1152921504606846976.0}));
}

TEST_CASE("npy: round trip is bit-exact for every rank") {
  Rng rng(5);
  for (const Shape& shape : {Shape{}, Shape{0}, Shape{7}, Shape{2, 3}, Shape{2, 3, 4}, Shape{1, 1, 1, 5}}) {
    CAPTURE(to_string(shape));
    const Tensor t = Tensor::normal(shape, 0, 1e10, rng);
    const std::string bytes = encode_npy(t);
    CHECK((bytes.size() - t.size() * 8) % 64 == 0);  // the data starts on a 64-byte boundary
    CHECK(decode_npy(bytes, "memory") == t);
  }
  const std::string path = temp_path("round_trip.npy");
  const Tensor t = Tensor::arange(0, 10).reshape({2, 5});
  save_npy(path, t);
  CHECK(load_npy(path) == t);
  std::filesystem::remove(path);
}

TEST_CASE("npy: bad files are refused with the file named") {
  CHECK_CONTAINS(message_of<FormatError>([] { (void)load_npy("/nonexistent/x.npy"); }), "/nonexistent/x.npy");
  const std::string i8 = message_of<FormatError>([] { (void)load_npy(data_dir + "/numpy_i8.npy"); });
  CHECK_CONTAINS(i8, "numpy_i8.npy");
  CHECK_CONTAINS(i8, "<i8");
  CHECK_CONTAINS(message_of<FormatError>([] { (void)load_npy(data_dir + "/numpy_fortran.npy"); }), "Fortran");

  const std::string good = encode_npy(Tensor::arange(0, 6).reshape({2, 3}));
  const std::string truncated = message_of<FormatError>([&] { (void)decode_npy(good.substr(0, good.size() - 8), "cut.npy"); });
  CHECK_CONTAINS(truncated, "cut.npy");
  CHECK_CONTAINS(truncated, "truncated");
  CHECK_CONTAINS(truncated, "[2, 3]");
  CHECK_CONTAINS(message_of<FormatError>([&] { (void)decode_npy(good + "xx", "long.npy"); }), "trailing");
  CHECK_CONTAINS(message_of<FormatError>([&] { (void)decode_npy(good.substr(0, 40), "head.npy"); }), "truncated header");
  CHECK_CONTAINS(message_of<FormatError>([&] { (void)decode_npy("hello world, not numpy", "text.npy"); }), "magic");
  std::string other = good;
  other.replace(other.find("'shape'"), 7, "'shapf'");
  CHECK_CONTAINS(message_of<FormatError>([&] { (void)decode_npy(other, "noshape.npy"); }), "'shape'");
  std::string huge = good;
  huge.replace(huge.find("(2, 3)"), 6, "(9999999999999999999, 99)");
  CHECK_CONTAINS(message_of<FormatError>([&] { (void)decode_npy(huge, "huge.npy"); }), "huge.npy");
}

TEST_CASE("write_file_atomically replaces the file whole") {
  const std::string path = temp_path("atomic.bin");
  write_file_atomically(path, "first");
  write_file_atomically(path, "second version");
  CHECK(read_file(path) == "second version");
  std::filesystem::remove(path);
  CHECK_CONTAINS(message_of<FormatError>([] { write_file_atomically("/nonexistent/dir/f.bin", "x"); }), "/nonexistent/dir/f.bin");
}

}  // TEST_SUITE
