#include "lessons/common/hershey.hpp"

#include <cmath>

#include "lessons/common/input.hpp"

namespace rnnlab::lessons::hershey {

namespace {

// A whole number of `width` columns, spaces allowed before it; -1 if there is none.
long number_at(std::string_view text, std::size_t at, std::size_t width) {
  long value = -1;
  for (std::size_t i = at; i < at + width && i < text.size(); ++i) {
    if (text[i] == ' ' && value < 0) continue;
    if (text[i] < '0' || text[i] > '9') return -1;
    value = (value < 0 ? 0 : value * 10) + (text[i] - '0');
  }
  return value;
}

}  // namespace

std::vector<Glyph> parse_font(std::string_view text, const std::string& name) {
  const std::vector<std::string_view> lines = text_lines(text, name, 4096);
  std::vector<Glyph> glyphs;
  for (std::size_t l = 0; l < lines.size();) {
    const std::size_t first_line = l + 1;
    auto refuse = [&](const std::string& what) {
      throw InputError(name + " line " + std::to_string(first_line) + ": " + what);
    };
    std::string line(lines[l++]);
    if (line.empty()) continue;
    const long count = number_at(line, 5, 3);
    if (line.size() < 8 || number_at(line, 0, 5) < 0 || count < 1) {
      refuse("not a Hershey glyph (a 5-digit number, a 3-digit count, then coordinate pairs)");
    }
    const std::size_t needed = 8 + 2 * static_cast<std::size_t>(count);
    while (line.size() < needed && l < lines.size()) line += lines[l++];  // a long glyph continues on the next line
    if (line.size() != needed) {
      refuse("the glyph says " + std::to_string(count) + " coordinate pairs and has " +
             std::to_string((static_cast<long>(line.size()) - 8) / 2));
    }
    Glyph glyph;
    glyph.left = line[8] - 'R';
    glyph.right = line[9] - 'R';
    Stroke stroke;
    for (std::size_t at = 10; at < needed; at += 2) {
      if (line[at] == ' ' && line[at + 1] == 'R') {  // the pen lifts
        if (!stroke.empty()) glyph.strokes.push_back(std::move(stroke));
        stroke.clear();
        continue;
      }
      if (line[at] < ' ' || line[at] > '~' || line[at + 1] < ' ' || line[at + 1] > '~') {
        refuse("a coordinate outside the printable characters");
      }
      stroke.emplace_back(line[at] - 'R', line[at + 1] - 'R');
    }
    if (!stroke.empty()) glyph.strokes.push_back(std::move(stroke));
    glyphs.push_back(std::move(glyph));
  }
  if (glyphs.empty()) throw InputError(name + ": no glyphs");
  return glyphs;
}

std::vector<Glyph> read_font(const std::string& path) { return parse_font(read_input_file(path), path); }

std::string font_path(const std::string& font) { return "/usr/share/hershey-fonts/" + font + ".jhf"; }

PenOffsets pen_offsets(const std::vector<Stroke>& strokes) {
  PenOffsets out;
  bool first = true;
  Point previous{0, 0};
  for (const Stroke& stroke : strokes) {
    for (std::size_t i = 0; i < stroke.size(); ++i) {
      if (!first) {
        out.dx.push_back(stroke[i].first - previous.first);
        out.dy.push_back(stroke[i].second - previous.second);
        out.lift.push_back(0);
      }
      first = false;
      previous = stroke[i];
    }
    if (!out.lift.empty()) out.lift.back() = 1;  // the pen lifts after the stroke's last point
  }
  return out;
}

Stroke resample(const Stroke& stroke, double spacing) {
  if (stroke.empty()) return {};
  Stroke even = {stroke.front()};
  double carried = 0;  // distance walked since the last point put down
  for (std::size_t i = 1; i < stroke.size(); ++i) {
    const double sx = stroke[i].first - stroke[i - 1].first, sy = stroke[i].second - stroke[i - 1].second;
    const double length = std::hypot(sx, sy);
    double along = spacing - carried;
    for (; along < length; along += spacing) {
      even.emplace_back(stroke[i - 1].first + sx * along / length, stroke[i - 1].second + sy * along / length);
    }
    carried = length - (along - spacing);
  }
  if (stroke.size() > 1 && even.back() != stroke.back()) even.push_back(stroke.back());
  return even;
}

std::vector<Stroke> write(const Glyph& glyph, const Hand& hand, Rng& rng) {
  // The writer: x' = s (x cos a - y sin a) + k y', y' = s (x sin a + y cos a), with shear k, scale s, angle a.
  const double shear = rng.uniform(-hand.slant, hand.slant), scale = std::exp(rng.uniform(-hand.stretch, hand.stretch));
  const double aspect = std::exp(rng.uniform(-hand.stretch, hand.stretch)),
               angle = rng.uniform(-hand.rotation, hand.rotation);
  const double spacing = hand.spacing * std::exp(rng.uniform(-0.3, 0.3));
  auto place = [&](const Point& p) {
    const double x = scale * aspect * (p.first * std::cos(angle) - p.second * std::sin(angle));
    const double y = scale / aspect * (p.first * std::sin(angle) + p.second * std::cos(angle));
    return Point{x + shear * y, y};
  };
  std::vector<Stroke> out;
  for (const Stroke& stroke : glyph.strokes) {
    Stroke placed;
    for (const Point& p : stroke) placed.push_back(place(p));
    Stroke even = resample(placed, spacing);
    for (Point& p : even) {
      p.first += hand.noise * rng.normal();
      p.second += hand.noise * rng.normal();
    }
    out.push_back(std::move(even));
  }
  return out;
}

}  // namespace rnnlab::lessons::hershey
