#include "lessons/common/plot.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "lessons/common/png.hpp"

namespace rnnlab::lessons::plot {

const std::string& color_of(nn::CellKind kind) {
  switch (kind) {
    case nn::CellKind::tanh_rnn:
      return palette()[0];
    case nn::CellKind::lstm:
      return palette()[1];
    case nn::CellKind::gru:
      return palette()[2];
  }
  return palette()[3];
}

const std::string& baseline_color(std::size_t k) { return palette()[3 + k % (palette().size() - 3)]; }

const std::vector<std::string>& palette() {
  static const std::vector<std::string> colors = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                                  "#E69F00", "#56B4E9", "#000000", "#F0E442"};
  return colors;
}

std::vector<double> integers(std::size_t first, std::size_t last) {
  std::vector<double> values;
  for (std::size_t i = first; i < last; ++i) values.push_back(static_cast<double>(i));
  return values;
}

std::string percent(double share) { return format_number(std::round(1000 * share) / 10) + "%"; }

std::string format_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

std::string escape_xml(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

void save(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("plot: cannot write '" + path + "'");
}

namespace {

std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", v);
  return buffer;
}

// A tick label: few digits, exponent form for very large or small magnitudes.
std::string tick_label(double v) {
  if (v == 0) return "0";
  char buffer[32];
  const double a = std::abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const int e = static_cast<int>(std::floor(std::log10(a) + 1e-9));
    const double m = v / std::pow(10.0, e);
    if (std::abs(m - std::round(m)) < 1e-6 && std::round(std::abs(m)) == 1) {
      std::snprintf(buffer, sizeof buffer, "%s1e%d", m < 0 ? "-" : "", e);
    } else {
      std::snprintf(buffer, sizeof buffer, "%.3ge%d", m, e);
    }
    return buffer;
  }
  std::snprintf(buffer, sizeof buffer, "%.5g", v);  // 10000 as "10000", not "1e+04"
  return buffer;
}

// A bar's value: three significant digits at most.
std::string format_short(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", v);
  return buffer;
}

// "Nice" ticks covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, about `target` of them.
std::vector<double> nice_ticks(double lo, double hi, int target = 6) {
  if (!(hi > lo)) return {lo};
  const double raw = (hi - lo) / target;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double f : {1.0, 2.0, 5.0, 10.0}) {
    step = f * power;
    if (raw <= step) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push_back(std::abs(t) < step * 1e-9 ? 0 : t);
  }
  return ticks;
}

// One axis' mapping from data values to pixels, linear or log10.
struct Axis {
  double lo = 0, hi = 1;  // in data units (log axes: the values themselves, lo > 0)
  bool log = false;
  double pixel_lo = 0, pixel_hi = 1;
  double transform(double v) const { return log ? std::log10(v) : v; }
  double operator()(double v) const {
    const double a = transform(lo), b = transform(hi);
    return pixel_lo + (transform(v) - a) / (b - a) * (pixel_hi - pixel_lo);
  }
  std::vector<double> ticks() const {
    if (!log) return nice_ticks(lo, hi);
    const int first = static_cast<int>(std::ceil(std::log10(lo) - 1e-9));
    const int last = static_cast<int>(std::floor(std::log10(hi) + 1e-9));
    const int stride = std::max(1, (last - first + 1 + 7) / 8);  // at most ~8 decades labelled
    // Labelled decades are multiples of the stride (1e-10, 1e-20, ... rather than 1e-9, 1e-19, ...).
    const int start = static_cast<int>(std::ceil(static_cast<double>(first) / stride)) * stride;
    std::vector<double> ticks;
    for (int e = start; e <= last; e += stride) ticks.push_back(std::pow(10.0, e));
    return ticks;
  }
};

const std::string halo = "stroke=\"white\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\"";

bool usable(double v, bool log) { return std::isfinite(v) && (!log || v > 0); }

// Fits [lo, hi] around the finite values, with a little headroom; log ranges snap to whole decades.
void fit(Axis& axis, double lo, double hi, std::optional<double> fixed_lo, std::optional<double> fixed_hi) {
  if (!(lo <= hi)) lo = 0, hi = 1;
  if (axis.log) {
    lo = std::pow(10.0, std::floor(std::log10(lo)));
    hi = std::pow(10.0, std::ceil(std::log10(hi)));
    if (lo == hi) hi = lo * 10;
  } else {
    if (lo == hi) lo -= 0.5, hi += 0.5;
    const double pad = (hi - lo) * 0.04;
    if (lo != 0 || hi < 0) lo -= pad;
    hi += pad;
  }
  axis.lo = fixed_lo.value_or(lo);
  axis.hi = fixed_hi.value_or(hi);
  if (!(axis.hi > axis.lo)) axis.hi = axis.lo + (axis.log ? axis.lo * 9 : 1);
}

