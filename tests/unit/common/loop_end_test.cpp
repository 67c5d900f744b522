// LoopEnd: work is put off only on a thread whose loop installed itself, and goes to
// that loop; other threads (and the thread after uninstall) run nothing later.

#include <catch2/catch.hpp>

#include <functional>
#include <thread>
#include <vector>

#include "common/loop_end.h"

TEST_CASE("work is put off to the installing thread's loop only", "[common]") {
  std::vector<std::function<void()>> queued;  // the "loop"
  common::LoopEnd::install([&](std::function<void()> fn) { queued.push_back(std::move(fn)); });
  int ran = 0;
  std::function<void()> fn = [&] { ++ran; };
  CHECK(common::LoopEnd::defer(fn));
  CHECK(ran == 0);
  REQUIRE(queued.size() == 1);
  queued.front()();
  CHECK(ran == 1);

  bool elsewhere = true;
  std::thread([&] {
    std::function<void()> other = [] {};
    elsewhere = common::LoopEnd::defer(other);
  }).join();
  CHECK_FALSE(elsewhere);

  common::LoopEnd::uninstall();
  std::function<void()> after = [&] { ++ran; };
  CHECK_FALSE(common::LoopEnd::defer(after));
  CHECK(after);  // left to the caller, who runs it now
  CHECK(queued.size() == 1);
}
