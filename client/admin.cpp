// Client's user administration commands (client.h), over the admin protocol.

#include "admin_wire.h"
#include "client/auth.h"
#include "client/client.h"
#include "client/errors.h"
#include "client_impl.h"
#include "common/clock.h"

namespace client {

using common::ResultCode;

namespace {

common::Status run(Client::Impl& impl, const std::string& request) {
  std::shared_ptr<Node> node = impl.cluster.any_node();
  if (!node) return to_status(client_error(ResultCode::Unavailable, "no node to send the admin command to"));
  uint64_t deadline = common::steady_ms() + impl.timeout(0);
  auto conn = node->acquire(deadline);
  if (!conn) return to_status(conn.error());
  auto body = admin::exchange(**conn, request, deadline);
  node->release(std::move(*conn), body.ok());
  if (!body) return to_status(body.error());
  auto code = ResultCode(uint8_t((*body)[1]));
  if (code == ResultCode::Ok) return {};
  return to_status(admin::refusal(code, node->host().to_string()));
}

}  // namespace

common::Status Client::create_user(const std::string& user, const std::string& password,
                                   const std::vector<std::string>& roles) {
  auto hash = hash_password(password);
  if (!hash) return to_status(hash.error());
  std::string list = admin::role_list(roles);
  return run(*impl_, admin::request(admin::kCreateUser,
                                    {{admin::kUser, user}, {admin::kPassword, *hash}, {admin::kRoles, list}}));
}

common::Status Client::drop_user(const std::string& user) {
  return run(*impl_, admin::request(admin::kDropUser, {{admin::kUser, user}}));
}

common::Status Client::set_password(const std::string& user, const std::string& password) {
  auto hash = hash_password(password);
  if (!hash) return to_status(hash.error());
  return run(*impl_, admin::request(admin::kSetPassword, {{admin::kUser, user}, {admin::kPassword, *hash}}));
}

common::Status Client::grant_roles(const std::string& user, const std::vector<std::string>& roles) {
  std::string list = admin::role_list(roles);
  return run(*impl_, admin::request(admin::kGrantRoles, {{admin::kUser, user}, {admin::kRoles, list}}));
}

common::Status Client::revoke_roles(const std::string& user, const std::vector<std::string>& roles) {
  std::string list = admin::role_list(roles);
  return run(*impl_, admin::request(admin::kRevokeRoles, {{admin::kUser, user}, {admin::kRoles, list}}));
}

}  // namespace client
