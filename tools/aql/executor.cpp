// Executor: statement dispatch, settings, and the record statements (INSERT, SELECT,
// DELETE). Info-based statements are in executor_info.cpp, UDFs in executor_udf.cpp.

#include "executor.h"

#include "common/clock.h"
#include "filters.h"

namespace aql {

using common::ResultCode;

namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

constexpr std::string_view kHelp =
    "Statements (keywords in any case; ns = namespace, set optional):\n"
    "  INSERT INTO ns[.set] (PK, bin, ...) VALUES (key, value, ...)\n"
    "  SELECT * | bin, ... FROM ns[.set] [IN LIST|MAPKEYS|MAPVALUES]\n"
    "         [WHERE PK = v | bin = v | bin BETWEEN a AND b | bin CONTAINS|WITHIN GeoJSON('...')]\n"
    "  DELETE FROM ns[.set] WHERE PK = v\n"
    "  SHOW NAMESPACES | SETS [ns] | BINS [ns] | INDEXES [ns] | MODULES\n"
    "  CREATE [LIST|MAPKEYS|MAPVALUES] INDEX name ON ns[.set] (bin) NUMERIC|STRING|GEO2DSPHERE\n"
    "  DROP INDEX ns[.set] name\n"
    "  REGISTER MODULE 'path/file.lua' | REMOVE MODULE file.lua | DESC MODULE file.lua\n"
    "  EXECUTE module.fn(args) ON ns[.set] WHERE PK = v\n"
    "  AGGREGATE module.fn(args) ON ns[.set] [WHERE bin = v | bin BETWEEN a AND b]\n"
    "  SET OUTPUT TABLE|JSON | SET TIMEOUT ms | SET KEY_SEND true|false\n"
    "Values: 1, 1.5, 'text', \"text\", true, false, NULL, JSON('...'), LIST('[...]'),\n"
    "        MAP('{...}'), GeoJSON('...'). Several statements on a line: separate with ';'.\n";

}  // namespace

double seconds_since(uint64_t start_ms) { return double(common::steady_ms() - start_ms) / 1000.0; }

bool Executor::run(std::string_view text) {
  if (settings_.echo && settings_.output == OutputMode::Table) out_ << text << '\n';
  auto statement = parse_statement(text);
  Outcome outcome = statement ? execute(*statement) : Outcome(local_failure(statement.error().message));
  if (outcome) out_ << error_line(*outcome) << "\n\n";
  out_.flush();
  return !outcome;
}

Executor::Outcome Executor::execute(const Statement& statement) {
  return std::visit(
      Overloaded{
          [&](const Insert& s) { return insert(s); },
          [&](const Select& s) { return select(s); },
          [&](const Delete& s) { return remove(s); },
          [&](const Show& s) { return show(s); },
          [&](const CreateIndex& s) { return create_index(s); },
          [&](const DropIndex& s) { return drop_index(s); },
          [&](const RegisterModule& s) { return register_module(s); },
          [&](const RemoveModule& s) { return remove_module(s); },
          [&](const DescModule& s) { return desc_module(s); },
          [&](const Execute& s) { return execute_udf(s); },
          [&](const Aggregate& s) { return aggregate(s); },
          [&](const SetOutput& s) {
            settings_.output = s.mode;
            out_ << "OUTPUT = " << (s.mode == OutputMode::Json ? "JSON" : "TABLE") << "\n\n";
            return Outcome();
          },
          [&](const SetTimeout& s) {
            settings_.timeout_ms = s.ms;
            out_ << "TIMEOUT = " << s.ms << "\n\n";
            return Outcome();
          },
          [&](const SetKeySend& s) {
            settings_.key_send = s.on;
            out_ << "KEY_SEND = " << (s.on ? "true" : "false") << "\n\n";
            return Outcome();
          },
          [&](const Help&) { return help(); },
      },
      statement);
}

void Executor::print_set(const ResultSet& set, double seconds, const std::string& node) {
  if (settings_.output == OutputMode::Json) {
    out_ << render_json(set);
    return;
  }
  out_ << render_table(set) << rows_line(set.rows.size(), seconds, node) << "\n\n";
}

void Executor::print_ok() {
  if (settings_.output == OutputMode::Table) out_ << "OK\n\n";
}

Executor::Outcome Executor::insert(const Insert& s) {
  auto key = make_key(s.target, s.key);
  if (!key) return local_failure("PK must be an integer or a string");
  client::WritePolicy policy;
  policy.timeout_ms = settings_.timeout_ms;
  policy.send_key = settings_.key_send;
  if (auto st = client_.put(*key, s.bins, policy); !st.ok()) return client_failure({st.code(), st.message()});
  out_ << "OK, 1 record affected.\n\n";
  return {};
}

Executor::Outcome Executor::remove(const Delete& s) {
  auto key = make_key(s.target, s.pk);
  if (!key) return local_failure("PK must be an integer or a string");
  client::WritePolicy policy;
  policy.timeout_ms = settings_.timeout_ms;
  auto existed = client_.remove(*key, policy);
  if (!existed) return client_failure(existed.error());
  if (!*existed) return client_failure({ResultCode::NotFound, {}});
  out_ << "OK, 1 record affected.\n\n";
  return {};
}

Executor::Outcome Executor::select(const Select& s) {
  const uint64_t start = common::steady_ms();
  ResultSet set;
  set.columns = s.bins;
  auto add = [&](const client::Record& record) {
    if (s.bins.empty()) set.add_record(record, true);
    else set.add_projected(record);
    return true;
  };
  if (s.pk) {
    auto key = make_key(s.target, *s.pk);
    if (!key) return local_failure("PK must be an integer or a string");
    client::ReadPolicy policy;
    policy.timeout_ms = settings_.timeout_ms;
    auto record = client_.get(*key, s.bins, policy);
    if (!record) return client_failure(record.error());
    add(*record);
  } else {
    client::ScanPolicy policy;
    policy.bins = s.bins;
    policy.socket_timeout_ms = settings_.timeout_ms;
    policy.total_timeout_ms = settings_.timeout_ms;
    if (s.where) policy.filter = index_filter(*s.where, s.collection);
    if (auto st = client_.scan(s.target.ns, s.target.set, add, policy); !st.ok()) {
      return client_failure({st.code(), st.message()});
    }
  }
  print_set(set, seconds_since(start));
  print_ok();
  return {};
}

Executor::Outcome Executor::help() {
  out_ << kHelp << '\n';
  return {};
}

}  // namespace aql
