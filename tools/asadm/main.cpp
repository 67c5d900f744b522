// asadm: the cluster and XDR parts of Aerospike's admin shell, as one-shot commands.
//
//   asadm [-h HOST[:PORT]]... [-p PORT] [--timeout S] show cluster [--json]
//   asadm [-h HOST[:PORT]]... [-p PORT] [--timeout S] show xdr [--json]
//   asadm [-h HOST[:PORT]]... [-p PORT] [--timeout S] watch xdr [--interval S] [--count N]
//   asadm [...] info [network|namespace|set|xdr]... [--json]
//   asadm [...] show config [service|network|namespace|xdr] [like PATTERN...] [--json]
//   asadm [...] show statistics [service|namespace|set|xdr] [like PATTERN...] [--json]
//   asadm [...] show sindex|udfs [--json]
//   asadm [...] summary [--json]
//   asadm [...] manage config <context> [namespace NS | dc DC] param KEY to VALUE [--json]
//   asadm [...] manage acl create|delete|grant|revoke user|role ... [--json]  (manage_acl.h)
//   asadm [...] show users|roles [NAME] [--json]
//   asadm [...] [--enable] -e "COMMAND"     the real asadm's one-shot form of any of these
//
// The verbs of the second group talk to asd service ports (default 3000) and are run by
// verbs.h: every member of the seeds' cluster is found and asked in parallel.
//
// `show cluster` talks to asd service ports (default port 3000): the given hosts list their
// peers (`peers-clear-std`), then every member found is asked for its cluster and namespace
// stats (cluster_report.h), and one table shows whether they agree on the cluster.
// `show xdr` / `watch xdr` take xdr info ports (xdr-info-port) and asd service ports alike
// as seeds: an xdr is shown as given; an asd leads to every member of its cluster, and to
// the xdr each member's asd names (xdr_discovery.h). Hosts given without a port use -p,
// default 3004, so a bare host is an xdr; `-p 3000` makes bare hosts asd seeds.
// Every node is asked in parallel, so one dead node costs one timeout, not one per node.
// On a cluster with security, -U USER -P [PASSWORD] (login_flags.h) logs every asd
// connection in; a node that refuses (no login, a wrong password) is an error row with
// the node's refusal, e.g. "not authenticated (80) from 10.0.0.5:3000". show/watch xdr
// ignore the login flags as they ignore the TLS flags: xdr info ports have no logins.
// Exit code: 0 when at least one node answered (as asd for `cluster`, as an xdr daemon for
// `xdr`; the others print as unreachable or error rows), 1 on bad usage or when no node did
// (in `watch`, judged on the last round); `manage config` also exits 1 when any node did
// not apply the change. Disagreement inside a cluster is reported in the output, not in
// the exit code.

#include <unistd.h>

#include <chrono>
#include <cctype>
#include <csignal>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "cluster_report.h"
#include "cluster_table.h"
#include "common/log.h"
#include "login_flags/login_flags.h"
#include "manage_acl.h"
#include "service_info.h"
#include "tls_flags/tls_flags.h"
#include "verbs.h"
#include "xdr_discovery.h"
#include "xdr_report.h"
#include "xdr_table.h"

namespace {

constexpr uint16_t kXdrInfoPort = 3004;
constexpr uint16_t kServicePort = 3000;

volatile std::sig_atomic_t g_interrupted = 0;

void on_sigint(int) { g_interrupted = 1; }

struct Options {
  std::vector<std::string> hosts;
  uint16_t port = 0;  // 0: the command's own default (kServicePort or kXdrInfoPort)
  double timeout_s = 2.0;
  bool json = false;
  double interval_s = 1.0;
  int count = 0;  // 0 = until SIGINT
};

int64_t now_unix_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

bool any_ok(const std::vector<asadm::NodeReport>& reports) {
  for (const auto& report : reports) {
    if (report.state == asadm::NodeState::Ok) return true;
  }
  return false;
}

std::string timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  return buf;
}

