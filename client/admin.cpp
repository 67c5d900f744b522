// Client's user administration commands (client.h), over the admin protocol.

#include "admin_wire.h"
#include "client/auth.h"
#include "client/client.h"
#include "client/errors.h"
#include "client_impl.h"
#include "common/clock.h"
#include "proto/frame.h"

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

common::Status run(Client::Impl& impl, const common::Result<std::string>& request) {
  if (!request) return to_status(request.error());
  return run(impl, *request);
}

// A user or role query: the answer's protos until the QUERY_END block (admin.h).
template <typename Item>
common::Result<std::vector<Item>> query(Client::Impl& impl, const std::string& request,
                                        common::Result<bool> (*parse)(std::string_view, std::vector<Item>&)) {
  std::shared_ptr<Node> node = impl.cluster.any_node();
  if (!node) return client_error(ResultCode::Unavailable, "no node to send the admin query to");
  uint64_t deadline = common::steady_ms() + impl.timeout(0);
  auto conn = node->acquire(deadline);
  if (!conn) return conn.error();
  std::vector<Item> items;
  common::Result<bool> done = false;
  bool refused = false;  // the server's answer is a refusal: the connection stays good
  if (auto st = (*conn)->write_all(request, deadline); !st.ok()) done = to_error(st);
  while (done.ok() && !*done) {
    proto::ProtoHeader header;
    std::string body;
    if (auto st = (*conn)->read_proto(&header, body, deadline); !st.ok()) {
      done = to_error(st);
    } else if (header.type != uint8_t(proto::ProtoType::Admin)) {
      done = client_error(ResultCode::ServerError, "bad admin answer from " + node->host().to_string());
    } else {
      done = parse(body, items);
      refused = !done.ok() && !is_client_error(done.error());
    }
  }
  node->release(std::move(*conn), done.ok() || refused);
  if (refused) return admin::refusal(done.code(), node->host().to_string());
  if (!done) return done.error();
  return items;
}

}  // namespace

common::Status Client::create_user(const std::string& user, const std::string& password,
                                   const std::vector<std::string>& roles) {
  auto hash = hash_password(password);
  if (!hash) return to_status(hash.error());
  auto list = admin_request::roles_field(roles);
  if (!list) return to_status(list.error());
  return run(*impl_, admin::request(AdminCommand::CreateUser, {{AdminField::User, user},
                                                               {AdminField::Password, *hash},
                                                               {AdminField::Roles, *list}}));
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
  auto list = admin_request::roles_field(roles);
  if (!list) return to_status(list.error());
  return run(*impl_, admin::request(AdminCommand::GrantRoles, {{AdminField::User, user}, {AdminField::Roles, *list}}));
}

common::Status Client::revoke_roles(const std::string& user, const std::vector<std::string>& roles) {
  auto list = admin_request::roles_field(roles);
  if (!list) return to_status(list.error());
  return run(*impl_, admin::request(AdminCommand::RevokeRoles, {{AdminField::User, user}, {AdminField::Roles, *list}}));
}

common::Status Client::change_password(const std::string& user, const std::string& old_password,
                                       const std::string& new_password) {
  auto old_hash = hash_password(old_password);
  if (!old_hash) return to_status(old_hash.error());
  auto new_hash = hash_password(new_password);
  if (!new_hash) return to_status(new_hash.error());
  return run(*impl_, admin_request::change_password(user, *old_hash, *new_hash));
}

common::Status Client::create_role(const std::string& role, const std::vector<Privilege>& privileges,
                                   const std::vector<std::string>& whitelist, uint32_t read_quota,
                                   uint32_t write_quota) {
  return run(*impl_, admin_request::create_role(role, privileges, whitelist, read_quota, write_quota));
}

common::Status Client::drop_role(const std::string& role) { return run(*impl_, admin_request::drop_role(role)); }

common::Status Client::grant_privileges(const std::string& role, const std::vector<Privilege>& privileges) {
  return run(*impl_, admin_request::grant_privileges(role, privileges));
}

common::Status Client::revoke_privileges(const std::string& role, const std::vector<Privilege>& privileges) {
  return run(*impl_, admin_request::revoke_privileges(role, privileges));
}

common::Status Client::set_whitelist(const std::string& role, const std::vector<std::string>& whitelist) {
  return run(*impl_, admin_request::set_whitelist(role, whitelist));
}

common::Status Client::set_quotas(const std::string& role, uint32_t read_quota, uint32_t write_quota) {
  return run(*impl_, admin_request::set_quotas(role, read_quota, write_quota));
}

common::Result<std::vector<UserInfo>> Client::query_users(const std::string& name) {
  return query<UserInfo>(*impl_, admin_request::query_users(name), &parse_users_answer);
}

common::Result<std::vector<RoleInfo>> Client::query_roles(const std::string& name) {
  return query<RoleInfo>(*impl_, admin_request::query_roles(name), &parse_roles_answer);
}

}  // namespace client
