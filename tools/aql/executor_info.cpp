// Executor: the statements answered through info commands (SHOW, indexes, modules).
// SHOW asks every node and prints one table per node, as Aerospike's aql does.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/base64.h"
#include "common/clock.h"
#include "executor.h"
#include "info_table.h"

namespace aql {

using common::ResultCode;

namespace {

constexpr uint64_t kWaitMs = 10000;
constexpr auto kPollPause = std::chrono::milliseconds(50);

std::string collection_name(client::IndexCollection c) {
  switch (c) {
    case client::IndexCollection::List: return "LIST";
    case client::IndexCollection::MapKeys: return "MAPKEYS";
    case client::IndexCollection::MapValues: return "MAPVALUES";
    default: return {};
  }
}

std::string base_name(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool index_ready(std::string_view value, std::string_view) { return value.find("load_pct=100") != std::string_view::npos; }

bool module_listed(std::string_view value, std::string_view filename) {
  return value.find("filename=" + std::string(filename) + ",") != std::string_view::npos;
}

bool module_gone(std::string_view value, std::string_view filename) { return !module_listed(value, filename); }

}  // namespace

std::optional<Failure> Executor::info_all(const std::string& command, std::vector<NodeAnswer>* answers) {
  auto nodes = client_.nodes();
  if (nodes.empty()) return client_failure({ResultCode::Unavailable, "client: no node in the cluster"});
  for (const auto& node : nodes) {
    auto value = client_.info(command, node.name);
    if (!value) return client_failure(value.error());
    answers->push_back({node.host.to_string(), node.name, std::move(*value)});
  }
  return std::nullopt;
}

void Executor::wait_all(const std::string& command, bool (*done)(std::string_view, std::string_view),
                        std::string_view arg) {
  const uint64_t deadline = common::steady_ms() + kWaitMs;
  for (const auto& node : client_.nodes()) {
    for (;;) {
      auto value = client_.info(command, node.name);
      if ((value && done(*value, arg)) || common::steady_ms() >= deadline) break;
      std::this_thread::sleep_for(kPollPause);
    }
  }
}

Executor::Outcome Executor::show(const Show& s) {
  if (s.what == Show::What::Bins) return show_bins(s);
  std::string command;
  switch (s.what) {
    case Show::What::Namespaces: command = "namespaces"; break;
    case Show::What::Sets: command = s.ns.empty() ? "sets" : "sets/" + s.ns; break;
    case Show::What::Indexes: command = s.ns.empty() ? "sindex-list:" : "sindex-list:ns=" + s.ns; break;
    default: command = "udf-list"; break;
  }
  const uint64_t start = common::steady_ms();
  std::vector<NodeAnswer> answers;
  if (auto failure = info_all(command, &answers)) return failure;
  for (const auto& answer : answers) {
    if (auto failure = info_failure(answer.value)) return failure;
    if (s.what == Show::What::Sets && answer.value.starts_with("ns_type=unknown")) {
      return client_failure({ResultCode::Namespace, {}});
    }
  }
  for (const auto& answer : answers) {
    ResultSet set;
    if (s.what == Show::What::Namespaces) set = info_list(answer.value, "namespaces");
    else set = info_items(answer.value, s.what == Show::What::Modules ? ',' : ':');
    print_set(set, seconds_since(start), answer.node);
  }
  print_ok();
  return {};
}

// asd has no `bins` info command; without one the names come from a scan of up to
// 10,000 records per namespace, in the order they are first seen.
Executor::Outcome Executor::show_bins(const Show& s) {
  const uint64_t start = common::steady_ms();
  ResultSet set;
  set.columns = {"namespace", "bin"};
  auto value = client_.info(s.ns.empty() ? "bins" : "bins/" + s.ns);
  if (!value) return client_failure(value.error());
  if (!info_failure(*value)) {
    set = info_bin_names(*value);
  } else {
    std::vector<std::string> namespaces{s.ns};
    if (s.ns.empty()) {
      auto list = client_.info("namespaces");
      if (!list) return client_failure(list.error());
      namespaces.clear();
      for (const auto& row : info_list(*list, "ns").rows) namespaces.emplace_back(*row[0]->as_string());
    }
    for (const auto& ns : namespaces) {
      std::vector<std::string> names;
      client::ScanPolicy policy;
      policy.max_records = 10000;
      policy.socket_timeout_ms = settings_.timeout_ms;
      policy.total_timeout_ms = settings_.timeout_ms;
      auto st = client_.scan(ns, "", [&](const client::Record& record) {
        for (const auto& bin : record.bins) {
          if (std::find(names.begin(), names.end(), bin.name) == names.end()) names.push_back(bin.name);
        }
        return true;
      }, policy);
      if (!st.ok()) return client_failure({st.code(), st.message()});
      for (const auto& name : names) set.rows.push_back({client::Value(ns), client::Value(name)});
    }
  }
  print_set(set, seconds_since(start));
  print_ok();
  return {};
}

Executor::Outcome Executor::create_index(const CreateIndex& s) {
  std::string command = "sindex-create:ns=" + s.target.ns;
  if (!s.target.set.empty()) command += ";set=" + s.target.set;
  command += ";indexname=" + s.name;
  if (auto type = collection_name(s.collection); !type.empty()) command += ";indextype=" + type;
  command += ";indexdata=" + s.bin + "," + s.type;
  auto value = client_.info(command);
  if (!value) return client_failure(value.error());
  if (auto failure = info_failure(*value)) return failure;
  // Queries fail with 203 until the index is built: wait for it as the C client's
  // index task does.
  wait_all("sindex/" + s.target.ns + "/" + s.name, index_ready, {});
  out_ << "OK, 1 index added.\n\n";
  return {};
}

Executor::Outcome Executor::drop_index(const DropIndex& s) {
  std::string command = "sindex-delete:ns=" + s.target.ns;
  if (!s.target.set.empty()) command += ";set=" + s.target.set;
  command += ";indexname=" + s.name;
  auto value = client_.info(command);
  if (!value) return client_failure(value.error());
  if (auto failure = info_failure(*value)) return failure;
  out_ << "OK, 1 index removed.\n\n";
  return {};
}

Executor::Outcome Executor::register_module(const RegisterModule& s) {
  std::ifstream file(s.path, std::ios::binary);
  std::ostringstream content;
  if (!file || !(content << file.rdbuf())) return local_failure("Cannot read module file '" + s.path + "'");
  std::string filename = base_name(s.path);
  std::string encoded = common::base64_encode(content.str());
  auto value = client_.info("udf-put:filename=" + filename + ";content=" + encoded +
                            ";content-len=" + std::to_string(encoded.size()) + ";udf-type=LUA;");
  if (!value) return client_failure(value.error());
  if (auto failure = info_failure(*value)) return failure;
  wait_all("udf-list", module_listed, filename);
  out_ << "OK, 1 module added.\n\n";
  return {};
}

Executor::Outcome Executor::remove_module(const RemoveModule& s) {
  auto value = client_.info("udf-remove:filename=" + s.filename + ";");
  if (!value) return client_failure(value.error());
  if (auto failure = info_failure(*value)) return failure;
  wait_all("udf-list", module_gone, s.filename);
  out_ << "OK, 1 module removed.\n\n";
  return {};
}

Executor::Outcome Executor::desc_module(const DescModule& s) {
  auto value = client_.info("udf-get:filename=" + s.filename + ";");
  if (!value) return client_failure(value.error());
  if (value->starts_with("error=not_found")) return server_failure(ResultCode::UdfExecution, "module not found");
  if (auto failure = info_failure(*value)) return failure;
  std::optional<std::string> text;
  size_t at = value->find("content=");
  if (at != std::string::npos) {
    std::string_view rest = std::string_view(*value).substr(at + 8);
    text = common::base64_decode(rest.substr(0, rest.find(';')));
  }
  if (!text) return server_failure(ResultCode::ServerError, "malformed udf-get answer");
  out_ << *text << (text->ends_with('\n') ? "" : "\n") << '\n';
  print_ok();
  return {};
}

}  // namespace aql
