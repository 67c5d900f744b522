#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/sinks/ostream_sink.h>

#include "common/log_limit.h"

namespace {

struct CapturedLog {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> log;

  CapturedLog() {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
    sink->set_pattern("%v");
    log = std::make_shared<spdlog::logger>("limit_test", sink);
    log->set_level(spdlog::level::info);
  }

  size_t lines() const {
    std::string s = out.str();
    return size_t(std::count(s.begin(), s.end(), '\n'));
  }
};

}  // namespace

TEST_CASE("a burst through one LimitedLog writes one line, the next one counts the rest", "[common]") {
  CapturedLog cap;
  common::LimitedLog limit{std::chrono::milliseconds(200)};
  for (int i = 0; i < 10'000; ++i) limit.warn(cap.log, "bad frame n={}", i);
  CHECK(cap.lines() == 1);
  CHECK(cap.out.str() == "bad frame n=0\n");

  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  limit.warn(cap.log, "bad frame n={}", 10'000);
  CHECK(cap.lines() == 2);
  CHECK(cap.out.str().find("bad frame n=10000 (suppressed 9999 similar)\n") != std::string::npos);

  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  limit.warn(cap.log, "bad frame n={}", 10'001);
  CHECK(cap.out.str().ends_with("bad frame n=10001\n"));
}

TEST_CASE("a LimitedLog whose level is off neither writes nor counts", "[common]") {
  CapturedLog cap;
  common::LimitedLog limit{std::chrono::milliseconds(0)};
  for (int i = 0; i < 100; ++i) limit.debug(cap.log, "hidden {}", i);
  limit.info(cap.log, "shown");
  CHECK(cap.out.str() == "shown\n");
}

TEST_CASE("LimitedLog lets one caller through per interval across threads", "[common]") {
  common::LimitedLog limit{std::chrono::seconds(10)};
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        uint64_t held = 0;
        if (limit.allow(&held)) allowed.fetch_add(1);
      }
    });
  for (auto& t : threads) t.join();
  CHECK(allowed.load() == 1);
}
