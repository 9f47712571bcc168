#include "tensor/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace rnnlab {

namespace {

// A WebAssembly build without threads (a page that is not cross-origin isolated cannot share memory with a worker,
// so Emscripten's threads are off) runs every part on the calling thread. The threaded one has a pool of workers
// started with the program, min(cores, 4) - 1 of them (lessons/web/web.cmake): a thread beyond those would start
// only once the program yields to the browser, which a running lesson never does, so no more are asked for.
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
constexpr std::size_t most_threads = 1;
#elif defined(__EMSCRIPTEN__)
constexpr std::size_t most_threads = 4;
#else
constexpr std::size_t most_threads = std::numeric_limits<std::size_t>::max();
#endif

std::size_t cores() { return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, most_threads); }

std::atomic<std::size_t> thread_limit{cores()};
thread_local bool inside_task = false;    // running a parallel_tasks task: kernels stay single-threaded
thread_local bool inside_worker = false;  // running a part of a parallel_for: nested calls run inline

// Runs every part in this thread, one after the other; the first error is rethrown after all have run, as the
// pool does.
void run_inline(std::size_t parts, const std::function<void(std::size_t)>& work) {
  std::exception_ptr error;
  for (std::size_t part = 0; part < parts; ++part) {
    try {
      work(part);
    } catch (...) {
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

// Threads started once and kept: a recurrent net splits a small product over the cores at every time step,
// and starting a std::thread per call (~50-100 us) would cost more than the product. A call posts its work,
// wakes the workers, runs parts itself too, and waits until every part has finished. Parts are handed out
// through one atomic counter, so any number of parts runs on however many threads there are.
class Pool {
 public:
  ~Pool() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  void run(std::size_t parts, const std::function<void(std::size_t)>& work) {
    // One call at a time; a second caller (another user thread) does its work alone rather than wait.
    std::unique_lock busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) return run_inline(parts, work);
    {
      const std::lock_guard lock(mutex_);
      while (workers_.size() + 1 < parts) workers_.emplace_back([this] { serve(); });
      work_ = &work;
      parts_ = parts;
      next_part_ = 0;
      finished_ = 0;
      error_ = nullptr;
      posted_.store(++generation_, std::memory_order_release);
    }
    wake_.notify_all();
    take_parts();
    std::unique_lock lock(mutex_);
    // Also wait for every worker that joined to leave, so none still reads this call's work when the next is posted.
    done_.wait(lock, [&] { return finished_ == parts_ && active_ == 0; });
    work_ = nullptr;
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  // Runs parts until none is left. Called by the posting thread and the workers alike.
  void take_parts() {
    const bool saved = std::exchange(inside_worker, true);
    std::size_t ran = 0;
    std::exception_ptr error;
    for (std::size_t part = next_part_++; part < parts_; part = next_part_++, ++ran) {
      try {
        (*work_)(part);
      } catch (...) {
        if (!error) error = std::current_exception();
      }
    }
    inside_worker = saved;
    const std::lock_guard lock(mutex_);
    if (error && !error_) error_ = error;
    finished_ += ran;
  }

  void serve() {
    std::size_t seen = 0;
    while (true) {
      // A time loop posts its next product within microseconds: watch for it a little while before sleeping,
      // since waking a sleeping thread costs about as long as a small product.
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
      while (posted_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until) {
        std::this_thread::yield();
      }
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
        if (!work_) continue;  // woke after that call had finished
        ++active_;
      }
      take_parts();
      bool last = false;
      {
        const std::lock_guard lock(mutex_);
        last = --active_ == 0 && finished_ == parts_;
      }
      if (last) done_.notify_all();
    }
  }

  std::mutex busy_;   // held by the thread whose call is running
  // Guards everything below but next_part_. work_ and parts_ change only while no worker is active.
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> workers_;
  const std::function<void(std::size_t)>* work_ = nullptr;
  std::size_t parts_ = 0, finished_ = 0, generation_ = 0, active_ = 0;
  std::atomic<std::size_t> next_part_{0}, posted_{0};  // posted_: generation_, readable without the lock
  std::exception_ptr error_;
  bool stopping_ = false;
};

Pool& pool() {
  static Pool instance;
  return instance;
}

}  // namespace

std::size_t num_threads() { return inside_task ? 1 : thread_limit.load(); }
void set_num_threads(std::size_t n) { thread_limit.store(std::clamp<std::size_t>(n, 1, most_threads)); }

void parallel_for(std::size_t parts, const std::function<void(std::size_t part)>& work) {
  if (parts <= 1 || inside_worker || most_threads == 1) return run_inline(parts, work);
  pool().run(parts, work);
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
