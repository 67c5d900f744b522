// Access control against a real asd with security { }: nothing is served before a login,
// malformed admin frames get result codes while the node keeps serving everyone else,
// and security configurations asd cannot honour stop start-up at their line.

#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "proto/frame.h"
#include "proto/message.h"
#include "support/admin_login.h"
#include "support/asd_node.h"
#include "support/process.h"
#include "support/raw_socket.h"

using common::ResultCode;

namespace {

support::AsdOptions secured() {
  support::AsdOptions options;
  options.extra_config = "security {\n  log {\n    report-violation true\n  }\n}\n";
  return options;
}

using support::admin_field_header;
using support::admin_header;

// Sends `bytes` on a fresh connection; the result byte of the first admin answer.
std::optional<uint8_t> answer_to(uint16_t port, const std::string& bytes) {
  support::RawSocket socket(port);
  socket.send(bytes);
  std::optional<std::string> answer = socket.recv_proto();
  return answer ? support::admin_result(*answer) : std::nullopt;
}

}  // namespace

TEST_CASE("with security nothing is served before a login", "[security]") {
  support::AsdNode node(secured());
  CHECK(support::info_as_admin(node.port(), "status") == "ok");
  // Info without a login: one error line for the whole request.
  support::RawSocket info(node.port());
  std::string request;
  size_t offset = proto::begin_proto(request, proto::ProtoType::Info);
  request += "status\nnamespaces\n";
  proto::end_proto(request, offset);
  info.send(request);
  auto answer = info.recv_proto();
  REQUIRE(answer);
  CHECK(answer->substr(proto::kProtoHeaderSize) == "ERROR:80:not authenticated\n");
  // A data command without a login (a read by digest): 80 in the message header.
  std::string read(proto::kMsgHeaderSize, '\0');
  read[0] = char(proto::kMsgHeaderSize);
  read[1] = char(proto::info1::kRead | proto::info1::kGetAll);
  read[19] = 2;  // fields
  proto::append_field(read, proto::FieldType::Namespace, "test");
  proto::append_field(read, proto::FieldType::Digest, std::string(20, '\x01'));
  std::string message;
  offset = proto::begin_proto(message, proto::ProtoType::Message);
  message += read;
  proto::end_proto(message, offset);
  support::RawSocket data(node.port());
  data.send(message);
  auto refused = data.recv_proto();
  REQUIRE(refused);
  CHECK(uint8_t((*refused)[proto::kProtoHeaderSize + 5]) == uint8_t(ResultCode::NotAuthenticated));
  // admin may log in but holds user-admin only: set-config is a role violation.
  CHECK(support::info_as_admin(node.port(), "set-config:context=service;ticker-interval=0") ==
        "ERROR:81:role violation - requires permission 'set-config'");
  CHECK(node.log().find("not authenticated | client: 127.0.0.1:") != std::string::npos);
}