int show(const std::vector<client::Host>& hosts, const Options& opt) {
  auto reports = asadm::collect_xdr(hosts, uint32_t(opt.timeout_s * 1000));
  std::cout << (opt.json ? asadm::format_json(reports) : asadm::format_table(reports, now_unix_ms()));
  std::cout.flush();
  return any_ok(reports) ? 0 : 1;
}

int show_cluster(const std::vector<client::Host>& hosts, const Options& opt) {
  auto report = asadm::collect_cluster(hosts, uint32_t(opt.timeout_s * 1000));
  std::cout << (opt.json ? asadm::format_cluster_json(report) : asadm::format_cluster_table(report));
  std::cout.flush();
  for (const auto& member : report.members) {
    if (member.state == asadm::MemberState::Ok) return 0;
  }
  return 1;
}

int watch(const std::vector<client::Host>& hosts, const Options& opt) {
  // No SA_RESTART: a blocking poll in the client returns early instead of finishing a
  // timeout before we notice Ctrl-C.
  struct sigaction action {};
  action.sa_handler = on_sigint;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);

  const bool tty = isatty(STDOUT_FILENO) != 0;
  int exit_code = 0;
  for (int round = 0; opt.count == 0 || round < opt.count; ++round) {
    auto reports = asadm::collect_xdr(hosts, uint32_t(opt.timeout_s * 1000));
    if (g_interrupted) break;
    exit_code = any_ok(reports) ? 0 : 1;
    // A terminal gets a redraw in place; a pipe or file keeps every round, each stamped.
    if (tty) std::cout << "\x1b[H\x1b[2J";
    std::cout << "--- " << timestamp() << " (every " << opt.interval_s << "s) ---\n"
              << asadm::format_table(reports, now_unix_ms());
    std::cout.flush();
    if (opt.count != 0 && round + 1 == opt.count) break;
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(opt.interval_s);
    while (!g_interrupted && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (g_interrupted) break;
  }
  return exit_code;
}

