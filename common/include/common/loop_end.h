#pragma once
// Work put off to the end of the current run of an event loop's ready handlers. A thread
// that runs a loop (a service thread) installs how to queue work on it; code far below
// (the fabric) can then gather what many handlers produce, say the replica writes of
// every request one epoll round brought in, into one system call made after them,
// instead of one call each. On a thread without a loop nothing is put off.

#include <functional>

namespace common {

class LoopEnd {
 public:
  using Post = std::function<void(std::function<void()>)>;

  // For the calling thread, for as long as it runs: `post` queues its argument behind the
  // handlers already due, on this thread's loop.
  static void install(Post post);
  static void uninstall();
  // Queues `fn` on this thread's loop; false (and `fn` untouched) when it has none.
  static bool defer(std::function<void()>& fn);
};

}  // namespace common
