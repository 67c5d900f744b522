// aql: the Aerospike query shell. Statements come from -c (each may hold several,
// separated by ';'), from -f FILE (one or more per line; lines starting with -- or #
// are comments), or else interactively (libedit on a terminal, plain lines from a pipe).
// With -c or -f each statement is echoed before its output and the exit status is 1
// when any statement failed. executor.h describes the output. On a cluster with
// security, -U USER -P [PASSWORD] (login_flags.h) logs every connection in; a refused
// login, or a secured cluster without one, ends aql at once with the node's refusal
// ("Error: not authenticated (80) from ..."), and a statement the user's roles do not
// allow fails as any other ("Error: (81) AEROSPIKE_ROLE_VIOLATION").

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "client/client.h"
#include "login_flags/login_flags.h"
#include "tls_flags/tls_flags.h"
#include "common/log.h"
#include "executor.h"
#include "lexer.h"
#include "line_reader.h"

namespace {

struct Options {
  std::string host = "127.0.0.1";
  uint16_t port = 3000;
  std::vector<std::string> commands;
  std::string file;
  std::string output = "table";
  uint32_t timeout_ms = 1000;
};

bool is_quit(const std::string& text) {
  std::string word;
  for (char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c)) && c != ';') word.push_back(char(std::tolower(static_cast<unsigned char>(c))));
  }
  return word == "exit" || word == "quit";
}

bool is_comment(const std::string& line) {
  size_t first = line.find_first_not_of(" \t");
  return first == std::string::npos || line.compare(first, 2, "--") == 0 || line[first] == '#';
}

// Runs every statement of one input line; false when any failed. Sets *quit on exit/quit.
bool run_line(aql::Executor& executor, const std::string& line, bool* quit) {
  bool ok = true;
  for (const std::string& statement : aql::split_statements(line)) {
    if (is_quit(statement)) {
      *quit = true;
      break;
    }
    ok = executor.run(statement) && ok;
  }
  return ok;
}

int run_file(aql::Executor& executor, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "Error: Cannot read file '" << path << "'\n";
    return 1;
  }
  bool ok = true, quit = false;
  for (std::string line; !quit && std::getline(in, line);) {
    if (!is_comment(line)) ok = run_line(executor, line, &quit) && ok;
  }
  return ok ? 0 : 1;
}

void run_interactive(aql::Executor& executor) {
  bool quit = false;
  if (!isatty(STDIN_FILENO)) {
    for (std::string line; !quit && std::getline(std::cin, line);) {
      if (!is_comment(line)) run_line(executor, line, &quit);
    }
    return;
  }
  aql::LineReader reader;
  while (!quit) {
    auto line = reader.read("aql> ");
    if (!line) break;
    run_line(executor, *line, &quit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  CLI::App app{"aql: the Aerospike query shell"};
  app.set_help_flag("--help", "Print this help and exit");
  app.add_option("-h,--host", opt.host, "Seed host (HOST or HOST:TLS-NAME:PORT)")->capture_default_str();
  app.add_option("-p,--port", opt.port, "Seed port")->capture_default_str();
  app.add_option("-c,--command", opt.commands, "Run these statements (';'-separated) and exit");
  app.add_option("-f,--file", opt.file, "Run the statements of this file and exit");
  app.add_option("-o,--outputmode", opt.output, "Output mode")
      ->check(CLI::IsMember({"table", "json"}, CLI::ignore_case))
      ->capture_default_str();
  app.add_option("-T,--timeout", opt.timeout_ms, "Timeout of every command, in ms")->capture_default_str();
  tools::TlsFlags tls;
  tls.add_to(app);
  tools::LoginFlags login;
  login.add_to(app);
  CLI11_PARSE(app, argc, argv);

  // The client's own warnings would interleave with query output.
  common::set_log_level("any", "critical");

  auto seed = tls.host(opt.host, opt.port);
  if (!seed) {
    std::cerr << "aql: bad host '" << opt.host << "'\n";
    return 1;
  }
  if (std::string usage = login.resolve(); !usage.empty()) {
    std::cerr << "aql: " << usage << '\n';
    return 1;
  }
  client::ClientConfig config;
  config.seeds = {*seed};
  config.timeout_ms = opt.timeout_ms;
  config.tls = tls.tls_policy();
  login.apply(config);
  auto client = client::Client::connect(config);
  if (!client) {
    std::cerr << aql::error_line(aql::connect_failure(client.error())) << " (seed " << opt.host << ':' << opt.port
              << ")\n";
    return 1;
  }

  aql::Settings settings;
  std::transform(opt.output.begin(), opt.output.end(), opt.output.begin(), [](unsigned char c) { return std::tolower(c); });
  settings.output = opt.output == "json" ? aql::OutputMode::Json : aql::OutputMode::Table;
  settings.timeout_ms = opt.timeout_ms;
  settings.echo = !opt.commands.empty() || !opt.file.empty();
  aql::Executor executor(**client, settings, std::cout);

  if (!opt.commands.empty()) {
    bool ok = true, quit = false;
    for (const std::string& command : opt.commands) {
      if (!quit) ok = run_line(executor, command, &quit) && ok;
    }
    return ok ? 0 : 1;
  }
  if (!opt.file.empty()) return run_file(executor, opt.file);
  run_interactive(executor);
  return 0;
}
