// Lesson 22's sessions: the built-in world of genres, hits and drifting intents, a learner's own sessions, the
// baselines fitted on them (POP, S-POP, item-KNN), and how every recommender is measured (Recall@20, MRR@20).
#include "lessons/22_recommendations.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <numeric>
#include <stdexcept>

#include "autograd/mode.hpp"
#include "autograd/ops.hpp"
#include "lessons/common/input.hpp"

namespace rnnlab::lessons::lesson22 {

namespace {

// Draws index k with chance proportional to 1 / (k + 1)^exponent: a long tail.
class LongTail {
 public:
  LongTail(std::size_t count, double exponent) {
    double total = 0;
    for (std::size_t k = 0; k < count; ++k) cumulative_.push_back(total += std::pow(double(k + 1), -exponent));
    for (double& c : cumulative_) c /= total;
  }
  std::size_t draw(Rng& rng) const {
    const auto at = std::upper_bound(cumulative_.begin(), cumulative_.end(), rng.uniform());
    return std::min(static_cast<std::size_t>(at - cumulative_.begin()), cumulative_.size() - 1);
  }

 private:
  std::vector<double> cumulative_;
};

}  // namespace

Clicks make_clicks(const World& w, std::uint64_t seed) {
  Rng rng(seed);
  const LongTail genre(w.genres, 0.5), within_genre(w.genre_items, w.tail), hit(w.hits, w.tail);
  const std::size_t sessions = w.train_sessions + w.test_sessions, first_hit = w.genres * w.genre_items;
  const double stop = 1 / (w.mean_length - 1);  // 2 + Geometric(stop) clicks, counting from 0: mean_length
  Clicks clicks{.items = w.items()};
  for (std::size_t s = 0; s < sessions; ++s) {
    std::size_t favourite[2] = {genre.draw(rng), 0};
    do favourite[1] = genre.draw(rng);
    while (favourite[1] == favourite[0]);
    // Over the whole period the hits' ranking turns by a third of the list: yesterday's hit fades.
    const std::size_t shift =
        static_cast<std::size_t>(static_cast<double>(s) * w.hits * w.hit_turn / static_cast<double>(sessions));
    Session session;
    for (std::size_t k = 0; k < w.max_length && (k < 2 || !rng.bernoulli(stop)); ++k) {
      if (k > 0 && rng.bernoulli(w.drift)) {  // one favourite moves to a neighbouring genre
        std::size_t& moving = favourite[rng.below(2)];
        const std::size_t other = favourite[0] + favourite[1] - moving, step = rng.bernoulli(0.5) ? 1 : w.genres - 1;
        moving = (moving + step) % w.genres;
        if (moving == other) moving = (moving + step) % w.genres;
      }
      if (rng.bernoulli(w.hit_share)) {
        session.push_back(first_hit + (hit.draw(rng) + shift) % w.hits);
      } else {
        session.push_back(favourite[rng.below(2)] * w.genre_items + within_genre.draw(rng));
      }
    }
    (s < w.train_sessions ? clicks.train : clicks.test).push_back(std::move(session));
  }
  return clicks;
}

// ---- a learner's sessions ----

Clicks parse_sessions(std::string_view text, const std::string& name) {
  std::map<long long, std::size_t> renumbered;
  std::vector<Session> sessions;
  std::size_t pairs = 0;
  const std::vector<std::string_view> lines = text_lines(text, name, 20 * max_session_clicks);
  std::size_t last = lines.size();  // blank lines at the end are no sessions
  while (last > 0 && lines[last - 1].find_first_not_of(" \t,") == std::string_view::npos) --last;
  for (std::size_t number = 1; number <= last; ++number) {
    std::string_view line = lines[number - 1];
    const std::size_t first = line.find_first_not_of(" \t,");
    if (first != std::string_view::npos && line[first] == '#') continue;
    Session session;
    for (std::size_t start = first; start != std::string_view::npos;) {
      const std::size_t end = line.find_first_of(" \t,", start);
      const std::string_view id = line.substr(start, end == std::string_view::npos ? end : end - start);
      long long value = -1;
      const auto [stop, error] = std::from_chars(id.data(), id.data() + id.size(), value);
      if (error != std::errc() || stop != id.data() + id.size() || value < 0 || value > 1'000'000'000'000LL) {
        refuse_line(name, number, "the item id " + quoted(id) + " is not a whole number from 0 to 10^12");
      }
      if (session.size() == max_session_clicks) {
        refuse_line(name, number, "a session of more than " + std::to_string(max_session_clicks) + " clicks");
      }
      const auto [at, added] = renumbered.try_emplace(value, renumbered.size());
      if (added && renumbered.size() > max_items) {
        refuse_line(name, number, "more than " + std::to_string(max_items) + " distinct items");
      }
      session.push_back(at->second);
      start = end == std::string_view::npos ? end : line.find_first_not_of(" \t,", end);
    }
    if (session.size() < 2) {
      refuse_line(name, number,
                  session.empty() ? "an empty session: one session a line, the ids of its items in click order"
                                  : "a session of one click: there is no next click to predict");
    }
    pairs += session.size() * session.size();
    if (pairs > max_session_pairs) {
      refuse_line(name, number,
                  "the sessions so far hold more than " + std::to_string(max_session_pairs) +
                      " click pairs (the sum of each session's clicks squared): item-KNN counts every pair");
    }
    if (sessions.size() == max_sessions) {
      refuse_line(name, number, "more than " + std::to_string(max_sessions) + " sessions");
    }
    sessions.push_back(std::move(session));
  }
  if (sessions.size() < 20) {
    throw InputError(name + ": " + std::to_string(sessions.size()) +
                     " sessions; the lesson needs at least 20 (the first 85% train, the rest test)");
  }
  const std::size_t split = sessions.size() * 85 / 100;
  Clicks clicks{.items = renumbered.size()};
  clicks.train.assign(sessions.begin(), sessions.begin() + static_cast<long>(split));
  clicks.test.assign(sessions.begin() + static_cast<long>(split), sessions.end());
  return clicks;
}

Clicks read_sessions(const std::string& path) { return parse_sessions(read_input_file(path), path); }

// ---- the baselines ----

namespace {

void check_items(const char* op, const Session& session, std::size_t items) {
  for (std::size_t item : session) {
    if (item >= items) {
      throw std::invalid_argument(std::string(op) + ": item " + std::to_string(item) + " is out of range for " +
                                  std::to_string(items) + " items");
    }
  }
}

}  // namespace

Baselines::Baselines(const std::vector<Session>& train, std::size_t items)
    : items_(items), popularity_(items), neighbours_(items) {
  // Popularity times 1e-9 / (the most clicks + 1): below any difference of counts or cosines, it only breaks ties.
  std::vector<std::vector<std::size_t>> sessions_of(items);  // the training sessions holding each item
  std::vector<Session> distinct(train.size());               // each session's items, each once
  for (std::size_t s = 0; s < train.size(); ++s) {
    check_items("Baselines", train[s], items);
    for (std::size_t item : train[s]) popularity_[item] += 1;
    distinct[s] = train[s];
    std::sort(distinct[s].begin(), distinct[s].end());
    distinct[s].erase(std::unique(distinct[s].begin(), distinct[s].end()), distinct[s].end());
    for (std::size_t item : distinct[s]) sessions_of[item].push_back(s);
  }
  const double most = *std::max_element(popularity_.begin(), popularity_.end());
  for (double& p : popularity_) p *= 1e-9 / (most + 1);
  // item-KNN: cos(i, j) = n_ij / sqrt(n_i n_j) with n_ij the sessions holding both; each item keeps its 100 nearest
  // (Recall@20 and MRR@20 only look at the top 20).
  std::vector<double> together(items);
  std::vector<std::size_t> touched;
  for (std::size_t i = 0; i < items; ++i) {
    for (std::size_t s : sessions_of[i]) {
      for (std::size_t j : distinct[s]) {
        if (j == i) continue;
        if (together[j] == 0) touched.push_back(j);
        together[j] += 1;
      }
    }
    auto& near = neighbours_[i];
    for (std::size_t j : touched) {
      const double n_i = static_cast<double>(sessions_of[i].size()), n_j = static_cast<double>(sessions_of[j].size());
      near.push_back({j, together[j] / std::sqrt(n_i * n_j)});
      together[j] = 0;
    }
    touched.clear();
    const std::size_t keep = std::min<std::size_t>(near.size(), 100);
    std::partial_sort(near.begin(), near.begin() + static_cast<long>(keep), near.end(),
                      [](const auto& a, const auto& b) { return a.second > b.second; });
    near.resize(keep);
  }
}

void Baselines::score(Kind kind, const Session& history, std::vector<double>& scores) const {
  if (history.empty())
    throw std::invalid_argument("Baselines::score: an empty history (a session starts with a click)");
  check_items("Baselines::score", history, items_);
  scores = popularity_;
  if (kind == Kind::session_pop) {
    for (std::size_t item : history) scores[item] += 1;
  } else if (kind == Kind::item_knn) {
    for (const auto& [item, cosine] : neighbours_[history.back()]) scores[item] += cosine;
  }
}

// ---- the measurement ----

namespace {

// Ranks added one prediction at a time.
struct Tally {
  std::size_t count = 0, hits = 0;
  double reciprocal = 0;
  std::vector<std::size_t> count_at = std::vector<std::size_t>(positions_shown),
                           hits_at = std::vector<std::size_t>(positions_shown);

