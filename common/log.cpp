#include "common/log.h"

#include <map>
#include <mutex>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace common {

namespace {

struct Registry {
  std::mutex mu;
  spdlog::sink_ptr sink;
  spdlog::level::level_enum default_level = spdlog::level::info;
  std::map<std::string, spdlog::level::level_enum, std::less<>> levels;
  std::map<std::string, std::shared_ptr<spdlog::logger>, std::less<>> loggers;
};

Registry& registry() {
  static Registry r;
  return r;
}

spdlog::sink_ptr default_sink() {
  // Daemons log to stderr so stdout stays clean for tools that print answers.
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  sink->set_pattern("%b %d %Y %H:%M:%S.%e GMT: %^%-7l%$ (%n) %v");
  return sink;
}

bool parse_level(std::string_view name, spdlog::level::level_enum* out) {
  if (name == "critical") *out = spdlog::level::critical;
  else if (name == "warning" || name == "warn") *out = spdlog::level::warn;
  else if (name == "info") *out = spdlog::level::info;
  else if (name == "debug") *out = spdlog::level::debug;
  else if (name == "detail" || name == "trace") *out = spdlog::level::trace;
  else return false;
  return true;
}

}  // namespace

std::shared_ptr<spdlog::logger> logger(const std::string& context) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  if (auto it = r.loggers.find(context); it != r.loggers.end()) return it->second;
  if (!r.sink) r.sink = default_sink();
  auto log = std::make_shared<spdlog::logger>(context, r.sink);
  auto lvl = r.levels.find(context);
  log->set_level(lvl != r.levels.end() ? lvl->second : r.default_level);
  log->flush_on(spdlog::level::warn);
  r.loggers.emplace(context, log);
  return log;
}

bool set_log_level(std::string_view context, std::string_view level) {
  spdlog::level::level_enum lvl;
  if (!parse_level(level, &lvl)) return false;
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  if (context == "any") {
    r.default_level = lvl;
    r.levels.clear();
    for (auto& [name, log] : r.loggers) log->set_level(lvl);
  } else {
    r.levels[std::string(context)] = lvl;
    if (auto it = r.loggers.find(context); it != r.loggers.end()) it->second->set_level(lvl);
  }
  return true;
}

void log_to_file(const std::string& path) {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  r.sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(path, false);
  r.sink->set_pattern("%b %d %Y %H:%M:%S.%e GMT: %-7l (%n) %v");
  for (auto& [name, log] : r.loggers) {
    log->sinks().clear();
    log->sinks().push_back(r.sink);
  }
}

void flush_logs() {
  Registry& r = registry();
  std::lock_guard lock(r.mu);
  for (auto& [name, log] : r.loggers) log->flush();
}

}  // namespace common
