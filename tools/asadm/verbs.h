#pragma once
// The asd verbs behind main.cpp's dispatch: each parses its words (bad usage: a message on
// stderr and exit code 1, before any node is asked), collects from every member of the
// seeds' cluster (stats_collect.h), and prints text or --json on stdout.
//
// Exit codes: 0 when at least one node answered (manage config: when every node said ok);
// 1 on bad usage, when no node answered, or when some node refused or missed a change.

#include <cstdint>
#include <string>
#include <vector>

#include "catalog_table.h"
#include "client/host.h"
#include "config_table.h"

namespace asadm {

struct VerbContext {
  std::vector<client::Host> seeds;
  uint32_t timeout_ms = 2000;
  bool json = false;
};

// info [network|namespace|set|xdr]...
int run_info(const VerbContext& context, const std::vector<std::string>& words);
// show config|statistics [context] [like PATTERN...]
int run_show_keys(const VerbContext& context, KeysKind kind, const std::vector<std::string>& words);
// show sindex | show udfs
int run_show_catalog(const VerbContext& context, Catalog catalog);
// summary
int run_summary(const VerbContext& context);
// manage config <context> ... param KEY to VALUE
int run_manage_config(const VerbContext& context, const std::vector<std::string>& words);

}  // namespace asadm
