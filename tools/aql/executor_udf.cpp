// Executor: EXECUTE (a record UDF on one key) and AGGREGATE (a stream UDF over a scan or
// an index query). Both show the function's values in one column named after it.

#include "common/clock.h"
#include "executor.h"
#include "filters.h"
#include "proto/msgpack.h"
#include "value_text.h"

namespace aql {

namespace {

std::string args_msgpack(const std::vector<client::Value>& args) {
  std::string out;
  proto::msgpack::Writer(&out).array_header(uint32_t(args.size()));
  for (const auto& arg : args) append_msgpack(arg, &out);
  return out;
}

}  // namespace

Executor::Outcome Executor::execute_udf(const Execute& s) {
  const uint64_t start = common::steady_ms();
  auto key = make_key(s.target, s.pk);
  if (!key) return local_failure("PK must be an integer or a string");
  client::WritePolicy policy;
  policy.timeout_ms = settings_.timeout_ms;
  policy.send_key = settings_.key_send;
  auto record = client_.apply(*key, s.call.module, s.call.function, args_msgpack(s.call.args), policy);
  if (!record) return client_failure(record.error());
  ResultSet set;
  set.columns = {s.call.function};
  const client::Value* value = record->bin("SUCCESS");
  set.rows.push_back({value ? std::optional<client::Value>(*value) : std::nullopt});
  print_set(set, seconds_since(start));
  print_ok();
  return {};
}

// The server runs the stream up to its first reduce on each node; with one node that
// is the whole answer. Several nodes' partial reductions are shown as they come (no
// local Lua runs the final reduce).
Executor::Outcome Executor::aggregate(const Aggregate& s) {
  const uint64_t start = common::steady_ms();
  ResultSet set;
  set.columns = {s.call.function};
  client::ScanPolicy policy;
  policy.socket_timeout_ms = settings_.timeout_ms;
  policy.total_timeout_ms = settings_.timeout_ms;
  if (s.where) policy.filter = index_filter(*s.where, s.collection);
  auto st = client_.aggregate(
      s.target.ns, s.target.set, s.call.module, s.call.function, args_msgpack(s.call.args),
      [&](const client::Value& value) {
        set.rows.push_back({value});
        return true;
      },
      policy);
  if (!st.ok()) return client_failure({st.code(), st.message()});
  print_set(set, seconds_since(start));
  print_ok();
  return {};
}

}  // namespace aql