struct Frame {
  int width, height;
  double left, right, top, bottom;  // the plot area, in pixels
};

std::string header(const Frame& f, const std::string& title) {
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(f.width) + "\" height=\"" +
                  std::to_string(f.height) + "\" viewBox=\"0 0 " + std::to_string(f.width) + " " +
                  std::to_string(f.height) + "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  s += "<text x=\"" + num(f.width / 2.0) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" +
       escape_xml(title) + "</text>\n";
  s += "<defs><clipPath id=\"plot-area\"><rect x=\"" + num(f.left) + "\" y=\"" + num(f.top) + "\" width=\"" +
       num(f.right - f.left) + "\" height=\"" + num(f.bottom - f.top) + "\"/></clipPath></defs>\n";
  return s;
}

std::string axis_labels(const Frame& f, const std::string& x_label, const std::string& y_label) {
  std::string s;
  if (!x_label.empty()) {
    s += "<text x=\"" + num((f.left + f.right) / 2) + "\" y=\"" + num(f.height - 10.0) + "\" text-anchor=\"middle\">" +
         escape_xml(x_label) + "</text>\n";
  }
  if (y_label.empty()) return s;
  s += "<text transform=\"translate(16," + num((f.top + f.bottom) / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
       escape_xml(y_label) + "</text>\n";
  return s;
}

std::string y_grid(const Frame& f, const Axis& y) {
  std::string s;
  for (double t : y.ticks()) {
    const double py = y(t);
    if (py < f.top - 0.5 || py > f.bottom + 0.5) continue;
    s += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(py) + "\" x2=\"" + num(f.right) + "\" y2=\"" + num(py) +
         "\" stroke=\"#e4e4e4\"/>\n";
    s += "<text x=\"" + num(f.left - 6) + "\" y=\"" + num(py + 4) + "\" text-anchor=\"end\">" + tick_label(t) + "</text>\n";
  }
  return s;
}

// Reference lines, dashed, each labelled where its label covers the fewest of `avoid` (the drawn lines, sampled in
// pixels): above or below the line, at its left or right end. Without `labels` (over bars) the legend names them.
std::string draw_reference_lines(const Frame& f, const Axis& y, const std::vector<ReferenceLine>& lines, bool labels = true,
                                 const std::vector<std::pair<double, double>>& avoid = {}) {
  std::string s;
  for (const ReferenceLine& r : lines) {
    if (!usable(r.y, y.log)) continue;
    const double py = y(r.y);
    if (py < f.top || py > f.bottom) continue;
    s += "<line x1=\"" + num(f.left) + "\" y1=\"" + num(py) + "\" x2=\"" + num(f.right) + "\" y2=\"" + num(py) +
         "\" stroke=\"#555\" stroke-dasharray=\"6 4\"/>\n";
    if (!labels) continue;
    const double width = 6.8 * static_cast<double>(r.label.size()) + 4;
    double best_x = f.left + 6, best_baseline = py - 5;
    std::size_t fewest = static_cast<std::size_t>(-1);
    for (const bool right : {false, true}) {
      for (const bool below : {false, true}) {
        const double x0 = right ? f.right - 6 - width : f.left + 6, baseline = below ? py + 15 : py - 5;
        if (baseline - 12 < f.top || baseline + 2 > f.bottom) continue;
        std::size_t covered = 0;
        for (const auto& [px, qy] : avoid) covered += px >= x0 && px <= x0 + width && qy >= baseline - 12 && qy <= baseline + 3;
        if (covered < fewest) fewest = covered, best_x = x0, best_baseline = baseline;
      }
    }
    // A white halo (stroke painted under the fill) keeps the label readable over whatever it still crosses.
    s += "<text x=\"" + num(best_x) + "\" y=\"" + num(best_baseline) + "\" fill=\"#444\" " + halo + ">" +
         escape_xml(r.label) + "</text>\n";
  }
  return s;
}

// How a legend entry is drawn: a line, a dashed line, or a dot (a scatter series).
enum class Mark { line, dashed, dot };

std::string legend(const Frame& f, const std::vector<std::pair<std::string, std::string>>& entries,
                   const std::vector<Mark>& marks) {
  std::string s;
  double y = f.top + 6;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& [name, color] = entries[i];
    if (name.empty()) continue;
    const Mark mark = i < marks.size() ? marks[i] : Mark::line;
    if (mark == Mark::dot) {
      s += "<circle cx=\"" + num(f.right + 26) + "\" cy=\"" + num(y + 6) + "\" r=\"4\" fill=\"" + color + "\"/>\n";
    } else {
      s += "<line x1=\"" + num(f.right + 14) + "\" y1=\"" + num(y + 6) + "\" x2=\"" + num(f.right + 38) + "\" y2=\"" +
           num(y + 6) + "\" stroke=\"" + color + "\" stroke-width=\"3\"" +
           (mark == Mark::dashed ? " stroke-dasharray=\"6 3\"" : "") + "/>\n";
    }
    s += "<text x=\"" + num(f.right + 44) + "\" y=\"" + num(y + 10) + "\">" + escape_xml(name) + "</text>\n";
    y += 20;
  }
  return s;
}

