// The Hershey vector fonts (A. V. Hershey, 1967; Debian's hershey-fonts-data, /usr/share/hershey-fonts/*.jhf): each
// glyph drawn as pen strokes on an integer grid, the pen's path rather than a picture - what lesson 21's networks
// read and write as handwriting.
//
// The .jhf format, one glyph a line (a glyph longer than a line continues on the next): columns 1-5 a glyph number,
// 6-8 the number of coordinate pairs that follow (the first pair included), then the pairs, two characters each,
// every coordinate written as its offset from 'R' ('R' is 0, 'S' is 1, 'Q' is -1). The first pair is the glyph's
// left and right edge; " R" (a space, then R) lifts the pen. In the ASCII fonts line k holds character 32 + k.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tensor/random.hpp"

namespace rnnlab::lessons::hershey {

using Point = std::pair<double, double>;  // x to the right, y downwards, in the font's grid units
using Stroke = std::vector<Point>;        // one pen-down path

struct Glyph {
  int left = 0, right = 0;  // the glyph's edges
  std::vector<Stroke> strokes;
};

// Glyph k of the file is character 32 + k (' ' to '~'). Throws InputError naming the file and the line for
// anything else than the format above.
std::vector<Glyph> parse_font(std::string_view text, const std::string& name);
std::vector<Glyph> read_font(const std::string& path);

// The folder Debian installs the fonts in, and a font's path there ("cursive" -> .../cursive.jhf).
std::string font_path(const std::string& font);

// A pen trajectory as a network reads it: one row per point after the first, (dx, dy, lift), the offset from the
// previous point and 1 where the pen lifts after this point (the end of a stroke), as Graves (2013) feeds his.
struct PenOffsets {
  std::vector<double> dx, dy, lift;
  std::size_t size() const { return dx.size(); }
};
PenOffsets pen_offsets(const std::vector<Stroke>& strokes);

// A "writer": the glyph's strokes under a random affine map (slant, stretch, rotation), resampled so that
// consecutive points are about `spacing` apart (a pen's speed), and with each point moved by Gaussian noise of
// `noise` grid units (a hand's tremor). The same glyph and rng give the same strokes.
struct Hand {
  double slant = 0.25, stretch = 0.15, rotation = 0.1;  // the largest |shear|, |log scale| and |angle| (radians)
  double spacing = 2.0, noise = 0.3;
};
std::vector<Stroke> write(const Glyph& glyph, const Hand& hand, Rng& rng);
// A stroke resampled along its path: a point every `spacing` (> 0), its first and last points kept.
Stroke resample(const Stroke& stroke, double spacing);

}  // namespace rnnlab::lessons::hershey