  // `seen`: the clicks before the predicted one; rank: 1 + the items scored above it.
  void add(std::size_t seen, std::size_t rank) {
    const std::size_t p = std::min(seen, positions_shown) - 1;
    ++count;
    ++count_at[p];
    if (rank <= cutoff) {
      ++hits;
      ++hits_at[p];
      reciprocal += 1.0 / static_cast<double>(rank);
    }
  }
  Ranking ranking() const {
    Ranking r{.predictions = count};
    const double n = static_cast<double>(std::max<std::size_t>(count, 1));
    r.recall = static_cast<double>(hits) / n;
    r.mrr = reciprocal / n;
    for (std::size_t p = 0; p < positions_shown; ++p) {
      r.recall_by_position.push_back(count_at[p] ? static_cast<double>(hits_at[p]) / static_cast<double>(count_at[p])
                                                 : std::nan(""));
    }
    return r;
  }
};

std::size_t rank_of(const real* scores, std::size_t items, std::size_t target) {
  std::size_t above = 0;
  for (std::size_t j = 0; j < items; ++j) above += scores[j] > scores[target];
  return above + 1;
}

}  // namespace

Ranking evaluate(const Baselines& baselines, Baselines::Kind kind, const std::vector<Session>& test) {
  Tally tally;
  std::vector<double> scores;
  for (const Session& session : test) {
    for (std::size_t seen = 1; seen < session.size(); ++seen) {
      baselines.score(kind, Session(session.begin(), session.begin() + static_cast<long>(seen)), scores);
      std::vector<real> as_real(scores.begin(), scores.end());
      tally.add(seen, rank_of(as_real.data(), as_real.size(), session[seen]));
    }
  }
  return tally.ranking();
}

Ranking evaluate(const SessionGRU& model, const std::vector<Session>& test) {
  NoGradGuard no_grad;
  // Longest first, so that the sessions still running are always the first rows of a chunk.
  std::vector<std::size_t> order(test.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return test[a].size() > test[b].size(); });
  Tally tally;
  constexpr std::size_t chunk = 256;
  for (std::size_t first = 0; first < order.size(); first += chunk) {
    const std::size_t rows = std::min(chunk, order.size() - first);
    Tensor h = Tensor::zeros({rows, model.hidden_size()});
    for (std::size_t seen = 1;; ++seen) {
      std::size_t running = 0;  // the sessions with a click after the first `seen`
      while (running < rows && test[order[first + running]].size() > seen) ++running;
      if (running == 0) break;
      std::vector<std::size_t> clicked;
      for (std::size_t r = 0; r < running; ++r) clicked.push_back(test[order[first + r]][seen - 1]);
      if (running < h.shape()[0]) h = slice(Var(h), 0, 0, running).value();
      h = model.step(clicked, Var(h)).value();
      const Tensor scores = model.all_scores(h);
      const std::size_t items = scores.shape()[1];
      for (std::size_t r = 0; r < running; ++r) {
        tally.add(seen, rank_of(scores.data() + r * items, items, test[order[first + r]][seen]));
      }
    }
  }
  return tally.ranking();
}

}  // namespace rnnlab::lessons::lesson22