std::string color_of(const std::string& chosen, std::size_t index) {
  return chosen.empty() ? palette()[index % palette().size()] : chosen;
}

// Maps t in [0, 1] to a perceptually ordered blue -> green -> yellow ramp (after viridis).
std::array<int, 3> ramp_rgb(double t) {
  static const double stops[][3] = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
  t = std::clamp(t, 0.0, 1.0) * 4;
  const int i = std::min(3, static_cast<int>(t));
  const double u = t - i;
  std::array<int, 3> rgb{};
  for (int k = 0; k < 3; ++k) rgb[k] = static_cast<int>(stops[i][k] + u * (stops[i + 1][k] - stops[i][k]));
  return rgb;
}

std::string ramp(double t) {
  const std::array<int, 3> rgb = ramp_rgb(t);
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
  return buffer;
}

}  // namespace

// ---- line chart ----

namespace {

// One series on the axes: a polyline broken where y is not usable (unless a scatter), and its dots.
std::string draw_series(const Series& line, const std::string& color, const Axis& x, const Axis& y) {
  std::string s, points;
  auto flush = [&] {
    if (points.empty()) return;
    s += "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"2\" stroke-linejoin=\"round\"" +
         (line.dashed ? " stroke-dasharray=\"6 3\"" : "") + " points=\"" + points + "\"/>\n";
    points.clear();
  };
  for (std::size_t i = 0; i < line.x.size() && i < line.y.size() && !line.scatter; ++i) {
    if (!usable(line.y[i], y.log) || !std::isfinite(line.x[i])) {
      flush();
      continue;
    }
    points += num(x(line.x[i])) + "," + num(y(line.y[i])) + " ";
  }
  flush();
  if (line.markers || line.scatter) {
    for (std::size_t i = 0; i < line.x.size() && i < line.y.size(); ++i) {
      if (!usable(line.y[i], y.log)) continue;
      s += "<circle cx=\"" + num(x(line.x[i])) + "\" cy=\"" + num(y(line.y[i])) + "\" r=\"3.5\" fill=\"" + color +
           "\"/>\n";
    }
  }
  return s;
}

// A short number for the data a page's script reads (hover shows it).
std::string data_number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.5g", v);
  return buffer;
}

// One y scale of a line chart: its grid, reference lines, series and y label, in a group the course page's script
// reads: data-axes holds the mapping from data to pixels (x lo, x hi, left, right, y lo, y hi, bottom, top, log),
// each series' data-values its drawn points, so that hovering shows the nearest point's series and values. A chart
// on a log axis also carries a hidden linear one (`shown` false) that the page's button swaps in.
std::string scale(const Frame& f, const Axis& x, const Axis& y, const std::vector<Series>& series,
                  const std::vector<std::pair<std::string, std::string>>& entries,
                  const std::vector<ReferenceLine>& reference_lines, std::string y_label, bool shown) {
  const std::string marker = " (log scale)";
  if (!y.log && y_label.size() >= marker.size() && y_label.ends_with(marker)) {
    y_label.replace(y_label.size() - marker.size(), marker.size(), " (linear scale)");
  }
  std::string s = "<g class=\"scale\" data-scale=\"" + std::string(y.log ? "log" : "linear") + "\" data-axes=\"" +
                  data_number(x.lo) + " " + data_number(x.hi) + " " + num(x.pixel_lo) + " " + num(x.pixel_hi) + " " +
                  data_number(y.lo) + " " + data_number(y.hi) + " " + num(y.pixel_lo) + " " + num(y.pixel_hi) + " " +
                  (y.log ? "1" : "0") + "\"" + (shown ? "" : " display=\"none\"") + ">\n";
  s += y_grid(f, y);
  // Where the lines run, in pixels, every few pixels along each segment: what a reference line's label avoids.
  std::vector<std::pair<double, double>> drawn;
  for (const Series& line : series) {
    for (std::size_t i = 0; i < line.x.size() && i < line.y.size(); ++i) {
      if (!usable(line.y[i], y.log) || !std::isfinite(line.x[i])) continue;
      const double px = x(line.x[i]), py = y(line.y[i]);
      if (!drawn.empty() && i > 0 && usable(line.y[i - 1], y.log) && !line.scatter) {
        const auto [qx, qy] = drawn.back();
        const int pieces = static_cast<int>(std::hypot(px - qx, py - qy) / 4);
        for (int k = 1; k < pieces; ++k) drawn.emplace_back(qx + (px - qx) * k / pieces, qy + (py - qy) * k / pieces);
      }
      drawn.emplace_back(px, py);
    }
  }
  s += draw_reference_lines(f, y, reference_lines, true, drawn);
  s += "<g clip-path=\"url(#plot-area)\">\n";
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Series& line = series[k];
    std::string values;
    for (std::size_t i = 0; i < line.x.size() && i < line.y.size(); ++i) {
      if (usable(line.y[i], y.log) && std::isfinite(line.x[i])) values += data_number(line.x[i]) + "," + data_number(line.y[i]) + " ";
    }
    if (!values.empty()) values.pop_back();
    s += "<g class=\"series\" data-name=\"" + escape_xml(line.name) + "\" data-color=\"" + entries[k].second +
         "\" data-values=\"" + values + "\">\n" + draw_series(line, entries[k].second, x, y) + "</g>\n";
  }
  s += "</g>\n";
  s += "<text transform=\"translate(16," + num((f.top + f.bottom) / 2) + ") rotate(-90)\" text-anchor=\"middle\">" +
       escape_xml(y_label) + "</text>\n";
  return s + "</g>\n";
}

}  // namespace

