// Client's user administration commands (client.h), over the admin protocol.

#include "admin_wire.h"
#include "client/auth.h"
#include "client/client.h"
#include "client/errors.h"
#include "client_impl.h"
#include "common/clock.h"

namespace client {

using common::ResultCode;
using proto::AdminCommand;
using proto::AdminField;

namespace {

common::Status run(Client::Impl& impl, const std::string& request) {
  std::shared_ptr<Node> node = impl.cluster.any_node();
  if (!node) return to_status(client_error(ResultCode::Unavailable, "no node to send the admin command to"));
  uint64_t deadline = common::steady_ms() + impl.timeout(0);
  auto conn = node->acquire(deadline);
  if (!conn) return to_status(conn.error());
  auto body = admin::exchange(**conn, request, deadline);
  auto answer = body ? admin::parse_answer(**conn, *body) : common::Result<proto::AdminMessage>(body.error());
  node->release(std::move(*conn), answer.ok());
  if (!answer) return to_status(answer.error());
  const ResultCode code = answer->result;
  if (code == ResultCode::Ok) return {};
  return to_status(admin::refusal(code, node->host().to_string()));
}

}  // namespace

common::Status Client::create_user(const std::string& user, const std::string& password,
                                   const std::vector<std::string>& roles) {
  auto hash = hash_password(password);
  if (!hash) return to_status(hash.error());
  std::string list = proto::encode_admin_roles(roles);
  return run(*impl_, admin::request(AdminCommand::CreateUser, {{AdminField::User, user},
                                                               {AdminField::Password, *hash},
                                                               {AdminField::Roles, list}}));
}

common::Status Client::drop_user(const std::string& user) {
  return run(*impl_, admin::request(AdminCommand::DropUser, {{AdminField::User, user}}));
}

common::Status Client::set_password(const std::string& user, const std::string& password) {
  auto hash = hash_password(password);
  if (!hash) return to_status(hash.error());
  return run(*impl_,
             admin::request(AdminCommand::SetPassword, {{AdminField::User, user}, {AdminField::Password, *hash}}));
}

common::Status Client::grant_roles(const std::string& user, const std::vector<std::string>& roles) {
  std::string list = proto::encode_admin_roles(roles);
  return run(*impl_, admin::request(AdminCommand::GrantRoles, {{AdminField::User, user}, {AdminField::Roles, list}}));
}

common::Status Client::revoke_roles(const std::string& user, const std::vector<std::string>& roles) {
  std::string list = proto::encode_admin_roles(roles);
  return run(*impl_, admin::request(AdminCommand::RevokeRoles, {{AdminField::User, user}, {AdminField::Roles, list}}));
}

}  // namespace client
