// A minimal fork-join helper for the few kernels big enough to split over cores (large matmuls).
#pragma once

#include <cstddef>
#include <functional>

namespace rnnlab {

// How many threads large kernels may use; starts at the machine's core count. set_num_threads(1) makes every
// kernel single-threaded (the benchmark's --threads sets it).
std::size_t num_threads();
void set_num_threads(std::size_t n);

// Runs work(part) for part in [0, parts), in parallel, and returns when all have finished. The calling thread
// runs part 0. An exception thrown by any part is rethrown here.
void parallel_for(std::size_t parts, const std::function<void(std::size_t part)>& work);

}  // namespace rnnlab
