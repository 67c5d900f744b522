#pragma once
// `asadm manage acl ...`: users and roles, in the real asadm's words (its live-mode
// manage_controller.py), each command sent once through the C++ client to one node of
// the cluster (users and roles are cluster-wide; the server spreads them):
//
//   manage acl create user <user> [password <pw>] [roles <role>...]
//   manage acl delete user <user>
//   manage acl set-password user <user> [password <pw>]
//   manage acl change-password [user <user>] [old <pw>] [new <pw>]   (user: the -U user)
//   manage acl grant user <user> roles <role>...
//   manage acl revoke user <user> roles <role>...
//   manage acl create role <role> [priv <privilege> [ns <ns> [set <set>]]] [allow <addr>...]
//                                 [read <quota>] [write <quota>]
//   manage acl delete role <role>
//   manage acl grant role <role> priv <privilege> [ns <ns> [set <set>]]
//   manage acl revoke role <role> priv <privilege> [ns <ns> [set <set>]]
//   manage acl allowlist role <role> allow <addr>... | clear
//   manage acl quotas role <role> [read <quota>] [write <quota>]
//
// A keyword takes the word after it as its value, whatever it is (`priv read`), except
// `roles` and `allow`, which take every word up to the next keyword. A password left
// out is asked for (the terminal without echo, else a line of standard input). Bad
// words and unknown privileges are usage errors, found before any node is asked.
// Success prints asadm's "Successfully created user app."; a refusal prints the
// server's code in words ("role violation (81) from 127.0.0.1:3000") and exits 1.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "client/admin.h"

namespace client {
struct ClientConfig;
}

namespace asadm {

enum class AclAction {
  CreateUser,
  DeleteUser,
  SetPassword,
  ChangePassword,
  GrantRoles,
  RevokeRoles,
  CreateRole,
  DeleteRole,
  GrantPrivilege,
  RevokePrivilege,
  Allowlist,
  Quotas,
};

struct AclCommand {
  AclAction action = AclAction::CreateUser;
  std::string name;                       // the user or role; change-password: empty = -U user
  std::optional<std::string> password;    // create user, set-password; change-password's new one
  std::optional<std::string> old_password;
  std::vector<std::string> roles;
  std::optional<client::Privilege> privilege;
  std::vector<std::string> allow;         // allowlist: empty with `clear`
  std::optional<uint32_t> read_quota;
  std::optional<uint32_t> write_quota;
};

// The words after `manage acl`; nullopt with `error` set on bad usage.
std::optional<AclCommand> parse_acl_command(const std::vector<std::string>& words, std::string& error);

// "Successfully created user app." and the like (asadm's words).
std::string success_text(const AclCommand& command);
// "create user app": what failed, for the refusal line.
std::string action_text(const AclCommand& command);

// Asks `prompt`, returning the answer; nullopt when none can be had.
using AskSecret = std::function<std::optional<std::string>(const std::string& prompt)>;

// Runs `command` on the cluster of `config` (logged in as its user), after asking for the
// passwords it lacks. Prints the outcome (text, or one JSON object with `json`). 0 on
// success, 1 on a refusal, a failed connection or a password that could not be asked.
int run_manage_acl(const client::ClientConfig& config, AclCommand command, bool json, const AskSecret& ask);

// show users [<user>] / show roles [<role>]: one table of what the cluster has. 0 when
// the cluster answered, 1 on a refusal, a failed connection or bad usage.
int run_show_users(const client::ClientConfig& config, const std::vector<std::string>& words, bool json);
int run_show_roles(const client::ClientConfig& config, const std::vector<std::string>& words, bool json);

}  // namespace asadm
