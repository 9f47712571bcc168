// libFuzzer target for lesson 21's --data reader (letters as pen points, CSV).
#include <cmath>

#include "lessons/21_handwriting.hpp"
#include "text_reader.hpp"

using namespace rnnlab::lessons;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const lesson21::LetterScale scale;
  return rnnlab::fuzz::read_or_refuse(
      data, size, [](const std::string& text) { return lesson21::parse_letters(text, "fuzz input", scale); },
      [](const std::vector<lesson21::Sample>& letters) {
        if (letters.empty() || letters.size() > lesson21::max_letters) return false;
        for (const lesson21::Sample& s : letters) {
          if (s.letter >= lesson21::letters || s.points() > 2 * lesson21::max_letter_points) return false;
          for (const auto& stroke : s.strokes) {
            for (const auto& [x, y] : stroke) {
              if (!std::isfinite(x) || !std::isfinite(y)) return false;
            }
          }
        }
        return true;
      });
}
