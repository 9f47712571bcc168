// The threaded web build's operator new and delete (only that build compiles this file: tensor/CMakeLists.txt):
// small blocks freed by a thread wait in that thread's own lists for its next allocation of their size.
//
// Why. Emscripten's malloc (dlmalloc) serves every thread under one lock. A training step of a small net allocates
// and frees thousands of small tensors and graph nodes, so two threads training side by side (parallel_tasks)
// spent their time waiting for each other: lesson 09's quick run took 11 s on two threads against 1.9 s on one
// (Node.js). glibc, natively, keeps such caches per thread itself. With these lists: 2.0 s; lesson 05 1.1 s against
// 6.8 s (one thread: 1.3 s), lesson 06 0.7 s against 2.4 s (0.9 s).
//
// A block of up to `largest` bytes is served from the list of its size class (multiples of `granule`), else from
// malloc, rounded up to its class. Freed, it joins the list of the largest class its usable size covers (malloc may
// give a few bytes more than asked), while the thread keeps at most `most_kept_bytes`; beyond that, and a larger
// block always, it goes back to malloc. A block may be freed by another thread
// than the one that allocated it: it simply joins that thread's lists.
#include <malloc.h>

#include <cstddef>
#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t granule = 16, classes = 256, largest = granule * classes;  // 4 KiB
constexpr std::size_t most_kept_bytes = std::size_t{8} << 20;

struct FreeBlock {
  FreeBlock* next;
};

struct ThreadCache {
  FreeBlock* free[classes];  // free[k]: blocks of at least (k + 1) * granule bytes
  std::size_t kept_bytes;
};

thread_local ThreadCache cache;  // zero-initialized, and nothing to destroy: a thread's lists end with its memory

}  // namespace

void* operator new(std::size_t bytes) {
  if (bytes != 0 && bytes <= largest) {
    const std::size_t k = (bytes - 1) / granule;
    if (FreeBlock* block = cache.free[k]) {
      cache.free[k] = block->next;
      cache.kept_bytes -= (k + 1) * granule;
      return block;
    }
    bytes = (k + 1) * granule;
  }
  void* block = std::malloc(bytes == 0 ? 1 : bytes);
  if (!block) throw std::bad_alloc();
  return block;
}

void operator delete(void* block) noexcept {
  if (!block) return;
  const std::size_t usable = malloc_usable_size(block);
  if (usable >= granule && usable < largest + granule) {  // a block this file allocated (or one as small)
    const std::size_t k = (usable < largest ? usable : largest) / granule - 1;
    const std::size_t size = (k + 1) * granule;
    if (cache.kept_bytes + size <= most_kept_bytes) {
      cache.free[k] = new (block) FreeBlock{cache.free[k]};
      cache.kept_bytes += size;
      return;
    }
  }
  std::free(block);
}

// The other forms the standard library calls (arrays, sized): the same lists.
void* operator new[](std::size_t bytes) { return operator new(bytes); }
void operator delete[](void* block) noexcept { operator delete(block); }
void operator delete(void* block, std::size_t) noexcept { operator delete(block); }
void operator delete[](void* block, std::size_t) noexcept { operator delete(block); }
