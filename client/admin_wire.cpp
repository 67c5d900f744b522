#include "admin_wire.h"

#include "client/connection.h"
#include "client/errors.h"
#include "common/bytes.h"
#include "proto/frame.h"

namespace client::admin {

std::string request(uint8_t command, Fields fields) {
  std::string out;
  size_t at = proto::begin_proto(out, proto::ProtoType::Admin);
  std::string header(kHeader, '\0');
  header[2] = char(command);
  header[3] = char(fields.size());
  out += header;
  for (const auto& [id, data] : fields) {
    common::append_be32(out, uint32_t(data.size() + 1));
    out.push_back(char(id));
    out.append(data);
  }
  proto::end_proto(out, at);
  return out;
}

common::Error refusal(common::ResultCode code, std::string_view host) {
  return common::Error{code, std::string(common::result_code_name(code)) + " (" + std::to_string(int(code)) +
                                 ") from " + std::string(host)};
}

std::string role_list(const std::vector<std::string>& roles) {
  std::string out(1, char(roles.size()));
  for (const std::string& role : roles) {
    out.push_back(char(role.size()));
    out += role;
  }
  return out;
}

common::Result<std::string> exchange(Connection& conn, const std::string& request, uint64_t deadline_ms) {
  if (auto st = conn.write_all(request, deadline_ms); !st.ok()) return to_error(st);
  proto::ProtoHeader header;
  std::string body;
  if (auto st = conn.read_proto(&header, body, deadline_ms); !st.ok()) return to_error(st);
  if (header.type != uint8_t(proto::ProtoType::Admin) || body.size() < kHeader) {
    return client_error(common::ResultCode::ServerError, "bad admin answer from " + conn.host().to_string());
  }
  return body;
}

}  // namespace client::admin
