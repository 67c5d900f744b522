#pragma once
// run_parallel(): asadm asks every node at once, so a dead node costs one timeout in
// total, not one per node. Blocks until every call has returned.

#include <cstddef>
#include <thread>
#include <vector>

namespace asadm {

// Runs fn(0) .. fn(count - 1), one thread each. fn must not throw.
template <class Fn>
void run_parallel(size_t count, Fn fn) {
  std::vector<std::thread> threads;
  threads.reserve(count);
  for (size_t i = 0; i < count; ++i) threads.emplace_back([&fn, i] { fn(i); });
  for (auto& thread : threads) thread.join();
}

}  // namespace asadm
