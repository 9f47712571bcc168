#include "tensor/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <utility>
#include <vector>

namespace rnnlab {

namespace {
std::atomic<std::size_t> thread_limit{std::max(1u, std::thread::hardware_concurrency())};
thread_local bool inside_task = false;
}

std::size_t num_threads() { return inside_task ? 1 : thread_limit.load(); }
void set_num_threads(std::size_t n) { thread_limit.store(std::max<std::size_t>(1, n)); }

void parallel_for(std::size_t parts, const std::function<void(std::size_t part)>& work) {
  if (parts <= 1) {
    if (parts == 1) work(0);
    return;
  }
  std::vector<std::exception_ptr> errors(parts);
  std::vector<std::thread> helpers;
  helpers.reserve(parts - 1);
  for (std::size_t part = 1; part < parts; ++part) {
    helpers.emplace_back([&, part] {
      try {
        work(part);
      } catch (...) {
        errors[part] = std::current_exception();
      }
    });
  }
  try {
    work(0);
  } catch (...) {
    errors[0] = std::current_exception();
  }
  for (std::thread& t : helpers) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

void parallel_tasks(std::size_t count, const std::function<void(std::size_t task)>& task) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  parallel_for(std::min(num_threads(), count), [&](std::size_t) {
    const bool saved = std::exchange(inside_task, true);
    try {
      // After a failure the remaining tasks are skipped; parallel_for rethrows the error.
      for (std::size_t i = next++; i < count && !failed; i = next++) task(i);
    } catch (...) {
      failed = true;
      inside_task = saved;
      throw;
    }
    inside_task = saved;
  });
}

}  // namespace rnnlab
