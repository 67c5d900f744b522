// Loading a configuration from a file or from text.
#pragma once

#include <string>
#include <string_view>

#include "conf/config.h"

namespace conf {

// Reads and parses the file at `path`. Config::source is `path`. Throws ConfigError
// (`cannot open 'path': <strerror>` when the file cannot be read). Blocks on file I/O.
Config load_file(const std::string& path);

// Parses `text`; `source_name` is only used in error messages and as Config::source.
// Applies table defaults, checks every value against the table, then runs the cross-stanza
// checks (at least one namespace, xdr-remote-datacenter names defined, ...).
// Throws ConfigError on the first problem found.
Config parse_string(std::string_view text, std::string_view source_name);

}  // namespace conf
