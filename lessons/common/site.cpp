#include "lessons/common/site.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "lessons/common/plot.hpp"
#include "lessons/course_outline.hpp"  // generated: course_outline[]

namespace rnnlab::lessons::site {

namespace {

const char* stylesheet = R"(
body { font-family: "DejaVu Sans", Helvetica, Arial, "Noto Sans CJK KR", "NanumGothic", "Malgun Gothic",
       "Apple SD Gothic Neo", sans-serif; max-width: 980px; margin: 1.2em auto 3em; padding: 0 1em;
       color: #222; line-height: 1.5; }
a { color: #0a5c9c; } h1 { margin: 0.6em 0 0.2em; line-height: 1.25; }
h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2em; margin-top: 2.2em; } h2 a { text-decoration: none; }
p.history { font-style: italic; color: #444; } p.story { font-size: 1.08em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td.pass { color: #087a2f; font-weight: bold; } td.fail { color: #b00020; font-weight: bold; }
figure { margin: 1.5em 0; } figure img, figure svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 0.92em; } figcaption a { font-size: 0.85em; margin-left: 0.4em; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.88em; line-height: 1.35; }
code { background: #f2f2f2; padding: 0 0.25em; } pre code { background: none; padding: 0; }
details { margin: 1em 0; } summary { cursor: pointer; color: #0a5c9c; }
nav.lessons { display: flex; flex-wrap: wrap; gap: 0.4em 1.4em; align-items: baseline; font-size: 0.92em;
              border-bottom: 1px solid #ddd; padding-bottom: 0.5em; }
nav.lessons.bottom { border-bottom: none; border-top: 1px solid #ddd; padding-top: 0.5em; margin-top: 3em; }
nav.lessons .language { margin-left: auto; }
body.ko .en, body:not(.ko) .ko { display: none; }
.language button { font-size: 0.9em; margin-left: 0.3em; cursor: pointer; }
button.scale-switch { display: block; font-size: 0.85em; margin: 0.3em 0; cursor: pointer; }
div.tip { position: absolute; display: none; background: #fff; border: 1px solid #888; border-radius: 3px;
          padding: 0.3em 0.55em; font-size: 0.85em; pointer-events: none; box-shadow: 0 1px 4px rgba(0,0,0,0.2); }
pre.source { padding: 0.5em 0; } pre.source .line { display: block; padding-right: 0.8em; }
pre.source .line:target { background: #fff3b0; }
a.number { display: inline-block; width: 3.2em; margin-right: 1em; text-align: right; color: #999;
           text-decoration: none; user-select: none; }
span.comment { color: #5f6b77; } figure.code pre { margin-top: 0.3em; }
div.thumbs { display: flex; flex-wrap: wrap; gap: 0.5em; } div.thumbs img { width: 220px; border: 1px solid #ddd; }
)";

// The language switch (remembered across pages; ?lang=ko in the address picks Korean), and the charts: hovering a
// line chart marks the point nearest the pointer and shows its series and values (read from the chart's
// data-axes and each series' data-values, see plot.cpp); a chart drawn on a log axis gets a button that swaps in
// the linear one it carries. An image that did not load is reported on the console, where the site check reads it.
const char* script = R"(
<script>
function setLanguage(language) {
  document.body.classList.toggle('ko', language === 'ko');
  document.documentElement.lang = language;
  try { localStorage.setItem('rnnlab-language', language); } catch (e) {}
}
(function () {
  var asked = new URLSearchParams(location.search).get('lang'), stored = null;
  try { stored = localStorage.getItem('rnnlab-language'); } catch (e) {}
  var language = asked || stored;
  if (language === 'en' || language === 'ko') setLanguage(language);
})();
(function () {
  var tip = document.createElement('div');
  tip.className = 'tip';
  document.body.appendChild(tip);
  function points(series) {
    if (!series.points) {
      var values = series.getAttribute('data-values');
      series.points = values ? values.split(' ').map(function (pair) { return pair.split(',').map(Number); }) : [];
    }
    return series.points;
  }
  function line(label, value) {
    var div = document.createElement('div');
    div.textContent = (label ? label.replace(/ \((log|linear) scale\)$/, '') + ': ' : '') + value;
    return div;
  }
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    var scales = svg.querySelectorAll('g.scale');
    if (scales.length === 2) {
      var button = document.createElement('button');
      button.className = 'scale-switch';
      button.textContent = 'show on a linear y axis';
      button.addEventListener('click', function () {
        var toLinear = scales[1].getAttribute('display') === 'none';
        scales[0].setAttribute('display', toLinear ? 'none' : 'inline');
        scales[1].setAttribute('display', toLinear ? 'inline' : 'none');
        button.textContent = toLinear ? 'show on a log y axis' : 'show on a linear y axis';
      });
      svg.parentNode.insertBefore(button, svg.nextSibling);
    }
    var ring = document.createElementNS('http://www.w3.org/2000/svg', 'circle');
    ring.setAttribute('r', '6');
    ring.setAttribute('fill', 'none');
    ring.setAttribute('stroke-width', '2.5');
    ring.setAttribute('display', 'none');
    svg.appendChild(ring);
    function hide() { ring.setAttribute('display', 'none'); tip.style.display = 'none'; }
    svg.addEventListener('mouseleave', hide);
    svg.addEventListener('mousemove', function (event) {
      var scale = Array.prototype.find.call(scales, function (s) { return s.getAttribute('display') !== 'none'; });
      if (!scale) return;
      var a = scale.getAttribute('data-axes').split(' ').map(Number), log = a[8] === 1;
      function ty(v) { return log ? Math.log10(v) : v; }
      var pointer = svg.createSVGPoint();
      pointer.x = event.clientX;
      pointer.y = event.clientY;
      var p = pointer.matrixTransform(svg.getScreenCTM().inverse());
      var best = null, nearest = 24 * 24;
      scale.querySelectorAll('g.series').forEach(function (series) {
        points(series).forEach(function (xy) {
          var px = a[2] + (xy[0] - a[0]) / (a[1] - a[0]) * (a[3] - a[2]);
          var py = a[6] + (ty(xy[1]) - ty(a[4])) / (ty(a[5]) - ty(a[4])) * (a[7] - a[6]);
          var d = (px - p.x) * (px - p.x) + (py - p.y) * (py - p.y);
          if (d < nearest) { nearest = d; best = { series: series, xy: xy, px: px, py: py }; }
        });
      });
      if (!best) { hide(); return; }
      var color = best.series.getAttribute('data-color'), name = best.series.getAttribute('data-name');
      ring.setAttribute('cx', best.px);
      ring.setAttribute('cy', best.py);
      ring.setAttribute('stroke', color);
      ring.setAttribute('display', 'inline');
      tip.textContent = '';
      if (name) { var title = line('', name); title.style.color = color; title.style.fontWeight = 'bold'; tip.appendChild(title); }
      tip.appendChild(line(svg.getAttribute('data-x-label') || 'x', best.xy[0]));
      tip.appendChild(line(svg.getAttribute('data-y-label') || 'y', best.xy[1]));
      tip.style.left = (event.pageX + 14) + 'px';
      tip.style.top = (event.pageY + 14) + 'px';
      tip.style.display = 'block';
    });
  });
  window.addEventListener('load', function () {
    document.querySelectorAll('img').forEach(function (img) {
      if (!img.complete || img.naturalWidth === 0) console.error('broken image: ' + img.getAttribute('src'));
    });
  });
})();
</script>
)";

std::string lesson_link(const LessonEntry& lesson, const std::string& before, const std::string& after) {
  return "<a href=\"../" + std::string(lesson.slug) + "/index.html\">" + before + lesson_number(lesson.number) + " " +
         both_languages(lesson.title_en, lesson.title_ko) + after + "</a>";
}

}  // namespace

std::string lesson_number(int number) {
  char text[16];
  std::snprintf(text, sizeof text, "%02d", number);
  return text;
}

std::span<const LessonEntry> course() { return course_outline; }

std::string both_languages(std::string_view en, std::string_view ko) {
  return "<span class=\"en\">" + plot::escape_xml(std::string(en)) + "</span><span class=\"ko\" lang=\"ko\">" +
         plot::escape_xml(std::string(ko)) + "</span>";
}

std::string both_languages(const Narration& text) { return both_languages(text.en, text.ko); }

std::string page(const std::string& title, Language first, const std::string& body) {
  const bool korean = first == Language::ko;
  return "<!DOCTYPE html>\n<html lang=\"" + std::string(korean ? "ko" : "en") +
         "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, "
         "initial-scale=1\">\n"
         "<title>" +
         plot::escape_xml(title) + "</title>\n<style>" + stylesheet + "</style>\n</head>\n<body" +
         (korean ? " class=\"ko\"" : "") + " id=\"top\">\n" + body + script + "</body>\n</html>\n";
}

std::string lesson_navigation(int number, bool bottom) {
  const std::span<const LessonEntry> lessons = course();
  std::string bar = "<nav class=\"lessons" + std::string(bottom ? " bottom" : "") + "\">";
  for (std::size_t i = 0; i < lessons.size(); ++i) {
    if (lessons[i].number != number) continue;
    if (i > 0) bar += lesson_link(lessons[i - 1], "&larr; ", "");
    bar += "<a href=\"../index.html\">" + both_languages("the course", "과정 전체") + "</a>";
    if (i + 1 < lessons.size()) bar += lesson_link(lessons[i + 1], "", " &rarr;");
  }
  bar += bottom ? "<a href=\"#top\">&uarr; " + both_languages("top", "맨 위로") + "</a>"
                : "<span class=\"language\"><button onclick=\"setLanguage('en')\">English</button>"
                  "<button onclick=\"setLanguage('ko')\">한국어</button></span>";
  return bar + "</nav>\n";
}

std::string inline_svg(const std::string& svg, const std::string& scope) {
  std::string out = svg.substr(svg.compare(0, 5, "<?xml") == 0 ? svg.find("?>") + 2 : 0);
  for (const std::string& pattern : {std::string("id=\""), std::string("url(#")}) {
    for (std::size_t at = out.find(pattern); at != std::string::npos; at = out.find(pattern, at + 1)) {
      out.insert(at + pattern.size(), scope + "-");
    }
  }
  return out;
}

namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

std::string_view trimmed(std::string_view line) {
  const std::size_t first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return line.substr(first, line.find_last_not_of(" \t") - first + 1);
}

// A line of C++ for a page, escaped, its comment (from a "//" outside string quotes) greyed.
std::string highlighted(std::string_view line) {
  bool quoted = false;
  for (std::size_t i = 0; i + 1 < line.size(); ++i) {
    if (line[i] == '"' && (i == 0 || line[i - 1] != '\\')) quoted = !quoted;
    if (!quoted && line[i] == '/' && line[i + 1] == '/') {
      return plot::escape_xml(std::string(line.substr(0, i))) + "<span class=\"comment\">" +
             plot::escape_xml(std::string(line.substr(i))) + "</span>";
    }
  }
  return plot::escape_xml(std::string(line));
}

}  // namespace

std::optional<Region> find_region(std::string_view text, const std::string& name, std::string_view path) {
  const std::vector<std::string_view> lines = lines_of(text);
  const std::string open = "// >>> " + name, close = "// <<< " + name;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (trimmed(lines[i]) != open) continue;
    std::size_t end = i + 1;
    while (end < lines.size() && trimmed(lines[end]) != close) ++end;
    if (end == lines.size()) {
      throw std::logic_error(std::string(path) + ":" + std::to_string(i + 1) + ": the region \"" + name +
                             "\" never ends (// <<< " + name + ")");
    }
    std::size_t indent = std::string::npos;
    for (std::size_t k = i + 1; k < end; ++k) {
      if (!trimmed(lines[k]).empty()) indent = std::min(indent, lines[k].find_first_not_of(" \t"));
    }
    Region region{i + 2, end, ""};
    for (std::size_t k = i + 1; k < end; ++k) {
      region.code += std::string(lines[k].size() > indent ? lines[k].substr(indent) : std::string_view{}) + "\n";
    }
    return region;
  }
  return std::nullopt;
}

std::string source_page_name(std::string_view path) {
  std::string name(path);
  for (char& c : name) {
    if (c == '/') c = '-';
  }
  return "source/" + name + ".html";
}

std::string source_page(std::string_view path, std::string_view text, const std::string& back) {
  std::string body = "<nav class=\"lessons\">" + back +
                     "<span class=\"language\"><button onclick=\"setLanguage('en')\">English</button>"
                     "<button onclick=\"setLanguage('ko')\">한국어</button></span></nav>\n<h1><code>" +
                     plot::escape_xml(std::string(path)) + "</code></h1>\n<pre class=\"source\"><code>";
  const std::vector<std::string_view> lines = lines_of(text);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string number = std::to_string(i + 1);
    body += "<span class=\"line\" id=\"L" + number + "\"><a class=\"number\" href=\"#L" + number + "\">" + number +
            "</a>" + highlighted(lines[i]) + "</span>";
  }
  return page(std::string(path) + " — rnnlab", Language::en, body + "</code></pre>\n");
}

namespace {

// Escaped text with `spans` as <code>.
std::string inline_markdown(std::string_view text) {
  std::string out;
  bool code = false;
  std::size_t start = 0;
  for (std::size_t tick = text.find('`'); tick != std::string_view::npos; tick = text.find('`', start)) {
    out += plot::escape_xml(std::string(text.substr(start, tick - start))) + (code ? "</code>" : "<code>");
    code = !code;
    start = tick + 1;
  }
  out += plot::escape_xml(std::string(text.substr(start)));
  return code ? out + "</code>" : out;
}

bool is_ordered_item(std::string_view line) {
  std::size_t digits = 0;
  while (digits < line.size() && line[digits] >= '0' && line[digits] <= '9') ++digits;
  return digits > 0 && line.substr(digits).starts_with(". ");
}

}  // namespace

std::string markdown_html(std::string_view markdown) {
  std::string out, paragraph, code, list;  // list: "ul" or "ol" while one is open
  std::vector<std::string> items;
  auto close = [&] {
    if (!paragraph.empty()) out += "<p>" + inline_markdown(paragraph) + "</p>\n";
    if (!code.empty()) out += "<pre><code>" + plot::escape_xml(code) + "</code></pre>\n";
    if (!list.empty()) {
      out += "<" + list + ">";
      for (const std::string& item : items) out += "<li>" + inline_markdown(item) + "</li>";
      out += "</" + list + ">\n";
    }
    paragraph.clear(), code.clear(), list.clear(), items.clear();
  };
  for (std::string_view line : lines_of(markdown)) {
    const std::string_view text = trimmed(line);
    if (text.empty()) {
      close();
    } else if (line.starts_with("#")) {
      close();
      const std::size_t level = line.find_first_not_of('#');
      const std::string tag = level == 1 ? "h3" : "h4";
      out += "<" + tag + ">" + inline_markdown(trimmed(line.substr(level))) + "</" + tag + ">\n";
    } else if (line.starts_with("- ") || is_ordered_item(line)) {
      const std::string kind = line.starts_with("- ") ? "ul" : "ol";
      if (list != kind) close();
      list = kind;
      items.emplace_back(text.substr(text.find(' ') + 1));
    } else if (!list.empty() && line.starts_with(" ")) {
      items.back() += " " + std::string(text);
    } else if (line.starts_with("    ") && paragraph.empty()) {
      code += std::string(line.substr(4)) + "\n";
    } else {
      if (!list.empty() || !code.empty()) close();
      paragraph += (paragraph.empty() ? "" : " ") + std::string(text);
    }
  }
  close();
  return out;
}

std::string overview(const std::string& lesson_page) {
  const std::string open = "<!--overview-->", close = "<!--/overview-->";
  const std::size_t begin = lesson_page.find(open), end = lesson_page.find(close);
  if (begin == std::string::npos || end == std::string::npos || end < begin) return "";
  return lesson_page.substr(begin + open.size(), end - begin - open.size());
}

std::vector<std::string> plot_files(const std::string& lesson_page) {
  std::vector<std::string> files;
  const std::string marker = "<figure data-file=\"";
  for (std::size_t at = lesson_page.find(marker); at != std::string::npos; at = lesson_page.find(marker, at + 1)) {
    const std::size_t begin = at + marker.size();
    files.push_back(lesson_page.substr(begin, lesson_page.find('"', begin) - begin));
  }
  return files;
}

}  // namespace rnnlab::lessons::site
