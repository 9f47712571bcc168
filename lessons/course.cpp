// run_course: runs every lesson in order and writes index.html, the whole course on one page (it opens
// straight from disk in a browser). Usage: run_course [--quick] [--out DIR] [--lang en|ko]
// The page carries every narration in English and Korean; a switch at the top shows one (--lang picks the first).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lessons/common/plot.hpp"
#include "lessons/course_lessons.hpp"  // generated: the lesson programs, in order

namespace {

struct Outcome {
  std::string slug;
  int exit_code;
  double seconds;
};

std::string read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const char* style = R"(
body { font-family: "DejaVu Sans", Helvetica, Arial, "Noto Sans CJK KR", "NanumGothic", "Malgun Gothic",
       "Apple SD Gothic Neo", sans-serif; max-width: 980px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.5; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #0072B2; padding-bottom: 0.2em; margin-top: 2.5em; }
p.history { font-style: italic; color: #444; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
td.pass { color: #087a2f; font-weight: bold; } td.fail { color: #b00020; font-weight: bold; }
figure { margin: 1.5em 0; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 0.92em; } pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; }
body.ko .en, body:not(.ko) .ko { display: none; }
.language { float: right; } .language button { font-size: 0.9em; margin-left: 0.3em; cursor: pointer; }
)";

// The language switch: remembers the choice, and ?lang=ko in the address picks Korean.
const char* language_script = R"(
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
</script>
)";

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  std::string out = RNNLAB_COURSE_DIR;
  std::string language = "en";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      quick = true;
    } else if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else if (arg == "--lang" && i + 1 < argc && (std::string(argv[i + 1]) == "en" || std::string(argv[i + 1]) == "ko")) {
      language = argv[++i];
    } else {
      std::fprintf(stderr, "usage: run_course [--quick] [--out DIR] [--lang en|ko]\n");
      return 2;
    }
  }
  std::filesystem::create_directories(out);

  std::vector<Outcome> outcomes;
  for (const auto& [slug, program] : rnnlab::lessons::course_lessons) {
    const std::string folder = (std::filesystem::path(out) / slug).string();
    const std::string command =
        "\"" + program + "\" --out \"" + folder + "\" --lang " + language + (quick ? " --quick" : "");
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();
    const int status = std::system(command.c_str());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    outcomes.push_back({slug, WIFEXITED(status) ? WEXITSTATUS(status) : 1, seconds});
  }

  std::string html = "<!DOCTYPE html>\n<html lang=\"" + language + "\">\n<head>\n<meta charset=\"utf-8\">\n<title>rnnlab: the course</title>\n<style>" +
                     std::string(style) + "</style>\n</head>\n<body" + (language == "ko" ? " class=\"ko\"" : "") + ">\n" +
                     "<p class=\"language\"><button onclick=\"setLanguage('en')\">English</button>"
                     "<button onclick=\"setLanguage('ko')\">한국어</button></p>\n" +
                     "<h1><span class=\"en\">rnnlab: recurrent networks, from the window problem to attention</span>"
                     "<span class=\"ko\">rnnlab: 윈도 문제에서 어텐션까지, 순환 신경망</span></h1>\n";
  html += "<p><span class=\"en\">Every lesson below was just run on this machine" +
          std::string(quick ? " in its quick configuration" : "") +
          ". Each one states its claims, measures them, and shows its plots.</span><span class=\"ko\">아래의 모든 레슨은 "
          "방금 이 컴퓨터에서" + std::string(quick ? " 빠른 설정으로" : "") +
          " 실행되었다. 각 레슨은 주장을 밝히고, 그것을 측정하고, 그래프를 보여 준다. 주장, 수치, 코드와 그래프의 "
          "레이블은 영어 그대로다.</span></p>\n<table>\n<tr><th>lesson</th><th>claims</th><th>time</th></tr>\n";
  std::string cards;
  for (const Outcome& o : outcomes) {
    const std::filesystem::path card = std::filesystem::path(out) / o.slug / "card.html";
    const bool has_card = std::filesystem::exists(card);
    char time[32];
    std::snprintf(time, sizeof time, "%.1f s", o.seconds);
    html += "<tr><td><a href=\"#lesson-" + o.slug.substr(0, 2) + "\">" + rnnlab::lessons::plot::escape_xml(o.slug) +
            "</a></td><td class=\"" + std::string(o.exit_code == 0 ? "pass" : "fail") + "\">" +
            (o.exit_code == 0 ? "all hold" : has_card ? "some FAIL" : "did not finish") + "</td><td>" + time + "</td></tr>\n";
    if (has_card) cards += read(card);
  }
  html += "</table>\n" + cards + language_script + "</body>\n</html>\n";
  const std::string index = (std::filesystem::path(out) / "index.html").string();
  rnnlab::lessons::plot::save(index, html);

  int failed = 0;
  std::printf("\n== The course ==\n");
  for (const Outcome& o : outcomes) {
    std::printf("  %-28s %-14s %6.1f s\n", o.slug.c_str(), o.exit_code == 0 ? "all claims hold" : "FAILED", o.seconds);
    failed += o.exit_code != 0;
  }
  std::printf("\n  Open %s in a browser to see every lesson with its plots.\n", std::filesystem::absolute(index).c_str());
  return failed == 0 ? 0 : 1;
}
