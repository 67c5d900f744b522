// `manage acl` (manage_acl.h): word parsing, then one admin command through the client.

#include "manage_acl.h"

#include <charconv>
#include <iostream>
#include <map>
#include <span>

#include "client/client.h"
#include "fields.h"

namespace asadm {

namespace {

constexpr const char* kUsage =
    "expected: manage acl create|delete user|role ..., set-password user, change-password, grant|revoke "
    "user|role ..., allowlist role, quotas role";
constexpr const char* kPrivilegeNames =
    "user-admin, sys-admin, data-admin, udf-admin, sindex-admin, read, read-write, read-write-udf, write, truncate";

constexpr int kMany = -1;  // a keyword that takes every word up to the next keyword

struct Keyword {
  std::string_view word;
  int arity;  // 0, 1 or kMany
};

using Groups = std::map<std::string, std::vector<std::string>, std::less<>>;

// Splits `words` into keyword groups (asadm's modifiers); false with `error` on a word
// outside any group, a keyword given twice or one missing its value.
bool group_words(std::span<const std::string> words, std::initializer_list<Keyword> keywords, Groups& groups,
                 std::string& error) {
  auto keyword = [&](std::string_view word) -> const Keyword* {
    for (const Keyword& k : keywords) {
      if (k.word == word) return &k;
    }
    return nullptr;
  };
  for (size_t i = 0; i < words.size();) {
    const Keyword* k = keyword(words[i]);
    if (k == nullptr) {
      error = "unexpected '" + words[i] + "'";
      return false;
    }
    auto [it, fresh] = groups.try_emplace(std::string(k->word));
    if (!fresh) {
      error = "'" + words[i] + "' given twice";
      return false;
    }
    ++i;
    if (k->arity == 1) {
      if (i == words.size()) {
        error = "'" + std::string(k->word) + "' needs a value";
        return false;
      }
      it->second.push_back(words[i++]);
    } else if (k->arity == kMany) {
      while (i < words.size() && keyword(words[i]) == nullptr) it->second.push_back(words[i++]);
      if (it->second.empty()) {
        error = "'" + std::string(k->word) + "' needs at least one value";
        return false;
      }
    }
  }
  return true;
}

std::optional<std::string> single(const Groups& groups, std::string_view key) {
  auto it = groups.find(key);
  if (it == groups.end()) return std::nullopt;
  return it->second.front();
}

bool parse_quota(const Groups& groups, std::string_view key, std::optional<uint32_t>& out, std::string& error) {
  std::optional<std::string> text = single(groups, key);
  if (!text) return true;
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    error = std::string(key) + " quota must be a whole number of transactions per second, not '" + *text + "'";
    return false;
  }
  out = value;
  return true;
}

// priv <privilege> [ns <ns> [set <set>]]; an absent priv leaves `out` empty.
bool parse_privilege(const Groups& groups, AclCommand& out, std::string& error) {
  std::optional<std::string> name = single(groups, "priv");
  std::optional<std::string> ns = single(groups, "ns");
  std::optional<std::string> set = single(groups, "set");
  if (!name) {
    if (ns || set) error = "'ns' and 'set' scope a privilege: give 'priv <privilege>' first";
    return !ns && !set;
  }
  std::optional<client::PrivilegeCode> code = client::privilege_from_name(*name);
  if (!code) {
    error = "unknown privilege '" + *name + "' (expected one of " + kPrivilegeNames + ")";
    return false;
  }
  if (set && !ns) {
    error = "a set must be accompanied by a namespace (ns <namespace> set <set>)";
    return false;
  }
  if (ns && client::privilege_is_global(*code)) {
    error = "'" + *name + "' is a global privilege: it takes no namespace or set";
    return false;
  }
  out.privilege = client::Privilege{*code, ns.value_or(""), set.value_or("")};
  return true;
}

// The roles of `roles <role>...` (asadm also takes `role`).
std::vector<std::string> roles_of(const Groups& groups) {
  auto it = groups.find("roles");
  if (it == groups.end()) it = groups.find("role");
  return it == groups.end() ? std::vector<std::string>{} : it->second;
}

// `<kind> <name>` at words[at]; false with `error` when missing.
bool take_name(const std::vector<std::string>& words, size_t at, const char* kind, std::string& name,
               std::string& error) {
  if (words.size() <= at + 1 || words[at] != kind) {
    error = std::string("expected '") + kind + " <name>' after '" + words[0] + "'";
    return false;
  }
  name = words[at + 1];
  return true;
}

bool parse_user_command(const std::vector<std::string>& words, AclCommand& command, std::string& error) {
  std::span<const std::string> rest(words.begin() + 3, words.end());
  Groups groups;
  const std::string& verb = words[0];
  if (verb == "create") {
    command.action = AclAction::CreateUser;
    if (!group_words(rest, {{"password", 1}, {"roles", kMany}, {"role", kMany}}, groups, error)) return false;
    command.password = single(groups, "password");
  } else if (verb == "delete") {
    command.action = AclAction::DeleteUser;
    if (!group_words(rest, {}, groups, error)) return false;
  } else {
    command.action = verb == "grant" ? AclAction::GrantRoles : AclAction::RevokeRoles;
    if (!group_words(rest, {{"roles", kMany}, {"role", kMany}}, groups, error)) return false;
    if (roles_of(groups).empty()) {
      error = "'" + verb + " user' needs 'roles <role>...'";
      return false;
    }
  }
  command.roles = roles_of(groups);
  return true;
}

bool parse_role_command(const std::vector<std::string>& words, AclCommand& command, std::string& error) {
  std::span<const std::string> rest(words.begin() + 3, words.end());
  Groups groups;
  const std::string& verb = words[0];
  if (verb == "delete") {
    command.action = AclAction::DeleteRole;
    return group_words(rest, {}, groups, error);
  }
  if (verb == "create") {
    command.action = AclAction::CreateRole;
    if (!group_words(rest, {{"priv", 1}, {"ns", 1}, {"set", 1}, {"allow", kMany}, {"read", 1}, {"write", 1}},
                     groups, error)) {
      return false;
    }
    if (auto it = groups.find("allow"); it != groups.end()) command.allow = it->second;
    return parse_privilege(groups, command, error) && parse_quota(groups, "read", command.read_quota, error) &&
           parse_quota(groups, "write", command.write_quota, error);
  }
  command.action = verb == "grant" ? AclAction::GrantPrivilege : AclAction::RevokePrivilege;
  if (!group_words(rest, {{"priv", 1}, {"ns", 1}, {"set", 1}}, groups, error)) return false;
  if (!parse_privilege(groups, command, error)) return false;
  if (!command.privilege) {
    error = "'" + verb + " role' needs 'priv <privilege> [ns <namespace> [set <set>]]'";
    return false;
  }
  return true;
}

}  // namespace

