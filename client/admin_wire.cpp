#include "admin_wire.h"

#include "client/connection.h"
#include "client/errors.h"
#include "proto/frame.h"

namespace client::admin {

std::string request(proto::AdminCommand command, proto::AdminFields fields) {
  std::string out;
  size_t at = proto::begin_proto(out, proto::ProtoType::Admin);
  out += proto::make_admin_request(command, fields);
  proto::end_proto(out, at);
  return out;
}

common::Error refusal(common::ResultCode code, std::string_view host) {
  return common::Error{code, std::string(common::result_code_name(code)) + " (" + std::to_string(int(code)) +
                                 ") from " + std::string(host)};
}

common::Result<std::string> exchange(Connection& conn, const std::string& request, uint64_t deadline_ms) {
  if (auto st = conn.write_all(request, deadline_ms); !st.ok()) return to_error(st);
  proto::ProtoHeader header;
  std::string body;
  if (auto st = conn.read_proto(&header, body, deadline_ms); !st.ok()) return to_error(st);
  if (header.type != uint8_t(proto::ProtoType::Admin)) {
    return client_error(common::ResultCode::ServerError, "bad admin answer from " + conn.host().to_string());
  }
  return body;
}

common::Result<proto::AdminMessage> parse_answer(const Connection& conn, std::string_view body) {
  common::Result<proto::AdminMessage> answer = proto::parse_admin_message(body);
  if (!answer) {
    return client_error(common::ResultCode::ServerError,
                        "bad admin answer from " + conn.host().to_string() + ": " + answer.error().message);
  }
  return answer;
}

}  // namespace client::admin
