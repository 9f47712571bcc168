#include "lessons/common/site.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
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
section.run { border: 1px solid #b8cde0; background: #f7fafd; padding: 0.2em 1em 0.8em; margin: 1.2em 0; }
section.run h2 { margin-top: 0.6em; font-size: 1.2em; } section.run form { display: flex; flex-wrap: wrap;
  gap: 0.5em 1.2em; align-items: baseline; } section.run input { width: 7em; }
section.run .status { color: #555; font-size: 0.92em; }
pre.terminal { background: #1f2329; color: #e4e4e4; max-height: 22em; overflow-y: auto; font-size: 0.82em; }
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
// Gives every chart under `root` its hover and scale switch: on loading, and for the charts a run in the page draws.
function enhanceCharts(root) {
  var tip = document.querySelector('div.tip');
  if (!tip) {
    tip = document.createElement('div');
    tip.className = 'tip';
    document.body.appendChild(tip);
  }
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
}
enhanceCharts(document);
(function () {
  window.addEventListener('load', function () {
    document.querySelectorAll('img').forEach(function (img) {
      if (!img.complete || img.naturalWidth === 0) console.error('broken image: ' + img.getAttribute('src'));
    });
  });
})();
(function () {
  var panel = document.getElementById('run');
  if (!panel) return;
  var form = panel.querySelector('form'), terminal = panel.querySelector('pre.terminal');
  var status = panel.querySelector('.status'), worker = null, addresses = [], lines = [], current = '', threads = 1;
  function say(text) { status.textContent = text; }
  // What the lesson wrote, as a terminal shows it: "\n" ends a line, "\r" goes back to its start (a progress bar
  // redraws its line so, and clears the rest with "\x1b[K").
  function print(text) {
    text.replace(/\x1b\[K/g, '').split(/(\r|\n)/).forEach(function (piece) {
      if (piece === '\n') { lines.push(current); current = ''; }
      else if (piece === '\r') current = '';
      else current += piece;
    });
    terminal.textContent = lines.join('\n') + '\n' + current;
    terminal.scrollTop = terminal.scrollHeight;
  }
  // The new run's page in place of this one's, its plots' files as in-memory addresses; the panel stays.
  function showResults(files) {
    addresses.forEach(URL.revokeObjectURL);
    addresses = [];
    var urls = {};
    Object.keys(files).forEach(function (name) {
      var type = /\.svg$/.test(name) ? 'image/svg+xml' : /\.png$/.test(name) ? 'image/png' : /\.json$/.test(name) ?
          'application/json' : 'text/plain';
      urls[name] = URL.createObjectURL(new Blob([files[name]], { type: type }));
      addresses.push(urls[name]);
    });
    var fresh = new DOMParser().parseFromString(new TextDecoder().decode(files['index.html']), 'text/html');
    fresh.querySelectorAll('script').forEach(function (script) { script.remove(); });
    fresh.querySelectorAll('img[src]').forEach(function (img) {
      var url = urls[img.getAttribute('src')];
      if (url) img.setAttribute('src', url);
    });
    var content = document.createDocumentFragment(), tip = document.querySelector('div.tip');
    Array.prototype.slice.call(fresh.body.childNodes).forEach(function (node) {
      content.appendChild(document.importNode(node, true));
    });
    var place = content.getElementById('run');
    if (place) {
      // This run's values of the settings, in grey in the fields left empty.
      place.querySelectorAll('input[name=set]').forEach(function (field) {
        var live = form.querySelector('input[data-name="' + field.getAttribute('data-name') + '"]');
        if (live) live.setAttribute('placeholder', field.getAttribute('placeholder'));
      });
      place.replaceWith(panel);
    } else {
      content.appendChild(panel);
    }
    document.body.textContent = '';
    document.body.appendChild(content);
    if (tip) document.body.appendChild(tip);
    enhanceCharts(document.body);
    terminal.scrollTop = terminal.scrollHeight;
    return urls['summary.json'];
  }
  // The worker: started as the page opens, so the lesson's module compiles and warms up while the learner reads
  // (data-ready tells when it has); a run started while another runs stops that one (the worker is replaced).
  function start() {
    worker = new Worker(panel.getAttribute('data-worker'));
    worker.onmessage = receive;
    worker.onerror = function (event) {
      running = false;
      panel.setAttribute('data-state', 'failed');
      say('the worker failed: ' + event.message);
      console.error('the worker failed: ' + event.message);
    };
    var threaded = panel.getAttribute('data-threaded');
    worker.postMessage({ program: new URL(panel.getAttribute('data-program'), location.href).href,
                         threaded: threaded ? new URL(threaded, location.href).href : null });
  }
  var running = false, runningArgs = '';
  function run() {
    var args = ['--out', '/run', '--seed', String(form.seed.value).trim(), '--lang',
                document.body.classList.contains('ko') ? 'ko' : 'en'];
    if (form.configuration.value === 'quick') args.push('--quick');
    form.querySelectorAll('input[name=set]').forEach(function (field) {
      if (field.value.trim() !== '') args.push('--set', field.getAttribute('data-name') + '=' + field.value.trim());
    });
    // Enter in a field both changes it and submits the form: one run for the two.
    if (running && args.join('\n') === runningArgs) return;
    if (running) { worker.terminate(); start(); }
    running = true;
    runningArgs = args.join('\n');
    lines = [];
    current = '';
    terminal.hidden = false;
    terminal.textContent = '';
    panel.setAttribute('data-state', 'running');
    say('running ' + panel.getAttribute('data-program') + ' ' + args.slice(2).join(' ') + ' ...');
    worker.postMessage({ args: args });
  }
  function receive(event) {
    var message = event.data;
    if (message.type === 'ready') {
      panel.setAttribute('data-ready', '');
    } else if (message.type === 'threads') {
      threads = message.count;
      panel.setAttribute('data-threads', String(threads));
    } else if (message.type === 'out' || message.type === 'err') {
      print(message.text);
    } else if (message.type === 'done') {
      running = false;
      var summary = message.files['summary.json'], seconds = message.seconds.toFixed(2);
      window.rnnlabRun = { code: message.code, seconds: message.seconds,
                           summary: summary ? JSON.parse(new TextDecoder().decode(summary)) : null };
      if (!message.files['index.html']) {
        panel.setAttribute('data-state', 'failed');
        say('the lesson stopped with exit code ' + message.code + ' (its message is above)');
        return;
      }
      var summaryUrl = showResults(message.files);
      panel.setAttribute('data-state', 'done');
      say('ran in ' + seconds + ' s on ' + (threads === 1 ? 'one thread' : threads + ' threads') +
          ' of this computer; ' +
          (message.code === 0 ? 'every claim holds' : 'some claims FAIL') + '. The page below is this run\'s. ');
      var link = document.createElement('a');
      link.href = summaryUrl;
      link.download = 'summary.json';
      link.textContent = 'summary.json';
      status.appendChild(link);
    } else if (message.type === 'failed') {
      // A run that failed leaves a fresh worker for the next; a module that would not load is not tried again
      // until Run is pressed.
      if (running) {
        worker.terminate();
        start();
      }
      running = false;
      panel.setAttribute('data-state', 'failed');
      say(message.text);
      console.error(message.text);
    }
  }
  function begin() {
    start();
    form.addEventListener('submit', function (event) { event.preventDefault(); run(); });
    form.addEventListener('change', run);
    var asked = new URLSearchParams(location.search);
    if (asked.has('run')) {
      form.configuration.value = asked.get('run') === 'full' ? 'full' : 'quick';
      if (asked.has('seed')) form.seed.value = asked.get('seed');
      asked.getAll('set').forEach(function (assignment) {  // ?set=gap.steps=2000
        var equals = assignment.indexOf('='), field = form.querySelector('input[data-name="' +
            assignment.slice(0, equals) + '"]');
        if (field) field.value = assignment.slice(equals + 1);
      });
      run();
    }
  }
  // Threads need a page that is cross-origin isolated (it may then share memory with workers). A host that does not
  // send the two headers that make it so gets them from isolate.js, a service worker that adds them to every file
  // of the site: the page registers it and, once it is active, loads again through it, once a session. Where
  // service workers are not allowed (a plain http:// address other than localhost) the lesson runs on one thread.
  var isolate = panel.getAttribute('data-isolate');
  if (!window.crossOriginIsolated && window.isSecureContext && navigator.serviceWorker && isolate &&
      !sessionStorage.getItem('rnnlab-isolating')) {
    sessionStorage.setItem('rnnlab-isolating', 'tried');
    var waiting = setTimeout(begin, 5000);
    navigator.serviceWorker.register(isolate).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      clearTimeout(waiting);
      location.reload();
    }, function (error) {
      clearTimeout(waiting);
      console.warn('no threads: the service worker ' + isolate + ' did not start (' + error + ')');
      begin();
    });
  } else {
    begin();
  }
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
         "initial-scale=1\">\n<link rel=\"icon\" href=\"data:,\">\n"
         "<title>" +
         plot::escape_xml(title) + "</title>\n<style>" + stylesheet + "</style>\n</head>\n<body" +
         (korean ? " class=\"ko\"" : "") + " id=\"top\">\n" + body + script + "</body>\n</html>\n";
}

std::string run_panel(const std::string& slug, const Options& options,
                      const std::vector<std::pair<std::string, std::string>>& settings) {
  const std::string seed = std::to_string(options.seed);
  // A setting's field starts empty, its value in this page's run shown in grey: only what the learner types in is
  // passed (--set), so the quick and full configurations keep their own values of the rest.
  std::string fields;
  for (const auto& [name, value] : settings) {
    fields += "<label><code>" + plot::escape_xml(name) + "</code> <input name=\"set\" data-name=\"" +
              plot::escape_xml(name) + "\" placeholder=\"" + plot::escape_xml(value) + "\"></label>\n";
  }
  auto option = [&](const char* value, bool selected, const char* en, const char* ko) {
    return "<option value=\"" + std::string(value) + "\"" + (selected ? " selected" : "") + ">" + en + " / " + ko +
           "</option>";
  };
  // The lessons with a threaded build beside their single-threaded one (lessons/web/web.cmake) run on several threads
  // where the page may share memory with workers.
  std::string threaded;
#ifdef RNNLAB_WEB_THREADED_LESSONS
  std::istringstream threaded_lessons(RNNLAB_WEB_THREADED_LESSONS);
  for (std::string name; threaded_lessons >> name;) {
    if (name == slug) {
      threaded = " data-threaded=\"" + plot::escape_xml(slug) + ".threads.js\" data-isolate=\"../isolate.js\"";
    }
  }
#endif
  const std::string threads_en = threaded.empty() ? "on one thread"
                                                  : "on up to four threads where the page may share memory with "
                                                    "workers, on one elsewhere";
  const std::string threads_ko = threaded.empty() ? "스레드 하나로"
                                                  : "페이지가 워커와 메모리를 공유할 수 있으면 스레드 네 개까지, "
                                                    "그렇지 않으면 스레드 하나로";
  return "<section id=\"run\" class=\"run\" data-program=\"" + plot::escape_xml(slug) + ".js\"" + threaded +
         " data-worker=\"../worker.js\">\n<h2>" + both_languages("Run it in this page", "이 페이지에서 실행하기") +
         "</h2>\n<p>" +
         both_languages("The lesson's own C++, compiled to WebAssembly, runs here in your browser " + threads_en +
                            "; a changed field runs it again. Its printout appears below as it runs, and then its "
                            "results replace the ones on this page. The quick configuration takes seconds, the full "
                            "one up to a few minutes. The named fields are the numbers the lesson's \"Try next\" "
                            "list changes (the grey value is this page's); the native program takes them as --set "
                            "NAME=VALUE.",
                        "레슨의 C++ 코드를 WebAssembly로 컴파일한 것이 이 브라우저에서 " + threads_ko +
                            " 실행된다. 값을 바꾸면 다시 실행된다. 실행 중의 출력이 아래에 나타나고, 끝나면 그 결과가 "
                            "이 페이지의 결과를 대신한다. 빠른 설정은 몇 초, 전체 설정은 몇 분까지 걸린다. 이름이 붙은 "
                            "칸은 레슨의 \"Try next\" 목록이 바꾸는 수다(회색 값은 이 페이지의 값). 네이티브 "
                            "프로그램에서는 --set 이름=값으로 준다.") +
         "</p>\n<form>\n<label>" + both_languages("seed", "시드") +
         " <input name=\"seed\" type=\"number\" min=\"0\" step=\"1\" value=\"" + seed + "\"></label>\n<label>" +
         both_languages("configuration", "설정") + " <select name=\"configuration\">" +
         option("quick", options.quick, "quick", "빠른 설정") + option("full", !options.quick, "full", "전체 설정") +
         "</select></label>\n" + fields + "<button type=\"submit\">" + both_languages("Run", "실행") +
         "</button>\n</form>\n<p class=\"status\"></p>\n<pre class=\"terminal\" hidden></pre>\n</section>\n";
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
