// run_course: runs every lesson in order, each writing its page into its folder, and writes index.html over them:
// the contents, and each lesson's point, claims and plots, linked to its page (every page opens straight from
// disk in a browser). Usage: run_course [--quick] [--out DIR] [--lang en|ko] [--index-only]
// --index-only runs nothing and writes the index over the lesson folders already in DIR (the tests' site check).
// The pages carry every narration in English and Korean; a switch at the top shows one (--lang picks the first).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "lessons/common/plot.hpp"
#include "lessons/common/site.hpp"
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

}  // namespace

int main(int argc, char** argv) {
  bool quick = false, index_only = false;
  std::string out = RNNLAB_COURSE_DIR;
  std::string language = "en";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      quick = true;
    } else if (arg == "--index-only") {
      index_only = true;
    } else if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else if (arg == "--lang" && i + 1 < argc && (std::string(argv[i + 1]) == "en" || std::string(argv[i + 1]) == "ko")) {
      language = argv[++i];
    } else {
      std::fprintf(stderr, "usage: run_course [--quick] [--out DIR] [--lang en|ko] [--index-only]\n");
      return 2;
    }
  }
  std::filesystem::create_directories(out);

  std::vector<Outcome> outcomes;
  for (const auto& [slug, program] : rnnlab::lessons::course_lessons) {
    if (index_only) {
      // A lesson that ran passed if its summary says so; it did not run here, so it has no time.
      const std::string summary = read(std::filesystem::path(out) / slug / "summary.json");
      const bool passed = summary.find("\"all_claims_passed\": true") != std::string::npos;
      outcomes.push_back({slug, passed ? 0 : 1, std::nan("")});
      continue;
    }
    const std::string folder = (std::filesystem::path(out) / slug).string();
    const std::string command =
        "\"" + program + "\" --out \"" + folder + "\" --lang " + language + (quick ? " --quick" : "");
    std::fflush(stdout);
    const auto start = std::chrono::steady_clock::now();
    const int status = std::system(command.c_str());
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    outcomes.push_back({slug, WIFEXITED(status) ? WEXITSTATUS(status) : 1, seconds});
  }

  // The index: the contents by title, then each lesson's point, claims and plots, linked to its page.
  using rnnlab::lessons::plot::escape_xml;
  using rnnlab::lessons::site::both_languages;
  std::string contents, sections;
  for (const rnnlab::lessons::site::LessonEntry& lesson : rnnlab::lessons::site::course()) {
    const std::string slug(lesson.slug), number = rnnlab::lessons::site::lesson_number(lesson.number);
    const auto outcome = std::find_if(outcomes.begin(), outcomes.end(), [&](const Outcome& o) { return o.slug == slug; });
    if (outcome == outcomes.end()) continue;
    const std::filesystem::path page = std::filesystem::path(out) / slug / "index.html";
    const bool has_page = std::filesystem::exists(page);
    const std::string link = slug + "/index.html", title = both_languages(lesson.title_en, lesson.title_ko);
    char time[32];
    std::snprintf(time, sizeof time, std::isnan(outcome->seconds) ? "&mdash;" : "%.1f s", outcome->seconds);
    contents += "<tr><td>" + number + "</td><td><a href=\"" + (has_page ? link : "#lesson-" + number) + "\">" + title +
                "</a></td><td class=\"" + std::string(outcome->exit_code == 0 ? "pass" : "fail") + "\">" +
                (outcome->exit_code == 0 ? "all hold" : has_page ? "some FAIL" : "did not finish") + "</td><td>" + time +
                "</td></tr>\n";
    sections += "<section id=\"lesson-" + number + "\">\n<h2>" + number + " &middot; " +
                (has_page ? "<a href=\"" + link + "\">" + title + "</a>" : title) + "</h2>\n";
    if (!has_page) {
      sections += "<p class=\"fail\">The lesson did not finish: run " + escape_xml(slug) + " to see why.</p>\n</section>\n";
      continue;
    }
    const std::string text = read(page);
    sections += rnnlab::lessons::site::overview(text) + "<div class=\"thumbs\">";
    for (const std::string& file : rnnlab::lessons::site::plot_files(text)) {
      const std::string stem = std::filesystem::path(file).stem().string();
      sections += "<a href=\"" + link + "#" + escape_xml(stem) + "\"><img src=\"" + escape_xml(slug + "/" + file) +
                  "\" alt=\"" + escape_xml(stem) + "\" loading=\"lazy\"></a>";
    }
    sections += "</div>\n<p><a href=\"" + link + "\">" +
                both_languages("The lesson: its story, plots and code", "레슨 전체: 이야기, 그래프, 코드") +
                " &rarr;</a></p>\n</section>\n";
  }
  const std::string body =
      "<nav class=\"lessons\"><span class=\"language\"><button onclick=\"setLanguage('en')\">English</button>"
      "<button onclick=\"setLanguage('ko')\">한국어</button></span></nav>\n<h1>" +
      both_languages("rnnlab: recurrent networks, from the window problem to attention",
                     "rnnlab: 윈도 문제에서 어텐션까지, 순환 신경망") +
      "</h1>\n<p>" +
      (rnnlab::lessons::site::runs_in_page
           ? both_languages("Every lesson below was run in its quick configuration by its own C++ compiled to "
                            "WebAssembly, as this site was built. Each one states its claims, measures them, and shows "
                            "its plots; its page adds its story and the code that made it, and runs the lesson again "
                            "in your browser with the seed and the numbers you choose.",
                            "아래의 모든 레슨은 이 사이트를 만들 때 WebAssembly로 컴파일된 자신의 C++ 코드로 빠른 설정으로 "
                            "실행되었다. 각 레슨은 주장을 밝히고, 그것을 측정하고, 그래프를 보여 준다. 레슨 페이지에는 "
                            "이야기와 결과를 만든 코드가 더 있고, 고른 시드와 수로 레슨을 브라우저에서 다시 실행할 수 있다. "
                            "주장, 수치, 코드와 그래프의 레이블은 영어 그대로다.")
           : both_languages("Every lesson below was just run on this machine" +
                                std::string(quick ? " in its quick configuration" : "") +
                                ". Each one states its claims, measures them, and shows its plots; its page adds its "
                                "story, the code that made it and the command to run it again.",
                            "아래의 모든 레슨은 방금 이 컴퓨터에서" + std::string(quick ? " 빠른 설정으로" : "") +
                                " 실행되었다. 각 레슨은 주장을 밝히고, 그것을 측정하고, 그래프를 보여 준다. 레슨 페이지에는 "
                                "이야기, 결과를 만든 코드, 다시 실행하는 명령이 더 있다. 주장, 수치, 코드와 그래프의 레이블은 "
                                "영어 그대로다.")) +
      "</p>\n<table>\n<tr><th></th><th>lesson</th><th>claims</th><th>time</th></tr>\n" + contents + "</table>\n" +
      sections;
  const std::string index = (std::filesystem::path(out) / "index.html").string();
  const auto first = language == "ko" ? rnnlab::lessons::Language::ko : rnnlab::lessons::Language::en;
  rnnlab::lessons::plot::save(index, rnnlab::lessons::site::page("rnnlab: the course", first, body));

  if (index_only) {
    std::printf("  wrote %s over the lesson folders there\n", index.c_str());
    return 0;
  }
  int failed = 0;
  std::printf("\n== The course ==\n");
  for (const Outcome& o : outcomes) {
    std::printf("  %-28s %-14s %6.1f s\n", o.slug.c_str(), o.exit_code == 0 ? "all claims hold" : "FAILED", o.seconds);
    failed += o.exit_code != 0;
  }
  std::printf("\n  Open %s in a browser to see every lesson with its plots.\n", std::filesystem::absolute(index).c_str());
  return failed == 0 ? 0 : 1;
}
