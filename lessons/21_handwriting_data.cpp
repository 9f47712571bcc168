// Lesson 21's data: the lower-case letters of Debian's Hershey fonts, written in many random hands.
#include <algorithm>
#include <filesystem>

#include "lessons/21_handwriting.hpp"
#include "lessons/common/input.hpp"

namespace rnnlab::lessons::lesson21 {

Handwriting handwriting(const DataConfig& c) {
  Handwriting h;
  h.fonts = c.train_fonts;
  h.fonts.insert(h.fonts.end(), c.other_fonts.begin(), c.other_fonts.end());
  Rng rng(2013);  // the hands are the same for every seed of the lesson
  for (std::size_t f = 0; f < h.fonts.size(); ++f) {
    const std::string path = hershey::font_path(h.fonts[f]);
    if (!std::filesystem::exists(path)) {
      throw InputError(path + ": not installed; this lesson writes with the Hershey fonts (apt-get install "
                       "hershey-fonts-data)");
    }
    const std::vector<hershey::Glyph> font = hershey::read_font(path);
    const bool trained = f < c.train_fonts.size();
    for (std::size_t letter = 0; letter < letters; ++letter) {
      const hershey::Glyph& glyph = font.at('a' + letter - ' ');
      for (std::size_t k = 0; k < (trained ? c.hands + c.test_hands : c.test_hands); ++k) {
        Sample s{hershey::write(glyph, c.hand, rng), letter, f};
        (!trained ? h.new_fonts : k < c.hands ? h.train : h.new_hands).push_back(std::move(s));
      }
    }
  }
  return h;
}

std::size_t Sample::points() const {
  std::size_t n = 0;
  for (const hershey::Stroke& s : strokes) n += s.size();
  return n == 0 ? 0 : n - 1;
}

hershey::PenOffsets offsets_of(const Sample& s) {
  hershey::PenOffsets o = hershey::pen_offsets(s.strokes);
  for (std::size_t i = 0; i < o.size(); ++i) {
    o.dx[i] /= offset_scale;
    o.dy[i] /= offset_scale;
  }
  return o;
}

std::vector<hershey::Stroke> strokes_of(const std::vector<double>& dx, const std::vector<double>& dy,
                                        const std::vector<double>& lift) {
  std::vector<hershey::Stroke> strokes = {{{0, 0}}};
  double x = 0, y = 0;
  for (std::size_t i = 0; i < dx.size(); ++i) {
    x += dx[i] * offset_scale;
    y += dy[i] * offset_scale;
    strokes.back().emplace_back(x, y);
    if (lift[i] > 0.5 && i + 1 < dx.size()) strokes.push_back({});  // the next offset moves the lifted pen
  }
  std::vector<hershey::Stroke> drawn;  // without the empty stroke a final lift leaves
  for (std::size_t k = 0; k < strokes.size(); ++k) {
    if (!strokes[k].empty()) drawn.push_back(std::move(strokes[k]));
  }
  return drawn;
}

std::vector<const Sample*> pointers(const std::vector<Sample>& samples) {
  std::vector<const Sample*> out;
  for (const Sample& s : samples) out.push_back(&s);
  return out;
}

std::vector<hershey::PenOffsets> trajectories(const std::vector<const Sample*>& samples) {
  std::vector<hershey::PenOffsets> out;
  for (const Sample* s : samples) out.push_back(offsets_of(*s));
  return out;
}

std::vector<const Sample*> draw_batch(const std::vector<Sample>& from, std::size_t size, Rng& rng) {
  std::vector<const Sample*> batch(size);
  for (const Sample*& s : batch) s = &from[rng.below(from.size())];
  return batch;
}

// The samples in order of length, in chunks of `size`: a chunk is padded to its longest, and a chunk of
// neighbours wastes little (the longest letter is over three times the mean).
std::vector<std::vector<const Sample*>> chunks_by_length(const std::vector<Sample>& samples, std::size_t size) {
  std::vector<const Sample*> order = pointers(samples);
  std::stable_sort(order.begin(), order.end(),
                   [](const Sample* a, const Sample* b) { return a->points() < b->points(); });
  std::vector<std::vector<const Sample*>> chunks;
  for (std::size_t i = 0; i < order.size(); i += size) {
    chunks.emplace_back(order.begin() + static_cast<long>(i), order.begin() + static_cast<long>(std::min(i + size, order.size())));
  }
  return chunks;
}

// How many points a letter takes in a font: the median over its hands.
std::size_t median_points(const std::vector<Sample>& samples, std::size_t letter, std::size_t font) {
  std::vector<std::size_t> points;
  for (const Sample& s : samples) {
    if (s.letter == letter && s.font == font) points.push_back(s.points());
  }
  std::nth_element(points.begin(), points.begin() + static_cast<long>(points.size() / 2), points.end());
  return points.at(points.size() / 2);
}

}  // namespace rnnlab::lessons::lesson21
