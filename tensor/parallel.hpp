// Minimal fork-join helpers: for the kernels big enough to split over cores (matmuls, a recurrent layer's time
// steps), and for independent experiments (training runs with different seeds) that can run side by side.
// The threads are started once and kept, so handing them work costs microseconds, not a thread start.
#pragma once

#include <cstddef>
#include <functional>

namespace rnnlab {

// How many threads large kernels may use; starts at the machine's core count. set_num_threads(1) makes every
// kernel single-threaded (the benchmark's --threads sets it). Inside a parallel_tasks task it is 1, so a
// kernel called from a task does not start threads of its own.
std::size_t num_threads();

// Work (in multiply-adds) below which splitting over threads does not pay: ~20 us on one core, against a few
// microseconds to hand work to a waiting thread. Measured on 2 cores: an LSTM step's 32 x 128 x 512 product
// takes 150 us on one thread and 86 us on two; a 32 x 64 x 128 one (0.26 million) gains nothing.
constexpr double min_parallel_work = 5e5;
void set_num_threads(std::size_t n);

// Runs work(part) for part in [0, parts), in parallel, and returns when all have finished. The calling thread
// runs part 0. An exception thrown by any part is rethrown here.
void parallel_for(std::size_t parts, const std::function<void(std::size_t part)>& work);

// Runs task(i) for every i in [0, count) on up to num_threads() threads; each thread takes the next task not
// yet started, so long and short tasks balance. Results must not depend on which thread ran a task (give each
// task its own Rng). An exception thrown by a task is rethrown here after all threads have stopped.
void parallel_tasks(std::size_t count, const std::function<void(std::size_t task)>& task);

}  // namespace rnnlab
