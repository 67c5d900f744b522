// `show users` and `show roles` (manage_acl.h): one query through the client, one table
// in the real asadm's columns:
//
//   ~~~~~~~~~~~~~~~~~~ Users ~~~~~~~~~~~~~~~~~~
//   User   Roles               Read Quota  Write Quota  Connections
//   admin  read-write,user-admin  -           -            0
//
//   ~~~~~~~~~~~~~~~~~~~~~~~~~ Roles ~~~~~~~~~~~~~~~~~~~~~~~~~
//   Role       Privileges                 Allowlist   Read Quota  Write Quota
//   orders-rw  read-write.test.orders     10.0.0.0/8  -           -

#include <algorithm>
#include <iostream>

#include "client/client.h"
#include "fields.h"
#include "manage_acl.h"
#include "sheet.h"

namespace asadm {

namespace {

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

std::string quota_cell(uint32_t quota) { return quota == 0 ? std::string() : std::to_string(quota); }

// The first value of a user's READ_INFO/WRITE_INFO is its quota.
std::string info_quota(const std::vector<uint32_t>& info) { return info.empty() ? std::string() : quota_cell(info[0]); }

Sheet users_sheet(std::vector<client::UserInfo> users) {
  std::sort(users.begin(), users.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  Sheet sheet{"Users",
              {{"User", "user"},
               {"Roles", "roles"},
               {"Read Quota", "read_quota", true},
               {"Write Quota", "write_quota", true},
               {"Connections", "connections", true}},
              {},
              {}};
  for (const client::UserInfo& user : users) {
    sheet.rows.push_back(SheetRow{{user.name, joined(user.roles), info_quota(user.read_info),
                                   info_quota(user.write_info), std::to_string(user.connections)}});
  }
  return sheet;
}

Sheet roles_sheet(std::vector<client::RoleInfo> roles) {
  std::sort(roles.begin(), roles.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  Sheet sheet{"Roles",
              {{"Role", "role"},
               {"Privileges", "privileges"},
               {"Allowlist", "allowlist"},
               {"Read Quota", "read_quota", true},
               {"Write Quota", "write_quota", true}},
              {},
              {}};
  for (const client::RoleInfo& role : roles) {
    std::vector<std::string> privileges;
    for (const client::Privilege& privilege : role.privileges) privileges.push_back(client::privilege_text(privilege));
    sheet.rows.push_back(SheetRow{{role.name, joined(privileges), joined(role.whitelist), quota_cell(role.read_quota),
                                   quota_cell(role.write_quota)}});
  }
  return sheet;
}

// Connects, runs `query` for the optional name in `words`, prints the sheet.
template <typename Query, typename ToSheet>
int show(const client::ClientConfig& config, const std::vector<std::string>& words, bool json, const char* what,
         Query query, ToSheet to_sheet) {
  if (words.size() > 1) {
    std::cerr << "asadm: show " << what << ": unexpected '" << words[1] << "' (expected at most one name)\n";
    return 1;
  }
  auto client = client::Client::connect(config);
  if (!client) {
    std::cerr << "asadm: cannot reach the cluster: " << client.error().message << "\n";
    return 1;
  }
  auto items = query(**client, words.empty() ? std::string() : words[0]);
  if (!items) {
    std::cerr << "asadm: show " << what << ": " << items.error().message << "\n";
    return 1;
  }
  Sheet sheet = to_sheet(std::move(*items));
  std::cout << (json ? render_sheet_json(sheet) + "\n" : render_sheet_text(sheet));
  return 0;
}

}  // namespace

int run_show_users(const client::ClientConfig& config, const std::vector<std::string>& words, bool json) {
  return show(
      config, words, json, "users", [](client::Client& c, const std::string& name) { return c.query_users(name); },
      users_sheet);
}

int run_show_roles(const client::ClientConfig& config, const std::vector<std::string>& words, bool json) {
  return show(
      config, words, json, "roles", [](client::Client& c, const std::string& name) { return c.query_roles(name); },
      roles_sheet);
}

}  // namespace asadm
