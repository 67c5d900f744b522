#pragma once
// The login flags every Aerospike tool takes (asinfo, asadm, aql, asbench, asexport), in
// one place, spelled as the real tools spell them:
//   -U,--user USER           log in as USER (a cluster with `security { }`)
//   -P,--password [PASSWORD] its password; -P alone asks for it (below)
//   --auth INTERNAL          the only mode this server has; EXTERNAL, EXTERNAL_INSECURE
//                            (LDAP) and PKI are refused with the reason
// The password is asked for when -P comes without a value, or -U without -P: on the
// terminal (/dev/tty) with echo off, or, when the process has no terminal, as one line
// of standard input (`echo "$PW" | asinfo -U admin -P -v build`). The login itself is
// the client's (client/auth.h): the password travels as bcrypt, never in clear.

#include <optional>
#include <string>

#include "client/client.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace tools {

struct LoginFlags {
  std::string user;
  std::string password;
  std::string auth = "INTERNAL";

  // Adds the flags to `app`; `this` must outlive the parse.
  void add_to(CLI::App& app);
  // After the parse: checks the combination and asks for the password when it is to be
  // asked (may block on the terminal). Empty when the tool may go on, else the usage
  // error to print (a password without a user, an auth mode refused, no password to be
  // had).
  std::string resolve();
  bool enabled() const { return !user.empty(); }
  // Sets the client's user and password (nothing without --user).
  void apply(client::ClientConfig& config) const;

 private:
  CLI::Option* password_option_ = nullptr;
};

// Asks for a secret as -P alone does (on the terminal with echo off, after `prompt`; else
// one line of standard input, no prompt). nullopt when the input ended first.
std::optional<std::string> ask_secret(const std::string& prompt);

}  // namespace tools