TEST_CASE("malformed admin frames get result codes; the node keeps serving", "[security]") {
  support::AsdNode node(secured());
  const uint16_t port = node.port();
  std::string user = admin_field_header(6, 0) + "admin";
  struct Case {
    const char* what;
    std::string body;
    ResultCode code;
  };
  const Case cases[] = {
      {"empty body", "", ResultCode::InvalidCommand},
      {"3 bytes", std::string(3, '\0'), ResultCode::InvalidCommand},
      {"15 bytes", std::string(15, '\0'), ResultCode::InvalidCommand},
      {"unknown scheme", std::string(1, '\x07') + std::string(15, '\0'), ResultCode::SecuritySchemeNotSupported},
      {"a field announced, none sent", admin_header(20, 1), ResultCode::InvalidField},
      {"a field header cut short", admin_header(20, 1) + admin_field_header(6, 0).substr(0, 4), ResultCode::InvalidField},
      {"a zero field length", admin_header(20, 1) + admin_field_header(0, 0), ResultCode::InvalidField},
      {"a field length past the end", admin_header(20, 1) + admin_field_header(1000, 0) + "admin",
       ResultCode::InvalidField},
      {"the largest field length", admin_header(20, 1) + admin_field_header(0xffffffff, 0) + "admin",
       ResultCode::InvalidField},
      {"bytes after the last field", admin_header(20, 1) + user + "junk", ResultCode::InvalidField},
      {"login without credential", admin_header(20, 1) + user, ResultCode::InvalidCredential},
      {"authenticate without token", admin_header(0, 1) + user, ResultCode::InvalidCredential},
      {"an unknown command before login", admin_header(99, 0), ResultCode::NotAuthenticated},
      {"create user before login", admin_header(1, 1) + user, ResultCode::NotAuthenticated},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    CHECK(answer_to(port, support::admin_frame(c.body)) == uint8_t(c.code));
  }
  // After a login: an unknown command, and malformed roles and privileges fields.
  auto logged_in = [&](const std::string& body) {
    support::RawSocket socket(port);
    socket.send(support::login_proto() + support::admin_frame(body));
    auto login = socket.recv_proto();
    REQUIRE(login);
    REQUIRE(support::admin_result(*login) == 0);
    auto answer = socket.recv_proto();
    REQUIRE(answer);
    return support::admin_result(*answer);
  };
  CHECK(logged_in(admin_header(99, 0)) == uint8_t(ResultCode::InvalidCommand));
  std::string bob = admin_field_header(4, 0) + "bob";
  std::string password = admin_field_header(4, 1) + "pwd";
  CHECK(logged_in(admin_header(1, 3) + bob + password + admin_field_header(3, 10) + "\x05r") ==
        uint8_t(ResultCode::InvalidField));
  std::string role = admin_field_header(3, 11) + "r1";
  CHECK(logged_in(admin_header(10, 2) + role + admin_field_header(3, 12) + std::string("\x01\x07", 2)) ==
        uint8_t(ResultCode::InvalidPrivilege));
  CHECK(logged_in(admin_header(10, 2) + role + admin_field_header(4, 12) + std::string("\x01\x0a\x09", 3)) ==
        uint8_t(ResultCode::InvalidField));
  // Garbage admin bodies from many connections: every one answered, the node alive.
  std::mt19937 random(7);
  for (int i = 0; i < 200; ++i) {
    std::string body(random() % 64, '\0');
    for (char& b : body) b = char(random());
    if (!body.empty()) body[0] = 0;
    INFO("garbage " << i);
    CHECK(answer_to(port, support::admin_frame(body)).has_value());
  }
  CHECK(support::info_as_admin(port, "status") == "ok");
}

TEST_CASE("security configurations asd cannot honour stop start-up at their line", "[security]") {
  struct Case {
    std::string stanza;
    std::string message;
  };
  const Case cases[] = {
      {"security {\n  ldap {\n  }\n}\n", ":2: 'ldap' in security is not supported: LDAP is not supported"},
      {"security {\n  enable-quotas true\n  tps-weight 30\n}\n", ":3: value 30 for 'tps-weight' out of range 2..20 in security"},
      {"security {\n  session-ttl 10\n}\n", ":2: session-ttl 10 in security is below 120"},
      {"security {\n  log {\n    report-data-op-role r\n  }\n}\n", ":3: 'report-data-op-role' in security.log is not supported"},
  };
  for (const Case& c : cases) {
    support::TempDir dir;
    std::string path = dir.path() + "/asd.conf";
    support::write_file(path, c.stanza + "namespace test {\n  memory-size 64M\n  storage-engine memory\n}\n");
    support::Process asd;
    asd.start({support::AsdNode::asd_binary(), "--config", path}, dir.path() + "/asd.log");
    int status = asd.wait(15000);
    std::string log = support::read_file(dir.path() + "/asd.log");
    INFO(log);
    CHECK(status != 0);
    CHECK(log.find(path + c.message) != std::string::npos);
  }
}