std::string LineChart::svg(int width, int height) const {
  std::size_t longest = 0;
  for (const Series& s : series) longest = std::max(longest, s.name.size());
  const double legend_width = longest > 0 ? 60.0 + 6.5 * static_cast<double>(longest) : 24.0;
  const Frame f{width, height, 74, width - legend_width, 40, height - 52.0};

  // The data's range: on the log axis the positive values, on the linear one every finite value.
  const double inf = std::numeric_limits<double>::infinity();
  double xlo = inf, xhi = -inf, ylo = inf, yhi = -inf, linear_lo = inf, linear_hi = -inf;
  for (const Series& s : series) {
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i])) continue;
      xlo = std::min(xlo, s.x[i]);
      xhi = std::max(xhi, s.x[i]);
      if (std::isfinite(s.y[i])) linear_lo = std::min(linear_lo, s.y[i]), linear_hi = std::max(linear_hi, s.y[i]);
      if (!usable(s.y[i], log_y)) continue;
      ylo = std::min(ylo, s.y[i]);
      yhi = std::max(yhi, s.y[i]);
    }
  }
  for (const ReferenceLine& r : reference_lines) {
    if (usable(r.y, log_y)) ylo = std::min(ylo, r.y), yhi = std::max(yhi, r.y);
    if (std::isfinite(r.y)) linear_lo = std::min(linear_lo, r.y), linear_hi = std::max(linear_hi, r.y);
  }
  Axis x{0, 1, false, f.left, f.right}, y{0, 1, log_y, f.bottom, f.top};
  if (!(xlo <= xhi)) xlo = 0, xhi = 1;
  if (xlo == xhi) xlo -= 0.5, xhi += 0.5;
  x.lo = xlo, x.hi = xhi;
  fit(y, ylo, yhi, y_min, y_max);

  std::string s = header(f, title);
  s.insert(s.find("<svg ") + 4, " class=\"chart\" data-x-label=\"" + escape_xml(x_label) + "\" data-y-label=\"" +
                                   escape_xml(y_label) + "\"");
  if (x_labels.empty()) {
    for (double t : nice_ticks(x.lo, x.hi)) {
      s += "<line x1=\"" + num(x(t)) + "\" y1=\"" + num(f.bottom) + "\" x2=\"" + num(x(t)) + "\" y2=\"" + num(f.bottom + 5) +
           "\" stroke=\"#333\"/>\n<text x=\"" + num(x(t)) + "\" y=\"" + num(f.bottom + 18) + "\" text-anchor=\"middle\">" +
           tick_label(t) + "</text>\n";
    }
  } else {
    for (const auto& [at, label] : x_labels) {
      s += "<text x=\"" + num(x(at)) + "\" y=\"" + num(f.bottom + 18) + "\" text-anchor=\"middle\" font-family=\"monospace\">" +
           escape_xml(label) + "</text>\n";
    }
  }
  for (double m : x_marks) {
    s += "<line x1=\"" + num(x(m)) + "\" y1=\"" + num(f.top) + "\" x2=\"" + num(x(m)) + "\" y2=\"" + num(f.bottom) +
         "\" stroke=\"#bbb\" stroke-dasharray=\"2 3\"/>\n";
  }
  std::vector<std::pair<std::string, std::string>> entries;
  std::vector<Mark> marks;
  for (std::size_t k = 0; k < series.size(); ++k) {
    entries.emplace_back(series[k].name, color_of(series[k].color, k));
    marks.push_back(series[k].scatter ? Mark::dot : series[k].dashed ? Mark::dashed : Mark::line);
  }
  s += scale(f, x, y, series, entries, reference_lines, y_label, true);
  if (log_y) {
    // The same chart on a linear y axis, hidden: the course page's button shows it (what the log scale hides:
    // on a linear axis the whole decay is a flat line at zero after its first steps).
    Axis linear{0, 1, false, f.bottom, f.top};
    fit(linear, linear_lo, linear_hi, std::nullopt, y_max);
    s += scale(f, x, linear, series, entries, reference_lines, y_label, false);
  }
  s += "<rect x=\"" + num(f.left) + "\" y=\"" + num(f.top) + "\" width=\"" + num(f.right - f.left) + "\" height=\"" +
       num(f.bottom - f.top) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  s += axis_labels(f, x_label, "");
  s += legend(f, entries, marks);
  return s + "</svg>\n";
}

