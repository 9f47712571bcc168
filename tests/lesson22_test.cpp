#include <algorithm>
#include <cmath>

#include "autograd/mode.hpp"
#include "check.hpp"
#include "lessons/22_recommendations.hpp"
#include "lessons/common/input.hpp"

using namespace rnnlab;
using namespace rnnlab::lessons;
using lesson22::Baselines;
using lesson22::Session;
using rnnlab::testing::message_of;

namespace {

// Twenty sessions of the file format, then `extra`.
std::string twenty_sessions(const std::string& extra = "") {
  std::string text;
  for (int s = 0; s < 20; ++s) text += std::to_string(100 + s) + " 7 " + std::to_string(200 + s % 3) + "\n";
  return text + extra;
}

}  // namespace

TEST_SUITE("lesson 22") {
#ifndef RNNLAB_PROGRAMS_CHECK_CLAIMS  // where the programs are built, their claims test checks these
  TEST_CASE("lesson 22: every claim holds in the quick configuration") {
    const auto config = lesson22::config(true, 0);
    const auto result = lesson22::experiment(config, lesson22::make_clicks(config.world, config.seed));
    CHECK_CLAIMS(lesson22::claims(result, config));
  }
#endif

  TEST_CASE("the built-in sessions: their counts and lengths and items and the same sessions for the same seed") {
    lesson22::World w;
    w.train_sessions = 3000;
    w.test_sessions = 500;
    const lesson22::Clicks clicks = lesson22::make_clicks(w, 4);
    CHECK(clicks.items == 1000);
    CHECK(clicks.train.size() == 3000);
    CHECK(clicks.test.size() == 500);
    double clicked = 0;
    std::vector<std::size_t> count(clicks.items);
    for (const Session& s : clicks.train) {
      CHECK(s.size() >= 2);
      CHECK(s.size() <= w.max_length);
      clicked += static_cast<double>(s.size());
      for (std::size_t item : s) ++count.at(item);
    }
    CHECK(clicked / 3000 == doctest::Approx(w.mean_length).epsilon(0.05));
    // A hit is clicked about hit_share of the time; the most clicked genre item (rank 1 of its genre) beats its last.
    const std::size_t first_hit = w.genres * w.genre_items;
    double hits = 0;
    for (std::size_t i = first_hit; i < clicks.items; ++i) hits += static_cast<double>(count[i]);
    CHECK(hits / clicked == doctest::Approx(w.hit_share).epsilon(0.1));
    CHECK(count[0] > 5 * count[w.genre_items - 1]);
    CHECK(lesson22::make_clicks(w, 4).test[17] == clicks.test[17]);
    CHECK(lesson22::make_clicks(w, 5).train != clicks.train);
  }

  TEST_CASE("session-parallel mini-batches: each slot walks its session and takes the next when it ends") {
    const std::vector<Session> sessions = {{1, 2, 3}, {4, 5}, {6, 7, 8, 9}};
    Rng rng(1);
    lesson22::SessionParallel batches(sessions, 2, rng);
    // Over 12 steps every (click, next) pair of every session comes up, in order within its slot.
    std::vector<std::pair<std::size_t, std::size_t>> seen;
    std::size_t restarts = 0;
    for (int step = 0; step < 12; ++step) {
      const lesson22::SessionParallel::Step s = batches.next();
      REQUIRE(s.clicked.size() == 2);
      for (std::size_t b = 0; b < 2; ++b) {
        seen.push_back({s.clicked[b], s.next[b]});
        CHECK(s.next[b] == s.clicked[b] + 1);  // these sessions count upwards
      }
      restarts += s.restarted.size();
    }
    for (const auto& pair : {std::pair<std::size_t, std::size_t>{1, 2}, {2, 3}, {4, 5}, {6, 7}, {7, 8}, {8, 9}}) {
      CHECK(std::count(seen.begin(), seen.end(), pair) >= 1);
    }
    CHECK(restarts >= 6);  // 24 pairs from sessions of 2, 1 and 3 pairs: at least 6 sessions begun after the first two
    CHECK_CONTAINS(message_of<std::invalid_argument>([] {
                     Rng r(0);
                     const std::vector<Session> bad = {{1, 2}, {3}};
                     lesson22::SessionParallel p(bad, 2, r);
                   }),
                   "SessionParallel: session 1 has 1 clicks; a session needs 2 to train on");
  }

  TEST_CASE("the baselines by hand: POP and S-POP and item-KNN's cosine") {
    // Items 0-3. Sessions {0, 1}, {0, 1, 2}, {0, 2}, {3, 3}: n_0 = 3, n_1 = 2, n_2 = 2, n_3 = 1 sessions;
    // n_01 = 2, n_02 = 2, n_12 = 1.
    const std::vector<Session> train = {{0, 1}, {0, 1, 2}, {0, 2}, {3, 3}};
    const Baselines b(train, 4);
    std::vector<double> scores;
    b.score(Baselines::Kind::pop, {3}, scores);  // clicks: 0 three times, 1 and 2 twice, 3 twice
    CHECK(scores[0] > scores[1]);
    CHECK(scores[1] == scores[2]);
    CHECK(scores[0] < 1e-8);  // popularity only breaks ties
    b.score(Baselines::Kind::session_pop, {2, 1, 2}, scores);
    CHECK(scores[2] == doctest::Approx(2).epsilon(1e-6));
    CHECK(scores[1] == doctest::Approx(1).epsilon(1e-6));
    CHECK(scores[0] < 1e-8);
    b.score(Baselines::Kind::item_knn, {3, 1}, scores);  // the last click, 1
    CHECK(scores[0] == doctest::Approx(2 / std::sqrt(2.0 * 3)).epsilon(1e-6));
    CHECK(scores[2] == doctest::Approx(1 / std::sqrt(2.0 * 2)).epsilon(1e-6));
    CHECK(scores[3] < 1e-8);
    CHECK(scores[1] < 1e-8);  // an item is not its own neighbour
    CHECK_CONTAINS(message_of<std::invalid_argument>([&] { b.score(Baselines::Kind::pop, {}, scores); }),
                   "Baselines::score: an empty history");
    CHECK_CONTAINS(message_of<std::invalid_argument>([&] {
                     b.score(Baselines::Kind::item_knn, {0, 4}, scores);
                   }),
                   "Baselines::score: item 4 is out of range for 4 items");
    CHECK_CONTAINS(message_of<std::invalid_argument>([] {
                     Baselines bad({{0, 9}}, 4);
                   }),
                   "Baselines: item 9 is out of range for 4 items");
  }

  TEST_CASE("Recall@20 and MRR@20 counted by hand") {
    // 25 items; POP ranks item k by its clicks. Item 0 clicked 30 times, items 1..24 fewer and fewer.
    std::vector<Session> train;
    for (std::size_t item = 0; item < 25; ++item) {
      for (std::size_t k = 0; k < 30 - item; ++k) train.push_back({item, item});
    }
    const Baselines b(train, 25);
    // Test targets (the clicks after the first): item 0 (rank 1), item 4 (rank 5), item 22 (rank 23, past 20).
    const std::vector<Session> test = {{24, 0, 4}, {24, 22}};
    const lesson22::Ranking r = lesson22::evaluate(b, Baselines::Kind::pop, test);
    CHECK(r.predictions == 3);
    CHECK(r.recall == doctest::Approx(2.0 / 3));
    CHECK(r.mrr == doctest::Approx((1 + 1.0 / 5) / 3));
    CHECK(r.recall_by_position[0] == doctest::Approx(0.5));  // after one click: item 0 in, item 22 out
    CHECK(r.recall_by_position[1] == doctest::Approx(1));    // after two: item 4
  }

  TEST_CASE("SessionGRU: the columns' scores are those of all items and the ranking counts them") {
    Rng rng(3);
    const lesson22::SessionGRU model(12, 4, 5, rng);
    NoGradGuard no_grad;
    const Var h = model.step({3, 7}, Var(Tensor::zeros({2, 5})));
    const Tensor all = model.all_scores(h.value());
    const Tensor some = model.scores(h, {9, 2, 9}).value();
    for (std::size_t b = 0; b < 2; ++b) {
      CHECK(some.at({b, 0}) == doctest::Approx(all.at({b, 9})).epsilon(1e-12));
      CHECK(some.at({b, 1}) == doctest::Approx(all.at({b, 2})).epsilon(1e-12));
      CHECK(some.at({b, 2}) == some.at({b, 0}));
    }
    CHECK_CONTAINS(message_of<std::exception>([&] { (void)model.step({3, 12}, h); }), "12");
    // evaluate() of the model ranks each target among all 12 items as all_scores does.
    const std::vector<Session> test = {{3, 7, 1}};
    const lesson22::Ranking r = lesson22::evaluate(model, test);
    CHECK(r.predictions == 2);
    CHECK(r.recall == 1);  // 12 items: every target is in the top 20
    CHECK(r.mrr > 1.0 / 12 - 1e-12);
  }

  TEST_CASE("a learner's sessions: ids renumbered in order of appearance and the first 85% train") {
    const lesson22::Clicks c = lesson22::parse_sessions("# a comment\n" + twenty_sessions("5,6\t5\r\n\n  \n"), "s.txt");
    CHECK(c.train.size() == 17);
    CHECK(c.test.size() == 4);
    CHECK(c.items == 20 + 1 + 3 + 2);
    CHECK(c.train[0] == Session{0, 1, 2});
    CHECK(c.train[1] == Session{3, 1, 4});
    CHECK(c.test.back() == Session{24, 25, 24});
  }

  TEST_CASE("a learner's sessions: what is refused naming the file and the line") {
    auto refusal = [](const std::string& text) {
      return message_of<InputError>([&] { (void)lesson22::parse_sessions(text, "s.txt"); });
    };
    CHECK_CONTAINS(refusal("1 2\n3 x\n"), "s.txt line 2: the item id 'x' is not a whole number from 0 to 10^12");
    CHECK_CONTAINS(refusal("1 -2\n"), "s.txt line 1: the item id '-2' is not a whole number");
    CHECK_CONTAINS(refusal("1 2\n3\n"), "s.txt line 2: a session of one click: there is no next click to predict");
    CHECK_CONTAINS(refusal("1 2\n\n3 4\n"), "s.txt line 2: an empty session");
    CHECK_CONTAINS(refusal("1 2\n3 4\n"), "s.txt: 2 sessions; the lesson needs at least 20");
    CHECK_CONTAINS(refusal(std::string(3, '\0')), "s.txt");
    std::string long_session;
    for (std::size_t k = 0; k <= lesson22::max_session_clicks; ++k) long_session += "1 ";
    CHECK_CONTAINS(refusal(long_session), "s.txt line 1: a session of more than 1000 clicks");
  }
}
