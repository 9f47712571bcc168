// Plots for the lessons, written here with no dependency: SVG files a browser (or rsvg-convert) shows, and
// compact text charts for the terminal, so the shape of a result is visible the moment a lesson prints it.
//
//   LineChart  several named series (lines, dashed lines or scatter dots), optional log-scale y, markers,
//              horizontal reference lines, vertical marks (e.g. word boundaries) and text labels on the x axis
//   BarChart   grouped bars: one group per category, one bar per series
//   HeatMap    a grid of values with a color scale, optionally log-scaled, with paths drawn on top
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "nn/gated.hpp"

namespace rnnlab::lessons::plot {

// Set by name: plot::Series{.name = "LSTM", .x = steps, .y = mse, .dashed = true}.
struct Series {
  std::string name{};            // empty: not in the legend (e.g. every seed after the first)
  std::vector<double> x{}, y{};  // a NaN or infinite y breaks the line there (and is skipped on a log axis if <= 0)
  std::string color{};           // "#rrggbb"; empty takes the next color of the palette
  bool markers = false;          // a dot at every point, on the line
  bool dashed = false;
  bool scatter = false;  // dots only, no line
};

struct ReferenceLine {
  double y;
  std::string label;
};

struct LineChart {
  std::string title{}, x_label{}, y_label{};
  bool log_y = false;
  std::vector<Series> series{};
  std::vector<ReferenceLine> reference_lines{};
  std::optional<double> y_min{}, y_max{};                  // fix the y range instead of fitting the data
  std::vector<std::pair<double, std::string>> x_labels{};  // text ticks on the x axis instead of numbers
  std::vector<double> x_marks{};                           // thin vertical lines at these x

  std::string svg(int width = 760, int height = 440) const;
  std::string text(int width = 64, int height = 12) const;
};

struct BarSeries {
  std::string name{};
  std::vector<double> values{};  // one per category; NaN draws no bar (and "-" in text)
  std::string color{};           // empty takes the next color of the palette
};

struct BarChart {
  std::string title{}, y_label{};
  std::vector<std::string> categories{};
  std::vector<BarSeries> series{};
  std::vector<ReferenceLine> reference_lines{};
  bool log_y = false;
  std::optional<double> y_max{};

  std::string svg(int width = 760, int height = 440) const;
  std::string text(int width = 40) const;
};

struct HeatMap {
  std::string title{}, x_label{}, y_label{}, value_label{};
  std::size_t rows = 0, cols = 0;
  std::vector<double> values{};  // row-major; row 0 is drawn at the bottom (y grows upwards like a chart)
  double x_first = 0, x_last = 1, y_first = 0, y_last = 1;  // axis values at the centers of the edge cells
  bool log_scale = false;                                   // color by log10(value)
  std::vector<std::string> row_labels{};                    // text labels for the rows instead of y numbers
  std::vector<std::pair<double, std::string>> x_labels{};   // text labels on the x axis instead of numbers
  std::vector<Series> paths{};                              // drawn on top, in axis coordinates

  std::string svg(int width = 760, int height = 520) const;
};

// Pen drawings in a grid of panels (lesson 21's handwriting): each panel's lines are drawn to one scale, fitted to
// the panel, y growing downwards as on paper; a panel's label is written under it.
struct PenLine {
  std::vector<std::pair<double, double>> points{};
  std::string color = "#000000";
  double width = 1.6;
};
struct Panel {
  std::string label{};
  std::vector<PenLine> lines{};
};
// The 1-sigma ellipse of a bivariate Gaussian centred at (x, y) with standard deviations s1, s2 and correlation rho.
PenLine ellipse(double x, double y, double s1, double s2, double rho, const std::string& color, double width = 0.8);
struct Drawing {
  std::string title{};
  std::vector<Panel> panels{};
  std::size_t columns = 8;
  int panel_size = 90;  // pixels a side

  std::string svg() const;
};

// Writes an SVG (or any text) to a file; throws std::runtime_error naming the file on failure.
void save(const std::string& path, const std::string& content);

// The palette the charts cycle through (colour-blind-friendly, after Okabe & Ito 2008).
const std::vector<std::string>& palette();
// One colour per recurrent cell across the course: the tanh RNN blue, the LSTM orange, the GRU green (palette()
// 0, 1, 2); other models take the palette from 3 on.
const std::string& color_of(nn::CellKind kind);

// The baselines a lesson compares its recurrent nets with (a bag of words, persistence, a linear autoregression,
// item-KNN, ...): the k-th it lists takes palette() 3 + k, so no baseline wears a recurrent cell's colour.
const std::string& baseline_color(std::size_t k);

// The x values first, first + 1, ..., last - 1 (time steps, lags, layers) for a series.
std::vector<double> integers(std::size_t first, std::size_t last);

// A number as short text: "0.9", "1", "1e-05" (%g).
std::string format_number(double v);

// A share as a percentage with one decimal: 0.9543 -> "95.4%".
std::string percent(double share);

// Escapes &, <, >, " and ' for XML and HTML text.
std::string escape_xml(const std::string& text);

}  // namespace rnnlab::lessons::plot