std::optional<AclCommand> parse_acl_command(const std::vector<std::string>& words, std::string& error) {
  AclCommand command;
  if (words.empty()) {
    error = std::string("missing the command; ") + kUsage;
    return std::nullopt;
  }
  const std::string& verb = words[0];
  bool ok = false;
  if (verb == "create" || verb == "delete" || verb == "grant" || verb == "revoke") {
    if (words.size() < 3 || (words[1] != "user" && words[1] != "role")) {
      error = "expected '" + verb + " user <name>' or '" + verb + " role <name>'";
      return std::nullopt;
    }
    command.name = words[2];
    ok = words[1] == "user" ? parse_user_command(words, command, error) : parse_role_command(words, command, error);
  } else if (verb == "set-password") {
    command.action = AclAction::SetPassword;
    Groups groups;
    ok = take_name(words, 1, "user", command.name, error) &&
         group_words(std::span(words).subspan(3), {{"password", 1}}, groups, error);
    command.password = single(groups, "password");
  } else if (verb == "change-password") {
    command.action = AclAction::ChangePassword;
    Groups groups;
    ok = group_words(std::span(words).subspan(1), {{"user", 1}, {"old", 1}, {"new", 1}}, groups, error);
    command.name = single(groups, "user").value_or("");
    command.old_password = single(groups, "old");
    command.password = single(groups, "new");
  } else if (verb == "allowlist") {
    command.action = AclAction::Allowlist;
    Groups groups;
    ok = take_name(words, 1, "role", command.name, error) &&
         group_words(std::span(words).subspan(3), {{"allow", kMany}, {"clear", 0}}, groups, error);
    if (ok && groups.contains("allow") == groups.contains("clear")) {
      error = "'allowlist role' needs either 'allow <address>...' or 'clear'";
      ok = false;
    }
    if (ok && groups.contains("allow")) command.allow = groups.at("allow");
  } else if (verb == "quotas") {
    command.action = AclAction::Quotas;
    Groups groups;
    ok = take_name(words, 1, "role", command.name, error) &&
         group_words(std::span(words).subspan(3), {{"read", 1}, {"write", 1}}, groups, error) &&
         parse_quota(groups, "read", command.read_quota, error) &&
         parse_quota(groups, "write", command.write_quota, error);
    if (ok && !command.read_quota && !command.write_quota) {
      error = "'quotas role' needs 'read <quota>' or 'write <quota>'";
      ok = false;
    }
  } else {
    error = "unknown command '" + verb + "'; " + kUsage;
  }
  if (!ok) return std::nullopt;
  return command;
}