std::string LineChart::text(int width, int height) const {
  static const char marks[] = "*o+x#@%&";
  double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
  for (const Series& s : series) {
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!usable(s.y[i], log_y) || !std::isfinite(s.x[i])) continue;
      xlo = std::min(xlo, s.x[i]), xhi = std::max(xhi, s.x[i]);
      ylo = std::min(ylo, s.y[i]), yhi = std::max(yhi, s.y[i]);
    }
  }
  if (!(xlo <= xhi)) return "  (no data)\n";
  if (y_min) ylo = *y_min;
  if (y_max) yhi = *y_max;
  auto ty = [&](double v) { return log_y ? std::log10(v) : v; };
  const double a = ty(ylo), b = ty(yhi) > ty(ylo) ? ty(yhi) : ty(ylo) + 1;
  const double span_x = xhi > xlo ? xhi - xlo : 1;
  std::vector<std::string> grid(static_cast<std::size_t>(height), std::string(static_cast<std::size_t>(width), ' '));
  for (std::size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!usable(s.y[i], log_y) || !std::isfinite(s.x[i])) continue;
      const int col = static_cast<int>(std::lround((s.x[i] - xlo) / span_x * (width - 1)));
      const int row = static_cast<int>(std::lround((b - ty(std::clamp(s.y[i], ylo, yhi))) / (b - a) * (height - 1)));
      grid[static_cast<std::size_t>(std::clamp(row, 0, height - 1))][static_cast<std::size_t>(std::clamp(col, 0, width - 1))] =
          marks[k % 8];
    }
  }
  std::string out = "  " + title + (log_y ? "  (log scale)" : "") + "\n";
  const std::string top = tick_label(log_y ? std::pow(10, b) : b), bottom = tick_label(log_y ? std::pow(10, a) : a);
  const std::size_t pad = std::max(top.size(), bottom.size());
  for (int r = 0; r < height; ++r) {
    std::string label = r == 0 ? top : r == height - 1 ? bottom : "";
    out += "  " + std::string(pad - label.size(), ' ') + label + " |" + grid[static_cast<std::size_t>(r)] + "\n";
  }
  out += "  " + std::string(pad, ' ') + " +" + std::string(static_cast<std::size_t>(width), '-') + "\n";
  const std::string left = tick_label(xlo), right = tick_label(xhi);
  out += "  " + std::string(pad + 2, ' ') + left +
         std::string(static_cast<std::size_t>(std::max<int>(1, width - static_cast<int>(left.size() + right.size()))), ' ') +
         right + "   " + x_label + "\n";
  out += "  ";
  for (std::size_t k = 0; k < series.size(); ++k) {
    if (!series[k].name.empty()) out += std::string(" ") + marks[k % 8] + " " + series[k].name + "  ";
  }
  return out + "\n";
}

// ---- bar chart ----

