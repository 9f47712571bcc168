// libFuzzer target for lesson 22's --data reader (click sessions, one a line).
#include "lessons/22_recommendations.hpp"
#include "text_reader.hpp"

using namespace rnnlab::lessons;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return rnnlab::fuzz::read_or_refuse(
      data, size, [](const std::string& text) { return lesson22::parse_sessions(text, "fuzz input"); },
      [](const lesson22::Clicks& clicks) {
        const std::size_t sessions = clicks.train.size() + clicks.test.size();
        if (sessions < 20 || sessions > lesson22::max_sessions || clicks.items > lesson22::max_items) return false;
        if (clicks.test.empty() || clicks.train.size() != sessions * 85 / 100) return false;
        for (const auto* set : {&clicks.train, &clicks.test}) {
          for (const lesson22::Session& s : *set) {
            if (s.size() < 2 || s.size() > lesson22::max_session_clicks) return false;
            for (std::size_t item : s) {
              if (item >= clicks.items) return false;
            }
          }
        }
        return true;
      });
}