namespace {

// What each action does, in the present ("create user") and the past ("created user").
struct ActionWords {
  AclAction action;
  const char* present;
  const char* past;
};

constexpr ActionWords kActionWords[] = {
    {AclAction::CreateUser, "create user", "created user"},
    {AclAction::DeleteUser, "delete user", "deleted user"},
    {AclAction::SetPassword, "set password for user", "set password for user"},
    {AclAction::ChangePassword, "change password for user", "changed password for user"},
    {AclAction::GrantRoles, "grant roles to user", "granted roles to user"},
    {AclAction::RevokeRoles, "revoke roles from user", "revoked roles from user"},
    {AclAction::CreateRole, "create role", "created role"},
    {AclAction::DeleteRole, "delete role", "deleted role"},
    {AclAction::GrantPrivilege, "grant privilege to role", "granted privilege to role"},
    {AclAction::RevokePrivilege, "revoke privilege from role", "revoked privilege from role"},
    {AclAction::Allowlist, "set allowlist of role", "updated allowlist for role"},
    {AclAction::Quotas, "set quotas of role", "set quotas for role"},
};

const ActionWords& words_of(AclAction action) {
  for (const ActionWords& words : kActionWords) {
    if (words.action == action) return words;
  }
  return kActionWords[0];
}

}  // namespace

std::string action_text(const AclCommand& command) {
  return std::string(words_of(command.action).present) + " " + command.name;
}

std::string success_text(const AclCommand& command) {
  if (command.action == AclAction::Allowlist && command.allow.empty()) {
    return "Successfully cleared allowlist from role " + command.name + ".";
  }
  return "Successfully " + std::string(words_of(command.action).past) + " " + command.name + ".";
}

namespace {

// Fills in what the words left out: the passwords (asked) and change-password's user.
bool complete(AclCommand& command, const client::ClientConfig& config, const AskSecret& ask, std::string& error) {
  auto fill = [&](std::optional<std::string>& slot, const std::string& prompt) {
    if (slot) return true;
    slot = ask(prompt);
    if (!slot) error = "no password given and none could be asked for (" + prompt + ")";
    return slot.has_value();
  };
  switch (command.action) {
    case AclAction::CreateUser: return fill(command.password, "Enter password for new user " + command.name + ":");
    case AclAction::SetPassword: return fill(command.password, "Enter new password for user " + command.name + ":");
    case AclAction::ChangePassword:
      if (command.name.empty()) command.name = config.user;
      if (command.name.empty()) {
        error = "change-password needs 'user <user>' or a login (-U)";
        return false;
      }
      return fill(command.old_password, "Enter old password:") && fill(command.password, "Enter new password:");
    default: return true;
  }
}

common::Status execute(client::Client& client, const AclCommand& command) {
  std::vector<client::Privilege> privileges;
  if (command.privilege) privileges.push_back(*command.privilege);
  const std::string& name = command.name;
  switch (command.action) {
    case AclAction::CreateUser: return client.create_user(name, *command.password, command.roles);
    case AclAction::DeleteUser: return client.drop_user(name);
    case AclAction::SetPassword: return client.set_password(name, *command.password);
    case AclAction::ChangePassword: return client.change_password(name, *command.old_password, *command.password);
    case AclAction::GrantRoles: return client.grant_roles(name, command.roles);
    case AclAction::RevokeRoles: return client.revoke_roles(name, command.roles);
    case AclAction::CreateRole:
      return client.create_role(name, privileges, command.allow, command.read_quota.value_or(0),
                                command.write_quota.value_or(0));
    case AclAction::DeleteRole: return client.drop_role(name);
    case AclAction::GrantPrivilege: return client.grant_privileges(name, privileges);
    case AclAction::RevokePrivilege: return client.revoke_privileges(name, privileges);
    case AclAction::Allowlist: return client.set_whitelist(name, command.allow);
    case AclAction::Quotas: {
      // One SET_QUOTAS carries both; a quota not given is sent as 0 (unlimited).
      return client.set_quotas(name, command.read_quota.value_or(0), command.write_quota.value_or(0));
    }
  }
  return {common::ResultCode::Parameter, "unknown acl command"};
}

void print_outcome(const AclCommand& command, const common::Status& status, bool json) {
  if (json) {
    std::cout << "{\"command\":" << json_quote(action_text(command)) << ",\"status\":"
              << (status.ok() ? "\"ok\"" : "\"refused\"") << ",\"code\":" << int(status.code())
              << ",\"error\":" << json_string_or_null(status.message()) << "}\n";
  } else if (status.ok()) {
    std::cout << success_text(command) << "\n";
  }
  if (!status.ok()) std::cerr << "asadm: failed to " << action_text(command) << ": " << status.message() << "\n";
}

}  // namespace

int run_manage_acl(const client::ClientConfig& config, AclCommand command, bool json, const AskSecret& ask) {
  std::string error;
  if (!complete(command, config, ask, error)) {
    std::cerr << "asadm: manage acl: " << error << "\n";
    return 1;
  }
  auto client = client::Client::connect(config);
  if (!client) {
    std::cerr << "asadm: cannot reach the cluster: " << client.error().message << "\n";
    return 1;
  }
  common::Status status = execute(**client, command);
  print_outcome(command, status, json);
  return status.ok() ? 0 : 1;
}

}  // namespace asadm
