#pragma once
// `show config [service|network|namespace|xdr] [like PATTERN...]` and
// `show statistics [service|namespace|set|xdr] [like PATTERN...]`: one table per context
// (per namespace, set or DC), rows = keys in ascending order, columns = nodes, as asadm's
// rows-style sheets print them.
//
//   ~~~~~~~~~~~~~~~~~~ test Namespace Configuration ~~~~~~~~~~~~~~~~~~
//   Node         127.0.0.1:3000  127.0.0.1:3010  127.0.0.1:3020
//   default-ttl  0               0               -
//   Number of rows: 1
//   127.0.0.1:3020: unreachable (client: connect ...: Connection refused)
// A node that did not answer (or refused this context) gets "-" cells and a line under
// the table. `like` keeps the keys that contain any of the patterns (plain substrings,
// case-sensitive, as asadm's `like`); a context with no key left still prints its title
// with zero rows.
//
// Sources (asd's info commands):
//   config      service    get-config:context=service            "Service Configuration"
//               network    get-config:context=network            "Network Configuration"
//               namespace  get-config:context=namespace;id=<ns>  "<ns> Namespace Configuration"
//               xdr        get-config:context=xdr[;dc=<dc>]      "XDR Configuration",
//                                                                 "<dc> DC Configuration"
//   statistics  service    statistics                            "Service Statistics"
//               namespace  namespace/<ns>                        "<ns> Namespace Statistics"
//               set        sets                                  "<ns> <set> Set Statistics"
//               xdr        get-stats:context=xdr;dc=<dc>         "<dc> XDR Statistics"
// With no context: all of them; the xdr ones only when some node has XDR enabled.
//
// JSON: {"sections":[{"title":"test Namespace Configuration","context":"namespace",
//         "id":"test","nodes":[{"node":"127.0.0.1:3000","node_id":"A1","status":"ok",
//         "error":null,"values":{"default-ttl":0}}]}]}

#include <optional>
#include <string>
#include <vector>

#include "fields.h"
#include "stats_collect.h"

namespace asadm {

enum class KeysKind { Config, Statistics };

struct KeysRequest {
  KeysKind kind = KeysKind::Config;
  std::vector<std::string> contexts;  // never empty after parsing
  bool explicit_context = false;      // a context was named (xdr is then shown even if off)
  std::vector<std::string> likes;
};

// `[context] [like PATTERN...]`; nullopt with `error` set on bad usage.
std::optional<KeysRequest> parse_keys_request(KeysKind kind, const std::vector<std::string>& words,
                                              std::string& error);

InfoPlan keys_plan(const KeysRequest& request);

// One node's column of a section.
struct KeysColumn {
  std::string address;
  std::string node_id;
  std::string status = "ok";  // ok, unreachable, error
  std::string error;
  Fields values;  // already filtered by `like`
};

struct KeysSection {
  std::string title;
  std::string context;
  std::string id;  // namespace, "ns/set" or DC; empty for service, network, xdr
  std::vector<KeysColumn> columns;
};

std::vector<KeysSection> keys_sections(const NodesReport& report, const KeysRequest& request);

// True when `key` contains one of `likes` (or `likes` is empty).
bool key_matches(const std::string& key, const std::vector<std::string>& likes);

std::string format_keys_text(const std::vector<KeysSection>& sections);
std::string format_keys_json(const std::vector<KeysSection>& sections);

}  // namespace asadm
