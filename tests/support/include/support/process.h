#pragma once
// Test kit: real daemon processes for integration tests. A Process is started with
// fork/exec, its stdout and stderr go to a log file, and its destructor always kills and
// reaps it, so a failing test never leaks a daemon.

#include <sys/types.h>

#include <string>
#include <vector>

namespace support {

class Process {
 public:
  Process() = default;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();

  // Starts `argv[0]` (a path, or a name looked up in PATH) with the arguments; stdin is
  // /dev/null, output appended to `log_path`. Throws
  // std::runtime_error when fork fails.
  void start(const std::vector<std::string>& argv, const std::string& log_path);
  // As start(), with the file `stdin_path` as standard input, in a session of its own
  // without a controlling terminal: a tool that would ask on /dev/tty (a password
  // prompt) reads standard input instead, as it does under cron or CI.
  void start_detached(const std::vector<std::string>& argv, const std::string& log_path,
                      const std::string& stdin_path);
  bool running();
  // Sends a signal without waiting.
  void signal(int sig);
  void kill9();
  // Waits up to timeout_ms for exit; returns the exit status (or 128+signal), -1 on
  // timeout.
  int wait(int timeout_ms);
  pid_t pid() const { return pid_; }

 private:
  void launch(const std::vector<std::string>& argv, const std::string& log_path, const std::string& stdin_path,
              bool detach);

  pid_t pid_ = -1;
  int status_ = -1;
};

// Runs a command line tool (`argv[0]` looked up in PATH) to completion within
// timeout_ms, output appended to `log_path`; true when it exits 0.
bool run_tool(const std::vector<std::string>& argv, const std::string& log_path, int timeout_ms = 30000);

class TempDir;

// A finished command line tool: its exit status (-1: killed at the timeout) and what it
// wrote to stdout and stderr, together.
struct ToolRun {
  int code = -1;
  std::string out;
};
// Runs `argv` to completion within timeout_ms, its output kept in a file of `dir`. With
// `input`, that text is its standard input and it runs detached (start_detached);
// without, stdin is /dev/null.
ToolRun run_captured(const TempDir& dir, const std::vector<std::string>& argv, const std::string& input = {},
                     int timeout_ms = 30000);

// A loopback port nobody listens on right now, handed out once: no other call in this
// process and no other test process on the machine gets it until this process ends
// (a flock in $TMPDIR/asdtest-ports). Throws std::runtime_error when none is found.
uint16_t free_port();

// A fresh directory under /tmp, removed with its contents by the destructor (unless the
// environment has KEEP_TEST_DIRS=1, for a post-mortem).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& text);

// Polls `pred` every 20 ms (or interval_ms, for costly predicates such as a full scan)
// until it holds or timeout_ms passes.
template <typename Pred>
bool eventually(Pred pred, int timeout_ms);
template <typename Pred>
bool eventually(Pred pred, int timeout_ms, int interval_ms);

}  // namespace support

#include "support/eventually_impl.h"
