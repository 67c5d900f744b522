#pragma once
// Rate-limited log lines for warnings that outside input can trigger: a bad client or
// peer must not flood the log (style.md: "an ignorable anomaly gets a rate-limited
// warning"). One LimitedLog per call site, usually a function-local static:
//
//   static common::LimitedLog limit{std::chrono::seconds(1)};
//   limit.warn(common::logger("service"), "closing connection peer={}", peer);
//
// At most one line per interval gets through; the next line that does ends with
// "(suppressed N similar)" when some were held back in between.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include <spdlog/logger.h>

#include "common/rate_limit.h"

namespace common {

class LimitedLog {
 public:
  explicit LimitedLog(std::chrono::milliseconds every) : rate_(every) {}

  template <typename... Args>
  void error(const std::shared_ptr<spdlog::logger>& log, spdlog::format_string_t<Args...> fmt, Args&&... args) {
    write(*log, spdlog::level::err, fmt, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void warn(const std::shared_ptr<spdlog::logger>& log, spdlog::format_string_t<Args...> fmt, Args&&... args) {
    write(*log, spdlog::level::warn, fmt, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void info(const std::shared_ptr<spdlog::logger>& log, spdlog::format_string_t<Args...> fmt, Args&&... args) {
    write(*log, spdlog::level::info, fmt, std::forward<Args>(args)...);
  }
  template <typename... Args>
  void debug(const std::shared_ptr<spdlog::logger>& log, spdlog::format_string_t<Args...> fmt, Args&&... args) {
    write(*log, spdlog::level::debug, fmt, std::forward<Args>(args)...);
  }

  // True when a line may go out now; `held` gets how many were held back since the last.
  bool allow(uint64_t* held) { return rate_.allow(held); }

 private:
  template <typename... Args>
  void write(spdlog::logger& log, spdlog::level::level_enum level, spdlog::format_string_t<Args...> fmt,
             Args&&... args) {
    // A level that is off neither writes nor counts, so turning it on later does not
    // report a backlog nobody could have seen.
    if (!log.should_log(level)) return;
    uint64_t held = 0;
    if (!allow(&held)) return;
    if (held == 0) return log.log(level, fmt, std::forward<Args>(args)...);
    std::string line = fmt::format(fmt, std::forward<Args>(args)...);
    log.log(level, "{} (suppressed {} similar)", line, held);
  }

  RateLimit rate_;
};

}  // namespace common