std::string BarChart::svg(int width, int height) const {
  const bool named = series.size() > 1 || (!series.empty() && !series[0].name.empty());
  std::size_t longest = 0;
  for (const BarSeries& b : series) longest = std::max(longest, b.name.size());
  for (const ReferenceLine& r : reference_lines) longest = std::max(longest, r.label.size());
  const double legend_width = named || !reference_lines.empty() ? 60.0 + 6.5 * static_cast<double>(longest) : 24.0;
  const Frame f{width, height, 74, width - legend_width, 40, height - 52.0};
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const BarSeries& s : series) {
    for (double v : s.values) {
      if (usable(v, log_y)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
  }
  for (const ReferenceLine& r : reference_lines) {
    if (usable(r.y, log_y)) lo = std::min(lo, r.y), hi = std::max(hi, r.y);
  }
  Axis y{0, 1, log_y, f.bottom, f.top};
  fit(y, log_y ? lo : std::min(0.0, lo), hi, std::nullopt, y_max);
  if (!log_y && y.lo > 0) y.lo = 0;

  std::string s = header(f, title);
  // Inline on a lesson page (class "chart"), each bar's <title> shows its series and value on hover.
  s.insert(s.find("<svg ") + 4, " class=\"chart\"");
  s += y_grid(f, y);
  const double group = (f.right - f.left) / std::max<std::size_t>(1, categories.size());
  const double bar = group * 0.8 / std::max<std::size_t>(1, series.size());
  const double base = y(log_y ? y.lo : std::max(0.0, y.lo));
  std::vector<std::pair<std::string, std::string>> entries;
  for (std::size_t k = 0; k < series.size(); ++k) {
    const std::string color = color_of(series[k].color, k);
    entries.emplace_back(series[k].name, color);
    for (std::size_t c = 0; c < categories.size() && c < series[k].values.size(); ++c) {
      const double v = series[k].values[c];
      if (!usable(v, log_y)) continue;
      const double x0 = f.left + group * (c + 0.1) + bar * k;
      const double top = std::clamp(y(v), f.top, f.bottom);
      s += "<rect x=\"" + num(x0) + "\" y=\"" + num(std::min(top, base)) + "\" width=\"" + num(bar * 0.92) + "\" height=\"" +
           num(std::abs(base - top)) + "\" fill=\"" + color + "\"><title>" + escape_xml(series[k].name) + " " +
           tick_label(v) + "</title></rect>\n";
      s += "<text x=\"" + num(x0 + bar * 0.46) + "\" y=\"" + num(std::min(top, base) - 4) +
           "\" text-anchor=\"middle\" font-size=\"10\" " + halo + ">" + format_short(v) + "</text>\n";
    }
  }
  for (std::size_t c = 0; c < categories.size(); ++c) {
    s += "<text x=\"" + num(f.left + group * (c + 0.5)) + "\" y=\"" + num(f.bottom + 18) + "\" text-anchor=\"middle\">" +
         escape_xml(categories[c]) + "</text>\n";
  }
  // Over bars, reference lines are labelled in the legend (dashed), where no bar can hide the text.
  s += draw_reference_lines(f, y, reference_lines, false);
  s += "<rect x=\"" + num(f.left) + "\" y=\"" + num(f.top) + "\" width=\"" + num(f.right - f.left) + "\" height=\"" +
       num(f.bottom - f.top) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  s += axis_labels(f, "", y_label);
  std::vector<Mark> marks(entries.size(), Mark::line);
  for (const ReferenceLine& r : reference_lines) {
    entries.emplace_back(r.label, "#555");
    marks.push_back(Mark::dashed);
  }
  if (named || !reference_lines.empty()) s += legend(f, entries, marks);
  return s + "</svg>\n";
}

std::string BarChart::text(int width) const {
  double hi = 0;
  for (const BarSeries& s : series) {
    for (double v : s.values) {
      if (std::isfinite(v)) hi = std::max(hi, std::abs(v));
    }
  }
  std::size_t label_width = 0, name_width = 0;
  for (const std::string& c : categories) label_width = std::max(label_width, c.size());
  for (const BarSeries& s : series) name_width = std::max(name_width, s.name.size());
  std::string out = "  " + title + "\n";
  for (std::size_t c = 0; c < categories.size(); ++c) {
    for (std::size_t k = 0; k < series.size(); ++k) {
      const double v = c < series[k].values.size() ? series[k].values[c] : std::nan("");
      const int length = hi > 0 && std::isfinite(v) ? static_cast<int>(std::lround(std::abs(v) / hi * width)) : 0;
      std::string bar;
      for (int i = 0; i < length; ++i) bar += "\u2588";
      out += "  " + (k == 0 ? categories[c] : "") + std::string(label_width - (k == 0 ? categories[c].size() : 0), ' ') +
             "  " + series[k].name + std::string(name_width - series[k].name.size(), ' ') + " " + bar + " " +
             (std::isfinite(v) ? tick_label(v) : "-") + "\n";
    }
  }
  return out;
}

// ---- heat map ----

namespace {

// A heat map's color scale, right of the frame: a column of swatches with the low, middle and high values.
std::string color_scale(const Frame& f, double lo, double hi, bool log_scale, const std::string& value_label) {
  std::string s;
  const double bx = f.right + 22, bw = 18;
  const int steps = 48;
  for (int i = 0; i < steps; ++i) {
    const double t0 = static_cast<double>(i) / steps;
    s += "<rect x=\"" + num(bx) + "\" y=\"" + num(f.bottom - (i + 1) * (f.bottom - f.top) / steps) + "\" width=\"" + num(bw) +
         "\" height=\"" + num((f.bottom - f.top) / steps + 0.5) + "\" fill=\"" + ramp(t0 + 0.5 / steps) + "\"/>\n";
  }
  for (double t : {0.0, 0.5, 1.0}) {
    double v = lo + t * (hi - lo);
    if (std::abs(v) < 1e-9 * (hi - lo)) v = 0;  // a rounding residue, not a value
    char rounded[32];
    std::snprintf(rounded, sizeof rounded, "%.3g", v);
    v = std::strtod(rounded, nullptr);
    s += "<text x=\"" + num(bx + bw + 4) + "\" y=\"" + num(f.bottom - t * (f.bottom - f.top) + 4) + "\" font-size=\"11\">" +
         tick_label(log_scale ? std::pow(10.0, v) : v) + "</text>\n";
  }
  s += "<text transform=\"translate(" + num(f.width - 8.0) + "," + num((f.top + f.bottom) / 2) +
       ") rotate(-90)\" text-anchor=\"middle\" font-size=\"11\">" + escape_xml(value_label) + "</text>\n";
  return s;
}

}  // namespace

std::string HeatMap::svg(int width, int height) const {
  std::size_t longest = 0;
  for (const std::string& label : row_labels) longest = std::max(longest, label.size());
  const Frame f{width, height, std::max(74.0, 24.0 + 7.5 * static_cast<double>(longest)), width - 110.0, 40, height - 52.0};
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  auto value = [&](double v) { return log_scale ? std::log10(v) : v; };
  for (double v : values) {
    if (usable(v, log_scale)) lo = std::min(lo, value(v)), hi = std::max(hi, value(v));
  }
  if (!(lo <= hi)) lo = 0, hi = 1;
  if (lo == hi) hi = lo + 1;
  std::string s = header(f, title);
  const double cw = (f.right - f.left) / std::max<std::size_t>(1, cols);
  const double ch = (f.bottom - f.top) / std::max<std::size_t>(1, rows);
  // The cells as an image, one pixel a cell (top row first: row 0 is drawn at the bottom), scaled up without
  // smoothing: a few kilobytes where a <rect> a cell took 70 bytes each.
  std::vector<unsigned char> rgb;
  rgb.reserve(rows * cols * 3);
  for (std::size_t r = rows; r-- > 0;) {
    for (std::size_t c = 0; c < cols; ++c) {
      const double v = values[r * cols + c];
      const std::array<int, 3> color = usable(v, log_scale) ? ramp_rgb((value(v) - lo) / (hi - lo)) : std::array{221, 221, 221};
      for (int k : color) rgb.push_back(static_cast<unsigned char>(k));
    }
  }
  if (rows > 0 && cols > 0) {
    s += "<image x=\"" + num(f.left) + "\" y=\"" + num(f.top) + "\" width=\"" + num(f.right - f.left) + "\" height=\"" +
         num(f.bottom - f.top) + "\" preserveAspectRatio=\"none\" image-rendering=\"pixelated\" " +
         "style=\"image-rendering: pixelated\" href=\"data:image/png;base64," + png::base64(png::encode_rgb(cols, rows, rgb)) +
         "\"/>\n";
  }
  // Axes: values at cell centers, interpolated linearly between the edge cells.
  Axis x{x_first, x_last, false, f.left + cw / 2, f.right - cw / 2}, y{y_first, y_last, false, f.bottom - ch / 2, f.top + ch / 2};
  if (x_first == x_last) x.hi = x.lo + 1;
  if (y_first == y_last) y.hi = y.lo + 1;
  if (x_labels.empty()) {
    for (double t : nice_ticks(std::min(x_first, x_last), std::max(x_first, x_last), 6)) {
      s += "<text x=\"" + num(x(t)) + "\" y=\"" + num(f.bottom + 18) + "\" text-anchor=\"middle\">" + tick_label(t) + "</text>\n";
    }
  } else {
    for (const auto& [at, label] : x_labels) {
      s += "<text x=\"" + num(x(at)) + "\" y=\"" + num(f.bottom + 18) + "\" text-anchor=\"middle\">" + escape_xml(label) + "</text>\n";
    }
  }
  if (row_labels.empty()) {
    for (double t : nice_ticks(std::min(y_first, y_last), std::max(y_first, y_last), 6)) {
      s += "<text x=\"" + num(f.left - 6) + "\" y=\"" + num(y(t) + 4) + "\" text-anchor=\"end\">" + tick_label(t) + "</text>\n";
    }
  } else {
    for (std::size_t r = 0; r < row_labels.size() && r < rows; ++r) {
      s += "<text x=\"" + num(f.left - 6) + "\" y=\"" + num(f.bottom - (r + 0.5) * ch + 4) + "\" text-anchor=\"end\">" +
           escape_xml(row_labels[r]) + "</text>\n";
    }
  }
  s += "<g clip-path=\"url(#plot-area)\">\n";
  for (std::size_t k = 0; k < paths.size(); ++k) {
    const Series& p = paths[k];
    std::string points;
    for (std::size_t i = 0; i < p.x.size() && i < p.y.size(); ++i) {
      if (std::isfinite(p.x[i]) && std::isfinite(p.y[i])) points += num(x(p.x[i])) + "," + num(y(p.y[i])) + " ";
    }
    const std::string color = p.color.empty() ? "#ffffff" : p.color;
    s += "<polyline fill=\"none\" stroke=\"" + color + "\" stroke-width=\"1.8\"" + (p.dashed ? " stroke-dasharray=\"5 3\"" : "") +
         " points=\"" + points + "\"/>\n";
    if (p.markers && !p.x.empty()) {
      s += "<circle cx=\"" + num(x(p.x[0])) + "\" cy=\"" + num(y(p.y[0])) + "\" r=\"3.5\" fill=\"" + color + "\"/>\n";
    }
  }
  s += "</g>\n";
  s += "<rect x=\"" + num(f.left) + "\" y=\"" + num(f.top) + "\" width=\"" + num(f.right - f.left) + "\" height=\"" +
       num(f.bottom - f.top) + "\" fill=\"none\" stroke=\"#333\"/>\n";
  s += axis_labels(f, x_label, y_label);
  s += color_scale(f, lo, hi, log_scale, value_label);
  return s + "</svg>\n";
}

PenLine ellipse(double x, double y, double s1, double s2, double rho, const std::string& color, double width) {
  // (x, y) + L (cos a, sin a) with L = [[s1, 0], [s2 rho, s2 sqrt(1 - rho^2)]], L L^T the covariance.
  PenLine line{.color = color, .width = width};
  for (int k = 0; k <= 32; ++k) {
    const double a = 2 * std::numbers::pi * k / 32;
    line.points.emplace_back(x + s1 * std::cos(a), y + s2 * (rho * std::cos(a) + std::sqrt(1 - rho * rho) * std::sin(a)));
  }
  return line;
}

std::string Drawing::svg() const {
  const std::size_t rows = (panels.size() + columns - 1) / std::max<std::size_t>(columns, 1);
  const int size = panel_size, label_height = 16, top = 40;
  const int width = static_cast<int>(columns) * size + 20, height = top + static_cast<int>(rows) * (size + label_height) + 10;
  const Frame f{width, height, 10, width - 10.0, top, height - 10.0};
  std::string s = header(f, title);
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const Panel& p = panels[i];
    const double left = 10.0 + static_cast<double>(i % columns * size), upper = top + static_cast<double>(i / columns) * (size + label_height);
    // One scale for both axes, the panel's drawing centred in it with a margin of 8 pixels.
    double xlo = std::numeric_limits<double>::infinity(), xhi = -xlo, ylo = xlo, yhi = -xlo;
    for (const PenLine& line : p.lines) {
      for (const auto& [x, y] : line.points) {
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        xlo = std::min(xlo, x), xhi = std::max(xhi, x), ylo = std::min(ylo, y), yhi = std::max(yhi, y);
      }
    }
    if (xlo <= xhi) {
      const double span = std::max({xhi - xlo, yhi - ylo, 1e-9}), scale = (size - 16) / span;
      const double x0 = left + size / 2.0 - scale * (xlo + xhi) / 2, y0 = upper + size / 2.0 - scale * (ylo + yhi) / 2;
      for (const PenLine& line : p.lines) {
        s += "<polyline fill=\"none\" stroke=\"" + line.color + "\" stroke-width=\"" + num(line.width) +
             "\" stroke-linecap=\"round\" stroke-linejoin=\"round\" points=\"";
        for (const auto& [x, y] : line.points) {
          if (std::isfinite(x) && std::isfinite(y)) s += num(x0 + scale * x) + "," + num(y0 + scale * y) + " ";
        }
        s += "\"/>\n";
      }
    }
    s += "<text x=\"" + num(left + size / 2.0) + "\" y=\"" + num(upper + size + 12) +
         "\" text-anchor=\"middle\" font-size=\"11\">" + escape_xml(p.label) + "</text>\n";
  }
  return s + "</svg>\n";
}

}  // namespace rnnlab::lessons::plot
