// Exercise 4 checks: full BPTT solves lesson 06's temporal XOR, Elman's one-step training does not, and the
// truncation you found is the shortest that does.
#include "lessons/exercises/exercises.hpp"
#include "tests/check.hpp"

namespace rnnlab::exercises {
TEST_SUITE("exercise 4") {

TEST_CASE("exercise 4: full BPTT solves the temporal XOR") {
  const double mse = xor_bit_mse(0, 0);
  MESSAGE("full BPTT: XOR-bit MSE " << mse);
  CHECK(mse < 0.05);
}

TEST_CASE("exercise 4: Elman's one-step training does not") {
  const double mse = xor_bit_mse(1, 0);
  MESSAGE("truncated every step: XOR-bit MSE " << mse);
  CHECK(mse >= 0.05);
}

TEST_CASE("exercise 4: the shortest truncation solves it and one step less does not") {
  const std::size_t k = shortest_truncation();
  MESSAGE("your shortest truncation: every " << k << " steps");
  REQUIRE(k >= 2);  // 1 fails (the check above)
  const double at_k = xor_bit_mse(k, 0), below = xor_bit_mse(k - 1, 0);
  MESSAGE("XOR-bit MSE at " << k << ": " << at_k << "; at " << k - 1 << ": " << below);
  CHECK(at_k < 0.05);
  CHECK(below >= 0.05);
}

}  // TEST_SUITE
}  // namespace rnnlab::exercises
