#pragma once
// `asadm manage config ...`: one dynamic config change on every node of the cluster,
// in asadm 2.x's words, sent as asd's `set-config` (xdr keys reach the node's xdr
// through asd):
//
//   manage config service param KEY to VALUE         set-config:context=service;KEY=VALUE
//   manage config network SUB param KEY to VALUE     set-config:context=network;SUB.KEY=VALUE
//                                                    (SUB: service, heartbeat, fabric, info)
//   manage config namespace NS param KEY to VALUE    set-config:context=namespace;id=NS;KEY=VALUE
//   manage config xdr param KEY to VALUE             set-config:context=xdr;KEY=VALUE
//   manage config xdr dc DC param KEY to VALUE       set-config:context=xdr;dc=DC;KEY=VALUE
//   manage config logging file SINK param CONTEXT to LEVEL
//                                                    set-config:context=logging;id=SINK;CONTEXT=LEVEL
//
// The result is one row per node:
//   ~~~~~~~~~~~~~~~~ Set Namespace test Param default-ttl to 100 ~~~~~~~~~~~~~~~~
//   Node            Node ID  Response
//   127.0.0.1:3000  A1       ok
//   127.0.0.1:3010  A2       'memory-sise' ... unknown key   <- status "refused"
//   127.0.0.1:3020  A3       unreachable (...)
// The change is sent to every node independently (there is no cluster-wide transaction,
// as with asadm): a refusal on one node does not undo it on the others.

#include <optional>
#include <string>
#include <vector>

#include "sheet.h"
#include "stats_collect.h"

namespace asadm {

struct ConfigChange {
  std::string context;   // service, network, namespace, xdr, logging
  std::string id_key;    // "id" or "dc"; empty when the context has no id
  std::string id;
  std::string key;       // as sent (network: SUB.KEY)
  std::string value;
  std::string title;     // "Set Namespace test Param default-ttl to 100"

  std::string command() const;  // the set-config command
};

// The words after `manage config`; nullopt with `error` set on bad usage.
std::optional<ConfigChange> parse_config_change(const std::vector<std::string>& words, std::string& error);

InfoPlan change_plan(const ConfigChange& change);

// The server's reason in a refusal: "ERROR::unknown key 'x'" -> "unknown key 'x'".
std::string refusal_text(const std::string& answer);

// One row per node; `refused` counts the nodes that did not say ok (refused or not reached).
Sheet change_sheet(const NodesReport& report, const ConfigChange& change, size_t& refused);

}  // namespace asadm
