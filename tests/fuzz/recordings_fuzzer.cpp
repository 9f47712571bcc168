// libFuzzer target for lesson 20's --data reader (a list of recordings and their words).
#include "lessons/20_speech_recognition.hpp"
#include "text_reader.hpp"

using namespace rnnlab::lessons;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return rnnlab::fuzz::read_or_refuse(
      data, size, [](const std::string& text) { return lesson20::parse_recordings(text, "fuzz input"); },
      [](const std::vector<lesson20::Recording>& list) {
        if (list.empty() || list.size() > lesson20::max_recordings) return false;
        for (const lesson20::Recording& r : list) {
          if (r.file.empty() || r.word >= lesson20::words().size() || r.line == 0) return false;
        }
        return true;
      });
}