// The real asadm's `-e "COMMAND"` (and `--execute`): the command's words, split as a
// shell would (quotes kept together, one trailing ';' dropped), take the option's place.
std::vector<std::string> expand_execute(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) {
    std::string text;
    if ((args[i] == "-e" || args[i] == "--execute") && i + 1 < args.size()) {
      text = args[i + 1];
      args.erase(args.begin() + long(i), args.begin() + long(i) + 2);
    } else if (args[i].rfind("--execute=", 0) == 0) {
      text = args[i].substr(10);
      args.erase(args.begin() + long(i));
    } else {
      continue;
    }
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (char c : text) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word += c;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        in_word = true;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        if (in_word) words.push_back(std::move(word));
        word.clear();
        in_word = false;
      } else {
        word += c;
        in_word = true;
      }
    }
    if (in_word) words.push_back(std::move(word));
    if (!words.empty() && words.back() == ";") words.pop_back();
    if (!words.empty() && words.back().ends_with(';')) words.back().pop_back();
    args.insert(args.end(), words.begin(), words.end());
    break;
  }
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> expanded = expand_execute(argc, argv);
  std::vector<char*> expanded_argv;
  for (std::string& arg : expanded) expanded_argv.push_back(arg.data());
  argc = int(expanded_argv.size());
  argv = expanded_argv.data();
  Options opt;
  CLI::App app{"asadm: cluster status and configuration of asd nodes (show, info, summary, manage config), "
               "XDR status of xdr daemons (show xdr, watch xdr)"};
  // -h is the host, as in Aerospike's tools; help is --help only.
  app.set_help_flag("--help", "Show program usage");
  app.add_option("-h,--host", opt.hosts, "Node as HOST or HOST:PORT (repeatable; default 127.0.0.1)");
  app.add_option("-p,--port", opt.port,
                 "Port for hosts given without one (default: 3000, asd's service port, for cluster; "
                 "3004, xdr-info-port, for xdr). For xdr a host may be either port: an xdr info port "
                 "shows that xdr, an asd service port shows the xdr of every member of its cluster")
      ->check(CLI::Range(1, 65535));
  app.add_option("--timeout", opt.timeout_s, "Per-request timeout in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  tools::TlsFlags tls;
  tls.add_to(app);
  tools::LoginFlags login;
  login.add_to(app);
  bool enable = false;  // the real asadm's privileged mode: one-shot commands need none here
  app.add_flag("--enable", enable, "Accepted for the real asadm's `--enable -e \"manage ...\"` (no effect)");
  app.require_subcommand(1);
  app.fallthrough();  // `asadm show xdr -h h2` works as well as `asadm -h h2 show xdr`

  auto* show_cmd = app.add_subcommand("show", "Print once");
  auto* show_cluster_cmd =
      show_cmd->add_subcommand("cluster", "Members, cluster key agreement, migrations, partitions");
  show_cluster_cmd->add_flag("--json", opt.json, "One JSON document instead of the table");
  auto* show_xdr = show_cmd->add_subcommand(
      "xdr", "Per-DC and per-namespace XDR shipping stats per node, then a summary per DC");
  show_xdr->add_flag("--json", opt.json, "One JSON document instead of tables");
  show_cmd->require_subcommand(1);
  show_cmd->fallthrough();
  show_cluster_cmd->fallthrough();
  show_xdr->fallthrough();

  // The asd verbs take free words after the verb, as asadm's shell does.
  std::vector<std::string> words;
  auto add_verb = [&](CLI::App* parent, const char* name, const char* help, const char* words_help) {
    auto* cmd = parent->add_subcommand(name, help);
    cmd->add_flag("--json", opt.json, "One JSON document instead of tables");
    if (words_help != nullptr) cmd->add_option("words", words, words_help);
    cmd->fallthrough();
    return cmd;
  };
  auto* info_cmd = add_verb(&app, "info", "Network, namespace, set and XDR summary tables per node",
                            "Sections: network, namespace, set, xdr (default: all)");
  auto* show_config = add_verb(show_cmd, "config", "Configuration, keys x nodes, per context",
                               "[service|network|namespace|xdr] [like PATTERN...]");
  auto* show_statistics = add_verb(show_cmd, "statistics", "Statistics, keys x nodes, per context",
                                   "[service|namespace|set|xdr] [like PATTERN...]");
  auto* show_sindex = add_verb(show_cmd, "sindex", "Secondary indexes (sindex-list)", nullptr);
  auto* show_udfs = add_verb(show_cmd, "udfs", "UDF modules (udf-list)", nullptr);
  auto* show_users = add_verb(show_cmd, "users", "Users and their roles (a secured cluster)", "[USER]");
  auto* show_roles = add_verb(show_cmd, "roles", "Roles, their privileges and allowlists", "[ROLE]");
  auto* summary_cmd = add_verb(&app, "summary", "Cluster and namespace summary", nullptr);
  auto* manage_cmd = app.add_subcommand("manage", "Change the cluster");
  auto* manage_config = add_verb(manage_cmd, "config", "set-config on every node",
                                 "<service | network SUB | namespace NS | xdr [dc DC] | logging file SINK> "
                                 "param KEY to VALUE");
  auto* manage_acl = add_verb(manage_cmd, "acl", "Users and roles (create, delete, grant, revoke, ...)",
                              "create|delete user|role NAME ..., grant|revoke user|role NAME ..., "
                              "set-password user NAME, change-password, allowlist role NAME, quotas role NAME");
  manage_cmd->require_subcommand(1);
  manage_cmd->fallthrough();

  auto* watch_cmd = app.add_subcommand("watch", "Print repeatedly until --count or Ctrl-C");
  auto* watch_xdr = watch_cmd->add_subcommand(
      "xdr", "Per-DC and per-namespace XDR shipping stats per node, then a summary per DC");
  watch_xdr->add_option("--interval", opt.interval_s, "Seconds between refreshes")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  watch_xdr->add_option("--count", opt.count, "Stop after N refreshes (default: until Ctrl-C)")
      ->check(CLI::PositiveNumber);
  watch_cmd->require_subcommand(1);
  watch_cmd->fallthrough();
  watch_xdr->fallthrough();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 1;  // --help is success; every usage error is exit 1
  }

  const bool cluster = show_cluster_cmd->parsed();
  const bool asd_verb = info_cmd->parsed() || show_config->parsed() || show_statistics->parsed() ||
                        show_sindex->parsed() || show_udfs->parsed() || summary_cmd->parsed() ||
                        manage_config->parsed() || show_users->parsed() || show_roles->parsed() ||
                        manage_acl->parsed();
  if (opt.port == 0) opt.port = cluster || asd_verb ? kServicePort : kXdrInfoPort;
  if (opt.hosts.empty()) opt.hosts.push_back("127.0.0.1");
  // asd service ports speak TLS with --tls-enable; xdr info ports are always plaintext.
  const bool service_hosts = cluster || asd_verb;
  std::optional<asadm::AclCommand> acl;
  if (manage_acl->parsed()) {
    std::string error;
    acl = asadm::parse_acl_command(words, error);
    if (!acl) {
      std::cerr << "asadm: manage acl: " << error << "\n";
      return 1;
    }
  }
  if (std::string usage = login.resolve(); !usage.empty()) {
    std::cerr << "asadm: " << usage << '\n';
    return 1;
  }
  if (service_hosts) {
    std::string tls_error;
    asadm::set_service_tls(tls.context(&tls_error));
    if (!tls_error.empty()) {
      std::cerr << "asadm: " << tls_error << '\n';
      return 1;
    }
    asadm::set_service_login(login.user, login.password);
  }
  std::vector<client::Host> hosts;
  for (const auto& text : opt.hosts) {
    auto host = service_hosts ? tls.host(text, opt.port) : client::Host::parse(text, opt.port);
    if (!host) {
      std::cerr << "asadm: bad host '" << text << "'\n";
      return 1;
    }
    hosts.push_back(*host);
  }

  if (show_users->parsed() || show_roles->parsed() || manage_acl->parsed()) {
    common::set_log_level("any", "critical");  // the client's own lines; its errors are printed
    client::ClientConfig config;
    config.seeds = hosts;
    config.tend = false;
    config.timeout_ms = uint32_t(opt.timeout_s * 1000);
    config.connect_timeout_ms = config.timeout_ms;
    config.tls = tls.tls_policy();
    login.apply(config);
    if (show_users->parsed()) return asadm::run_show_users(config, words, opt.json);
    if (show_roles->parsed()) return asadm::run_show_roles(config, words, opt.json);
    return asadm::run_manage_acl(config, std::move(*acl), opt.json, tools::ask_secret);
  }
  if (cluster) return show_cluster(hosts, opt);
  asadm::VerbContext verb{hosts, uint32_t(opt.timeout_s * 1000), opt.json};
  if (info_cmd->parsed()) return asadm::run_info(verb, words);
  if (show_config->parsed()) return asadm::run_show_keys(verb, asadm::KeysKind::Config, words);
  if (show_statistics->parsed()) return asadm::run_show_keys(verb, asadm::KeysKind::Statistics, words);
  if (show_sindex->parsed()) return asadm::run_show_catalog(verb, asadm::Catalog::Sindex);
  if (show_udfs->parsed()) return asadm::run_show_catalog(verb, asadm::Catalog::Udfs);
  if (summary_cmd->parsed()) return asadm::run_summary(verb);
  if (manage_config->parsed()) return asadm::run_manage_config(verb, words);
  if (*show_xdr) return show(hosts, opt);
  return watch(hosts, opt);
}
