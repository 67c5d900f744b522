// get-config and set-config on a live Config.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conf/config.h"

namespace conf {

// Error text from apply_dynamic(); empty means the change was applied.
using Result = std::string;

// `get-config:context=<context>[;id=<id>]` as ordered key=value pairs, table order.
//   service                  service keys
//   network                  `service.port`, `heartbeat.interval`, ... (sub-stanza prefix)
//   namespace, id=NAME       namespace keys, then `storage-engine.<key>` for device storage
//   logging                  `<sink>:<context>=<level>`, sink `console` or the file path
//   xdr                      xdr keys; with id=DC, that datacenter's keys
//   mod-lua                  mod-lua keys
//   security                 security keys, then `log.<key>` (empty when security is off)
// Booleans render true/false, sizes as bytes, times as seconds, enums by name, repeatable
// keys comma-joined. Unknown context or id: an empty vector.
std::vector<std::pair<std::string, std::string>> render_context(const Config& config,
                                                                std::string_view context,
                                                                std::string_view id);

// `set-config:context=<context>[;id=<id>];<key>=<value>`. Key names as render_context() prints
// them (for namespace, storage keys may also be given without `storage-engine.`; for logging,
// id is the sink and key the log context). Only keys marked dynamic change; the value is
// checked against the table and the cross-key checks. On error `config` is unchanged.
[[nodiscard]] Result apply_dynamic(Config& config, std::string_view context, std::string_view id,
                                   std::string_view key, std::string_view value);

}  // namespace conf
