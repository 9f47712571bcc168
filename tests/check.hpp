// Helpers shared by the tests: checks that print what they compared when they fail.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <sstream>
#include <string>

#include "autograd/gradcheck.hpp"
#include "nn/module.hpp"
#include "tensor/ops.hpp"
#include "tensor/tensor.hpp"

namespace rnnlab::testing {

// CHECK that two tensors have the same shape and agree within rtol/atol; on failure prints both and the worst
// difference.
#define CHECK_TENSOR_CLOSE(actual, expected, ...)                                                     \
  do {                                                                                               \
    /* copies: `actual` may be the value of a temporary Var that dies at the end of this statement */ \
    const ::rnnlab::Tensor check_a_ = (actual);                                                      \
    const ::rnnlab::Tensor check_e_ = (expected);                                                    \
    INFO("actual:   " << check_a_);                                                                  \
    INFO("expected: " << check_e_);                                                                  \
    REQUIRE(check_a_.shape() == check_e_.shape());                                                   \
    INFO("max |difference| = " << ::rnnlab::max_abs_diff(check_a_, check_e_));                        \
    CHECK(::rnnlab::allclose(check_a_, check_e_ __VA_OPT__(, ) __VA_ARGS__));                       \
  } while (false)

// Runs `call`, requires that it throws E, and returns the message so the test can check what it names.
template <class E>
std::string message_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const E& e) {
    return e.what();
  } catch (...) {
    try {
      throw;
    } catch (const std::exception& e) {
      FAIL("threw the wrong exception type, with message: " << std::string(e.what()));
    } catch (...) {
      FAIL("threw something that is not a std::exception");
    }
    return "";
  }
  FAIL("did not throw");
  return "";
}

// CHECK that `text` contains `part`, printing both when not.
#define CHECK_CONTAINS(text, part)                               \
  do {                                                           \
    const std::string check_text_ = (text);                      \
    INFO("text: " << check_text_ << "\nshould contain: " << (part)); \
    CHECK(check_text_.find(part) != std::string::npos);          \
  } while (false)

// CHECK that a gradcheck passed and compared something; on failure prints where it failed.
inline void check_gradcheck(const GradcheckResult& r) {
  INFO(r.report);
  CHECK(r.passed);
  CHECK(r.checked > 0);
}

// `inputs` followed by every parameter of `module`: the leaves a module's gradcheck perturbs.
inline std::vector<Var> with_parameters(std::vector<Var> inputs, const nn::Module& module) {
  for (const Var& p : module.parameters()) inputs.push_back(p);
  return inputs;
}

}  // namespace rnnlab::testing

// CHECK every claim of a lesson, printing what each measured against its criterion.
#define CHECK_CLAIMS(claim_list)                                                          \
  for (const auto& check_claim_ : (claim_list)) {                                         \
    INFO(check_claim_.text << ": measured " << check_claim_.measured << ", criterion "    \
                           << check_claim_.criterion);                                    \
    CHECK(check_claim_.passed);                                                           \
  }
