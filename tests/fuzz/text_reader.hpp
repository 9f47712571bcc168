// What every fuzzer of a lesson's --data reader checks: any bytes are either read, and then within the reader's
// promised limits, or refused with an InputError (the one exception that becomes "exit 2, one line"). Any other
// exception, a crash, a leak, a hang or undefined behaviour (the build adds ASan and UBSan) is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <string>

#include "lessons/common/input.hpp"

namespace rnnlab::fuzz {

// Calls read(text); aborts (a finding) when it throws anything but InputError or `accepted` says no.
template <class Read, class Check>
int read_or_refuse(const std::uint8_t* data, std::size_t size, Read read, Check accepted) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    if (!accepted(read(text))) std::abort();
  } catch (const lessons::InputError&) {
    return 0;  // refused with a message naming the file and the line: the right answer to bad bytes
  } catch (const std::exception&) {
    std::abort();  // any other exception would reach the learner as "error: ..." and exit code 1
  }
  return 0;
}

}  // namespace rnnlab::fuzz
