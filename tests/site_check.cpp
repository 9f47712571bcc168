// site_check DIR [--browser PROGRAM]: checks the course pages under DIR as a learner would meet them.
//   1. Every page (every .html file, the source pages too): each href and src that is not a web address must name
//      a file that exists, and a #fragment an id on the page it points to.
//   2. With --browser (Debian's chromium): the index and every lesson page are loaded, in one headless browser,
//      into the frames of a page written for the check; there every image must have loaded, every chart on a log
//      axis must have got its switch to a linear axis (the pages' script ran), and the browser's console must stay
//      silent (a script error, or the pages' own report of a broken image, would print there).
// Prints what it checked; exits 1 listing every problem.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The values of every attribute `name`="..." in `html` (name preceded by a space, so data-src is not src).
std::vector<std::string> attributes(const std::string& html, const std::string& name) {
  std::vector<std::string> values;
  const std::string marker = " " + name + "=\"";
  for (std::size_t at = html.find(marker); at != std::string::npos; at = html.find(marker, at + 1)) {
    const std::size_t begin = at + marker.size(), end = html.find('"', begin);
    if (end == std::string::npos) break;
    values.push_back(html.substr(begin, end - begin));
  }
  return values;
}

std::string unescape(std::string text) {
  for (const auto& [entity, c] : {std::pair{"&amp;", "&"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}}) {
    for (std::size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1)) {
      text.replace(at, std::string(entity).size(), c);
    }
  }
  return text;
}

bool external(const std::string& link) {
  return link.starts_with("http://") || link.starts_with("https://") || link.starts_with("mailto:") ||
         link.starts_with("javascript:") || link.starts_with("data:");
}

// Problems with the links and images of one page.
void check_links(const fs::path& page, std::vector<std::string>& problems, std::size_t& checked) {
  const std::string html = read(page);
  std::vector<std::string> links = attributes(html, "href");
  for (const std::string& src : attributes(html, "src")) links.push_back(src);
  for (const std::string& raw : links) {
    const std::string link = unescape(raw);
    if (external(link)) continue;
    ++checked;
    const std::size_t hash = link.find('#');
    const std::string file = link.substr(0, hash), fragment = hash == std::string::npos ? "" : link.substr(hash + 1);
    const fs::path target = file.empty() ? page : page.parent_path() / file;
    if (!fs::exists(target)) {
      problems.push_back(page.string() + ": " + link + ": no such file");
      continue;
    }
    if (!fragment.empty() && fs::is_regular_file(target) &&
        read(target).find("id=\"" + fragment + "\"") == std::string::npos) {
      problems.push_back(page.string() + ": " + link + ": no id \"" + fragment + "\" there");
    }
  }
}

// The page the browser loads: every page in a frame; once all have loaded, it writes what it found into
// <pre id="verdict">, which --dump-dom prints.
std::string harness(const std::vector<std::string>& pages) {
  std::string frames;
  for (const std::string& page : pages) frames += "<iframe src=\"" + page + "\" width=\"1000\" height=\"600\"></iframe>\n";
  return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>site check</title></head><body>\n" + frames +
         "<pre id=\"verdict\">not loaded</pre>\n<script>\n"
         "window.addEventListener('load', function () {\n"
         "  var lines = [], frames = document.querySelectorAll('iframe');\n"
         "  frames.forEach(function (frame) {\n"
         "    var d = frame.contentDocument, name = frame.getAttribute('src');\n"
         "    if (!d || !d.body) { lines.push(name + ': did not load'); return; }\n"
         "    d.querySelectorAll('img').forEach(function (img) {\n"
         "      if (!img.complete || img.naturalWidth === 0) lines.push(name + ': broken image ' + img.getAttribute('src'));\n"
         "    });\n"
         "    var logCharts = 0;\n"
         "    d.querySelectorAll('svg.chart').forEach(function (svg) { if (svg.querySelectorAll('g.scale').length === 2) ++logCharts; });\n"
         "    var switches = d.querySelectorAll('button.scale-switch').length;\n"
         "    if (switches !== logCharts) lines.push(name + ': ' + logCharts + ' log charts but ' + switches + ' switches');\n"
         "  });\n"
         "  document.getElementById('verdict').textContent = 'pages loaded: ' + frames.length + '\\n' + lines.join('\\n');\n"
         "});\n</script>\n</body></html>\n";
}

void check_in_browser(const fs::path& dir, const std::vector<std::string>& pages, const std::string& browser,
                      std::vector<std::string>& problems) {
  const fs::path page = dir / "site-check.html", dom = dir / "site-check.dom", log = dir / "site-check.log";
  std::ofstream(page) << harness(pages);
  const std::string command = "\"" + browser + "\" --headless --no-sandbox --disable-gpu --allow-file-access-from-files " +
                              "--enable-logging=stderr --v=0 --virtual-time-budget=20000 --dump-dom \"file://" +
                              fs::absolute(page).string() + "\" >\"" + dom.string() + "\" 2>\"" + log.string() + "\"";
  if (std::system(command.c_str()) != 0) problems.push_back(browser + " failed: see " + log.string());
  const std::string output = read(dom), messages = read(log);
  const std::string expected = "pages loaded: " + std::to_string(pages.size());
  const std::size_t verdict = output.find("<pre id=\"verdict\">");
  if (verdict == std::string::npos || output.find(expected, verdict) == std::string::npos) {
    problems.push_back("the browser did not load every page (expected \"" + expected + "\")");
  } else {
    std::istringstream lines(unescape(output.substr(verdict + 18, output.find("</pre>", verdict) - verdict - 18)));
    std::string line;
    std::getline(lines, line);  // pages loaded: N
    while (std::getline(lines, line)) {
      if (!line.empty()) problems.push_back(line);
    }
  }
  std::istringstream log_lines(messages);
  for (std::string line; std::getline(log_lines, line);) {
    if (line.find(":CONSOLE") != std::string::npos) problems.push_back("console: " + line.substr(line.find(":CONSOLE")));
  }
  std::printf("  %s loaded the index and %zu lesson pages\n", browser.c_str(), pages.size() - 1);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 && !(argc == 4 && std::string(argv[2]) == "--browser")) {
    std::fprintf(stderr, "usage: site_check DIR [--browser PROGRAM]\n");
    return 2;
  }
  const fs::path dir = argv[1];
  if (!fs::exists(dir / "index.html")) {
    std::fprintf(stderr, "site_check: %s has no index.html\n", dir.c_str());
    return 1;
  }
  std::vector<std::string> problems;
  std::size_t pages = 0, links = 0;
  std::vector<std::string> browser_pages = {"index.html"};
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".html" || entry.path().filename() == "site-check.html") continue;
    ++pages;
    check_links(entry.path(), problems, links);
    const fs::path relative = fs::relative(entry.path(), dir);
    if (relative.filename() == "index.html" && relative.has_parent_path() && relative.parent_path().parent_path().empty()) {
      browser_pages.push_back(relative.string());
    }
  }
  std::printf("  %zu pages, %zu links and images to files in the site\n", pages, links);
  if (argc == 4) check_in_browser(dir, browser_pages, argv[3], problems);
  for (const std::string& problem : problems) std::printf("  PROBLEM %s\n", problem.c_str());
  std::printf("  %s\n", problems.empty() ? "every link and image resolves" : "the site has problems");
  return problems.empty() ? 0 : 1;
}
