#include "login_flags.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <optional>

#include <CLI/CLI.hpp>

namespace tools {

namespace {

// One line from `fd`, read a byte at a time so that nothing past the newline is taken
// from whoever reads the descriptor next (aql's statements on standard input). nullopt
// when the input ended before giving anything.
std::optional<std::string> read_line(int fd) {
  std::string line;
  bool any = false;
  for (char c;;) {
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    any = true;
    if (c == '\n') break;
    line.push_back(c);
  }
  if (!any) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

// The terminal's settings while echo is off, put back by a signal that ends the prompt
// (Ctrl-C must not leave the shell without echo).
int g_tty = -1;
termios g_saved{};

void restore_and_reraise(int sig) {
  ::tcsetattr(g_tty, TCSAFLUSH, &g_saved);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

std::optional<std::string> ask_on_terminal(int tty, const std::string& prompt) {
  if (::write(tty, prompt.data(), prompt.size()) < 0) return std::nullopt;
  bool quiet = ::tcgetattr(tty, &g_saved) == 0;
  if (quiet) {
    g_tty = tty;
    for (int sig : {SIGINT, SIGTERM, SIGQUIT, SIGHUP}) std::signal(sig, restore_and_reraise);
    termios no_echo = g_saved;
    no_echo.c_lflag &= ~tcflag_t(ECHO);
    ::tcsetattr(tty, TCSAFLUSH, &no_echo);
  }
  auto line = read_line(tty);
  if (quiet) {
    ::tcsetattr(tty, TCSAFLUSH, &g_saved);
    for (int sig : {SIGINT, SIGTERM, SIGQUIT, SIGHUP}) std::signal(sig, SIG_DFL);
  }
  [[maybe_unused]] ssize_t ignored = ::write(tty, "\n", 1);
  return line;
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::toupper(c)); });
  return text;
}

}  // namespace

std::optional<std::string> ask_secret(const std::string& prompt) {
  // As the real tools: the terminal when there is one, else a line of standard input.
  int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty < 0) return read_line(STDIN_FILENO);
  auto line = ask_on_terminal(tty, prompt);
  ::close(tty);
  return line;
}

void LoginFlags::add_to(CLI::App& app) {
  app.add_option("-U,--user", user, "User to log in as (a cluster with security enabled)")->type_name("USER");
  password_option_ = app.add_option("-P,--password", password,
                                    "Password of --user; -P alone (or -U without -P) asks for it on the terminal, "
                                    "or reads one line of standard input when there is no terminal")
                         ->expected(0, 1)
                         ->type_name("[PASSWORD]");
  app.add_option("--auth", auth,
                 "Authentication mode: INTERNAL; EXTERNAL, EXTERNAL_INSECURE (LDAP) and PKI are not supported "
                 "by this server")
      ->type_name("MODE")
      ->capture_default_str();
}

std::string LoginFlags::resolve() {
  const std::string mode = upper(auth);
  if (mode == "EXTERNAL" || mode == "EXTERNAL_INSECURE" || mode == "PKI") {
    return "--auth " + mode + " is not supported: this server has no LDAP (EXTERNAL, EXTERNAL_INSECURE) or " +
           "PKI logins; use INTERNAL (-U USER -P PASSWORD)";
  }
  if (mode != "INTERNAL") return "--auth must be INTERNAL, EXTERNAL, EXTERNAL_INSECURE or PKI, not '" + auth + "'";
  const bool password_given = password_option_ != nullptr && password_option_->count() > 0;
  if (user.empty()) return password_given ? "-P/--password needs -U/--user USER" : std::string();
  if (password_given && !password.empty()) return {};
  auto asked = ask_secret("Password: ");
  if (!asked) {
    return "no password for user '" + user + "': give -P PASSWORD, or -P alone on a terminal or with the " +
           "password as a line of standard input";
  }
  password = std::move(*asked);
  return {};
}

void LoginFlags::apply(client::ClientConfig& config) const {
  if (user.empty()) return;
  config.user = user;
  config.password = [password = password] { return common::Result<std::string>(password); };
}

}  // namespace tools
