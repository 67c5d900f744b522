#include "support/process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace support {

Process::~Process() {
  if (pid_ > 0 && running()) {
    kill9();
  }
}

bool run_tool(const std::vector<std::string>& argv, const std::string& log_path, int timeout_ms) {
  Process p;
  p.start(argv, log_path);
  return p.wait(timeout_ms) == 0;
}

void Process::start(const std::vector<std::string>& argv, const std::string& log_path) {
  launch(argv, log_path, "/dev/null", false);
}

void Process::start_detached(const std::vector<std::string>& argv, const std::string& log_path,
                             const std::string& stdin_path) {
  launch(argv, log_path, stdin_path, true);
}

ToolRun run_captured(const TempDir& dir, const std::vector<std::string>& argv, const std::string& input,
                     int timeout_ms) {
  static std::atomic<int> calls{0};
  const std::string base = dir.path() + "/run" + std::to_string(++calls);
  Process p;
  if (input.empty()) {
    p.start(argv, base + ".log");
  } else {
    write_file(base + ".in", input);
    p.start_detached(argv, base + ".log", base + ".in");
  }
  ToolRun r;
  r.code = p.wait(timeout_ms);
  r.out = read_file(base + ".log");
  return r;
}

void Process::launch(const std::vector<std::string>& argv, const std::string& log_path, const std::string& stdin_path,
                     bool detach) {
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // A daemon dies with the test that started it, also when that test is killed (ctest's
    // timeout, a crash) and no destructor runs: it must not keep its ports, files and CPU
    // for the tests after it. Processes are started from the test's main thread, which
    // lives as long as the test (the signal follows the forking thread).
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    // Nothing started here reads the test's stdin (a command line tool would wait on it).
    int in_fd = open(stdin_path.c_str(), O_RDONLY);
    if (in_fd >= 0) {
      dup2(in_fd, STDIN_FILENO);
      close(in_fd);
    }
    if (detach) setsid();
    // The child must not inherit the parent's blocked signal mask (asd relies on it).
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());  // a bare name (a tool such as openssl) is looked up in PATH
    _exit(127);
  }
  pid_ = pid;
  status_ = -1;
}

bool Process::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  if (r == pid_) {
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  pid_ = -1;
  return false;
}

void Process::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

void Process::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait(10000);
}

int Process::wait(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return status_;
}

namespace {

// Where test processes reserve ports from each other: one lock file per port.
const std::string& port_lock_dir() {
  static const std::string dir = [] {
    std::string path = (std::filesystem::temp_directory_path() / "asdtest-ports").string();
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    std::filesystem::permissions(path, std::filesystem::perms::all | std::filesystem::perms::sticky_bit, ec);
    return path;
  }();
  return dir;
}

// Takes this machine's reservation of `port` for the rest of this process: an exclusive
// flock on its lock file, never released explicitly. False when another process holds
// it. The kernel drops the lock when the process ends, however it ends; O_CLOEXEC keeps
// the daemons we fork from inheriting (and so outliving us with) the lock.
bool reserve_port(uint16_t port) {
  std::string path = port_lock_dir() + "/" + std::to_string(port);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return false;
  }
  return true;  // fd stays open: it is the reservation
}

bool bindable(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

}  // namespace

uint16_t free_port() {
  // Ports from the kernel's ephemeral range can be handed to a client socket later, so
  // pick from a band below it at random and check it is bindable. A port handed out
  // stays reserved until this process ends, here and for every other test process on
  // the machine: tests pick their ports before starting the daemons that bind them (an
  // XDR ring picks six before its first daemon runs, and a restart leaves ports unbound
  // for a while), and ctest runs several test processes at once. Checking "bindable"
  // alone let two processes be given one still-unbound port: one daemon then failed to
  // bind it, or, worse, a test took the other test's daemon on it for its own (a ring's
  // client met another ring's xdr info port where its asd should have been).
  static std::mutex mutex;
  static std::set<uint16_t> handed_out;
  static std::mt19937 rng(std::random_device{}() ^ uint32_t(getpid()));
  std::lock_guard lock(mutex);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    uint16_t port = uint16_t(20000 + rng() % 12000);
    if (handed_out.count(port)) continue;
    // Reserve first, then probe: a probe of a port another test process holds could
    // make that process's daemon fail to bind it at that very moment.
    if (!reserve_port(port)) continue;
    handed_out.insert(port);  // ours now, even if something else has it bound
    if (bindable(port)) return port;
  }
  throw std::runtime_error("no free port");
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "asdtest-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  // KEEP_TEST_DIRS=1 keeps the daemons' logs, configs and files for a post-mortem.
  if (const char* keep = std::getenv("KEEP_TEST_DIRS"); keep && std::string(keep) == "1") return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

}  // namespace support
