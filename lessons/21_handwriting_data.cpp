// Lesson 21's data: the lower-case letters of Debian's Hershey fonts, written in many random hands; a learner's own
// letters (--data); what a recognizer reads in letters; letters as drawings.
#include "lessons/21_handwriting.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>

#include "lessons/common/input.hpp"
#include "lessons/common/plot.hpp"
#include "tensor/ops.hpp"

namespace rnnlab::lessons::lesson21 {

Handwriting handwriting(const DataConfig& c) {
  Handwriting h;
  h.fonts = c.train_fonts;
  h.fonts.insert(h.fonts.end(), c.other_fonts.begin(), c.other_fonts.end());
  Rng rng(2013);  // the hands are the same for every seed of the lesson
  for (std::size_t f = 0; f < h.fonts.size(); ++f) {
    const std::string path = hershey::font_path(h.fonts[f]);
    if (!std::filesystem::exists(path)) {
      throw InputError(path +
                       ": not installed; this lesson writes with the Hershey fonts (apt-get install "
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
    chunks.emplace_back(order.begin() + static_cast<long>(i),
                        order.begin() + static_cast<long>(std::min(i + size, order.size())));
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

namespace {

double size_of(const std::vector<hershey::Stroke>& strokes) {
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const hershey::Stroke& s : strokes) {
    for (const auto& [x, y] : s) x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
  }
  return std::max(x1 - x0, y1 - y0);
}

double median(std::vector<double> v) {
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// A whole number (a sample's or a stroke's) or a coordinate, refused with the line's number.
long long whole_field(std::string_view field, const std::string& name, std::size_t line, const char* what) {
  long long value = 0;
  const auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (error != std::errc() || end != field.data() + field.size()) {
    refuse_line(name, line, std::string("the ") + what + " " + quoted(field) + " is not a whole number");
  }
  return value;
}

std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const std::size_t comma = line.find(',', start);
    std::string_view field =
        line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!field.empty() && (field.front() == ' ' || field.front() == '\t')) field.remove_prefix(1);
    while (!field.empty() && (field.back() == ' ' || field.back() == '\t')) field.remove_suffix(1);
    fields.push_back(field);
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

}  // namespace

std::vector<Sample> parse_letters(std::string_view text, const std::string& name, const LetterScale& scale) {
  std::vector<Sample> letters;
  std::vector<long long> numbers;                        // each letter's sample number
  std::vector<std::size_t> first_lines;                  // and the line it starts on, for the messages
  std::map<long long, bool> samples_seen, strokes_seen;  // strokes: of the current letter
  long long stroke = 0;
  const std::vector<std::string_view> lines = text_lines(text, name, 200);
  for (std::size_t number = 1; number <= lines.size(); ++number) {
    const std::string_view line = lines[number - 1];
    const std::vector<std::string_view> words = split_words(line);
    if (words.empty() || words.front().front() == '#') continue;
    const std::vector<std::string_view> fields = split_commas(line);
    if (letters.empty() && fields.size() == 5 && fields[0] == "sample") continue;  // the header
    if (fields.size() != 5) {
      refuse_line(name, number,
                  "expected 5 fields \"sample,letter,stroke,x,y\", got " + std::to_string(fields.size()) + " in " +
                      quoted(line));
    }
    const long long sample = whole_field(fields[0], name, number, "sample");
    if (fields[1].size() != 1 || fields[1][0] < 'a' || fields[1][0] > 'z') {
      refuse_line(name, number, "the letter " + quoted(fields[1]) + " is not one of a to z");
    }
    const std::size_t letter = static_cast<std::size_t>(fields[1][0] - 'a');
    const long long this_stroke = whole_field(fields[2], name, number, "stroke");
    const hershey::Point point{number_field(fields[3], name, number, 1e6, "1e6"),
                               number_field(fields[4], name, number, 1e6, "1e6")};
    if (letters.empty() || sample != numbers.back()) {
      if (samples_seen[sample]) {
        refuse_line(
            name, number,
            "sample " + std::to_string(sample) + " comes back after other samples; keep a sample's rows together");
      }
      if (letters.size() == max_letters) {
        throw InputError(name + ": has more than " + std::to_string(max_letters) +
                         " letters; the lesson reads at most that many");
      }
      samples_seen[sample] = true;
      letters.push_back({{}, letter, 0});
      numbers.push_back(sample);
      first_lines.push_back(number);
      strokes_seen.clear();
    } else if (letter != letters.back().letter) {
      refuse_line(name, number,
                  "sample " + std::to_string(sample) + " was the letter '" +
                      std::string(1, static_cast<char>('a' + letters.back().letter)) + "' until here");
    }
    if (letters.back().strokes.empty() || this_stroke != stroke) {
      if (strokes_seen[this_stroke]) {
        refuse_line(name, number,
                    "stroke " + std::to_string(this_stroke) + " of sample " + std::to_string(sample) +
                        " comes back after another stroke; keep a stroke's rows together");
      }
      if (letters.back().strokes.size() == max_letter_points) {
        refuse_line(
            name, number,
            "sample " + std::to_string(sample) + " has more than " + std::to_string(max_letter_points) + " strokes");
      }
      strokes_seen[this_stroke] = true;
      stroke = this_stroke;
      letters.back().strokes.emplace_back();
    }
    if (letters.back().strokes.back().size() == max_stroke_rows) {
      refuse_line(name, number,
                  "stroke " + std::to_string(stroke) + " of sample " + std::to_string(sample) + " has more than " +
                      std::to_string(max_stroke_rows) + " points");
    }
    letters.back().strokes.back().push_back(point);
  }
  if (letters.empty()) throw InputError(name + ": has no letters (one pen point a line: sample,letter,stroke,x,y)");
  std::vector<double> sizes;
  for (std::size_t k = 0; k < letters.size(); ++k) {
    sizes.push_back(size_of(letters[k].strokes));
    if (!(sizes.back() > 0)) {
      refuse_line(name, first_lines[k],
                  "sample " + std::to_string(numbers[k]) + " has no size: all its points are at one place");
    }
  }
  // One scale for the file, then a point every `spacing` along each stroke, as the hands write.
  const double factor = scale.size / median(sizes);
  for (std::size_t k = 0; k < letters.size(); ++k) {
    double path = 0;
    for (hershey::Stroke& s : letters[k].strokes) {
      for (std::size_t i = 0; i < s.size(); ++i) {
        s[i] = {s[i].first * factor, s[i].second * factor};
        if (i > 0) path += std::hypot(s[i].first - s[i - 1].first, s[i].second - s[i - 1].second);
      }
    }
    if (path / scale.spacing + static_cast<double>(letters[k].strokes.size()) > max_letter_points) {
      refuse_line(name, first_lines[k],
                  "sample " + std::to_string(numbers[k]) + " would be more than " + std::to_string(max_letter_points) +
                      " points long at the file's scale: is it far larger than the other letters?");
    }
    for (hershey::Stroke& s : letters[k].strokes) s = hershey::resample(s, scale.spacing);
  }
  return letters;
}

std::vector<Sample> read_letters(const std::string& path, const LetterScale& scale) {
  return parse_letters(read_input_file(path), path, scale);
}

LetterScale letter_scale(const Handwriting& data, const DataConfig& c) {
  std::vector<double> sizes;
  for (const Sample& s : data.train) sizes.push_back(size_of(s.strokes));
  return {.size = median(sizes), .spacing = c.hand.spacing};
}

plot::Panel panel_of(const hershey::PenOffsets& o, const std::string& label, const std::string& color) {
  plot::Panel p{.label = label};
  for (hershey::Stroke& stroke : strokes_of(o.dx, o.dy, o.lift)) {
    p.lines.push_back({.points = std::move(stroke), .color = color});
  }
  return p;
}

plot::Drawing letters_drawing(const std::string& title, const std::vector<hershey::PenOffsets>& written,
                              const std::vector<std::size_t>& asked, const std::vector<std::size_t>& read) {
  plot::Drawing d{.title = title, .columns = 13, .panel_size = 60};
  for (std::size_t i = 0; i < written.size(); ++i) {
    const std::string letter(1, static_cast<char>('a' + asked[i]));
    if (read.empty()) {
      d.panels.push_back(panel_of(written[i], letter, "#000000"));
      continue;
    }
    d.panels.push_back(panel_of(written[i], letter + " -> " + std::string(1, static_cast<char>('a' + read[i])),
                                asked[i] == read[i] ? plot::palette()[2] : plot::palette()[1]));
  }
  return d;
}

std::vector<std::size_t> letters_read(const Var& logits) {
  const Tensor read = argmax(logits.value(), 1);
  return {read.data(), read.data() + read.size()};
}

double share_right(const std::vector<std::size_t>& read, const std::vector<std::size_t>& asked) {
  double right = 0;
  for (std::size_t i = 0; i < read.size(); ++i) right += read[i] == asked[i];
  return right / static_cast<double>(read.size());
}

double accuracy(const Var& logits, const std::vector<const Sample*>& samples) {
  std::vector<std::size_t> asked;
  for (const Sample* s : samples) asked.push_back(s->letter);
  return share_right(letters_read(logits), asked);
}

void show_hands(Report& report, const Result& r, const Config& c) {
  std::vector<hershey::PenOffsets> hands;
  std::vector<std::size_t> alphabet;
  for (std::size_t letter = 0; letter < letters; ++letter) {
    const std::size_t font = letter % c.data.train_fonts.size();
    hands.push_back(offsets_of(r.data.new_hands[(font * letters + letter) * c.data.test_hands]));
    alphabet.push_back(letter);
  }
  report.plot("hands.svg",
              letters_drawing("Letters in new hands (the test set): one font each", hands, alphabet, {}).svg());
}

void show_yours(Report& report, const Result& r) {
  std::vector<std::size_t> asked;
  for (const Sample& s : r.yours) asked.push_back(s.letter);
  const std::vector<hershey::PenOffsets> yours = trajectories(pointers(r.yours));
  report.plot("yours.svg",
              letters_drawing("Your letters; under each, what the GRU reads", yours, asked, r.yours_read).svg(),
              {{"count", r.yours.size()}, {"gru", plot::percent(r.yours_gru)}, {"bag", plot::percent(r.yours_bag)}});
}

}  // namespace rnnlab::lessons::lesson21
