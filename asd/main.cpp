// asd: the database daemon. Loads the config, starts the node, runs until SIGTERM or
// SIGINT, then stops every component in reverse order.

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "common/log.h"
#include "common/run_as.h"
#include "conf/config_error.h"
#include "conf/loader.h"
#include "node.h"

namespace {

void apply_logging(const conf::Config& config) {
  for (const auto& sink : config.logging.sinks) {
    if (sink.kind == conf::LogSinkKind::File) common::log_to_file(sink.path);
  }
  for (const auto& [context, level] : conf::ordered_log_levels(config.logging)) {
    common::set_log_level(context, level);
  }
}

// service { feature-key-file }: the real server reads its licence there. This build has no
// licensed features, so it only makes sure the file the operator named is there and
// readable, as the real server would.
void check_feature_key_file(const std::string& path) {
  if (path.empty()) return;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read feature-key-file " + path + ": " + std::strerror(errno));
  common::logger("as")->info("feature-key-file {} is readable; no feature of this build needs a licence", path);
}

// service { pidfile }: the process id, written once the node runs and removed at a clean
// stop. A file that cannot be written stops start-up.
void write_pidfile(const std::string& path) {
  if (path.empty()) return;
  std::ofstream out(path, std::ios::trunc);
  out << getpid() << "\n";
  out.flush();
  if (!out) throw std::runtime_error("cannot write pidfile " + path);
}

int wait_for_signal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"asd: Aerospike-compatible database daemon"};
  std::string config_path;
  bool foreground = true;
  app.add_option("--config,--config-file", config_path, "configuration file (Aerospike syntax)")->required();
  app.add_flag("--foreground", foreground, "run in the foreground (always the case)");
  CLI11_PARSE(app, argc, argv);

  // Block the stop signals in every thread; the main thread collects them with sigwait.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto log = common::logger("as");
  conf::Config config;
  try {
    config = conf::load_file(config_path);
  } catch (const conf::ConfigError& e) {
    log->critical("config error: {}", e.what());
    std::cerr << "asd: " << e.what() << "\n";
    return 1;
  }
  apply_logging(config);
  try {
    check_feature_key_file(config.service.feature_key_file);
    common::run_as(config.service.user, config.service.group);  // before any thread starts
  } catch (const std::exception& e) {
    log->critical("startup failed: {}", e.what());
    std::cerr << "asd: " << e.what() << "\n";
    return 1;
  }

  std::string pidfile = config.service.pidfile;
  asd::Node node(std::move(config));
  try {
    node.init();  // namespaces and partitions (local resources only)
    node.start();  // nsup thread, then the service port
    write_pidfile(pidfile);
  } catch (const std::exception& e) {
    log->critical("startup failed: {}", e.what());
    std::cerr << "asd: " << e.what() << "\n";
    return 1;
  }
  int sig = wait_for_signal();
  log->info("stopping signal={}", sig);
  node.stop();
  if (!pidfile.empty()) std::remove(pidfile.c_str());
  log->info("stopped");
  common::flush_logs();
  return 0;
}
