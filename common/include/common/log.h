#pragma once
// Logging: spdlog with one named logger per module (Aerospike's "contexts"). Levels are
// set per context from the config's logging {} stanza or at runtime through info.
// Message style: lowercase event, then key=value fields.

#include <memory>
#include <string>
#include <string_view>

#include <spdlog/logger.h>

namespace common {

// Returns the named logger, creating it on first use with the current sinks and the
// level configured for that context (or for "any"). Thread-safe.
std::shared_ptr<spdlog::logger> logger(const std::string& context);

// Sets the level of one context, or of every context when context == "any".
// Aerospike level names: critical, warning, info, debug, detail. Returns false on an
// unknown level name.
bool set_log_level(std::string_view context, std::string_view level);

// Replaces the console sink by a file sink (append mode). Startup only.
void log_to_file(const std::string& path);

// Flushes every logger (before exit).
void flush_logs();

}  // namespace common
