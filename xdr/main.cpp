// xdr: the cross-datacenter replication daemon. Same config file as asd; runs until
// SIGTERM or SIGINT, then stops every component in reverse order and exits 0.

#include <csignal>
#include <iostream>

#include <CLI/CLI.hpp>

#include "common/log.h"
#include "common/run_as.h"
#include "conf/config_error.h"
#include "conf/loader.h"
#include "xdr/daemon.h"

namespace {

// Levels only: asd owns the log files of the config (two processes appending to one
// file would interleave), xdr logs to its console.
void apply_log_levels(const conf::Config& config) {
  for (const auto& [context, level] : conf::ordered_log_levels(config.logging)) {
    common::set_log_level(context, level);
  }
}

int wait_for_signal(const sigset_t& set) {
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

int fail(const std::string& message) {
  common::logger("xdr")->critical("{}", message);
  std::cerr << "xdr: " << message << "\n";
  common::flush_logs();
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"xdr: cross-datacenter replication daemon"};
  std::string config_path;
  app.add_option("--config,--config-file", config_path, "configuration file (same as asd's)")->required();
  CLI11_PARSE(app, argc, argv);

  // Block the stop signals in every thread; the main thread collects them with sigwait.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  conf::Config config;
  try {
    config = conf::load_file(config_path);
  } catch (const conf::ConfigError& e) {
    return fail(std::string("config error: ") + e.what());
  }
  if (std::string why = xdr::check_runnable(config); !why.empty()) return fail("refusing to start: " + why);
  apply_log_levels(config);
  try {
    common::run_as(config.service.user, config.service.group);  // as asd does, before any thread
  } catch (const std::exception& e) {
    return fail(std::string("startup failed: ") + e.what());
  }

  xdr::Daemon daemon(std::move(config));
  try {
    daemon.init();   // digest log, topology, shippers, recovery (local resources only)
    daemon.start();  // pipe reader, asd link, src-id learner, shippers, recovery, info port
  } catch (const std::exception& e) {
    daemon.stop();
    return fail(std::string("startup failed: ") + e.what());
  }
  int sig = wait_for_signal(set);
  common::logger("xdr")->info("stopping signal={}", sig);
  daemon.stop();
  common::flush_logs();
  return 0;
}
