// Target admin: the admin protocol (type-2 bodies, proto/admin.h) on both sides. Each
// request goes to asd's access control as a connection would send it
// (AccessControl::handle on a real object over a metadata store in a temp dir: the parser,
// the commands, the answer builders, the audit lines), and the same bytes go to the
// client's answer parsers (parse_login_answer, parse_admin_messages).
//
// An input is a flags byte (log in as admin first; come from 10.1.2.3, for whitelists),
// then admin bodies sent one after another on the same connection (admin_input.h).
//
// Every input starts from a fresh node (the seeded admin user only), with a fixed clock
// and session secret, so it runs the same way each time. Beyond not crashing:
//   - a body that parses is written back by the encoders byte for byte (the header's
//     unused bytes aside), and ROLES and PRIVILEGES data that parse encode back the same;
//   - every answer parses as the client reads it: one message, or for a query a block of
//     messages then a lone QueryEnd, with readable ROLES and PRIVILEGES fields;
//   - a LOGIN answered Ok carries a token that authenticates a new connection.
//
// bcrypt at cost 10 costs tens of milliseconds, which would make LOGIN, CREATE_USER and
// every node's start-up the whole run. This target defines crypt_r and crypt_gensalt_rn
// (the linker takes them before libxcrypt's) as a cheap deterministic stand-in with
// bcrypt's shapes: "$2b$10$" + 22 salt characters + 31 hash characters, '*' on a bad
// setting. The clients' credential for "admin" is the one real hash, made once.

#include <crypt.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "admin_input.h"
#include "common/log.h"
#include "fuzz.h"
#include "proto/admin.h"
#include "security/access_control.h"
#include "security/password.h"
#include "security/privilege.h"
#include "security/session.h"
#include "smd/metadata_store.h"

using common::ResultCode;
using proto::AdminField;

namespace {

constexpr size_t kSaltSize = 29;  // "$2b$10$" and 22 characters
constexpr uint64_t kNowMs = 1'700'000'000'000;
constexpr char kAlphabet[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

uint64_t fnv1a(std::string_view bytes, uint64_t hash) {
  for (char c : bytes) hash = (hash ^ uint8_t(c)) * 0x100000001b3ull;
  return hash;
}

// The real bcrypt of the clients' salt, for the one phrase asd hashes under it (the
// default user's password): libxcrypt's crypt_rn is not replaced.
char* real_client_hash(const char* phrase, const char* setting, crypt_data* data) {
  static std::map<std::string, std::string> made;
  auto it = made.find(phrase);
  if (it == made.end()) {
    crypt_data real{};
    const char* hash = crypt_rn(phrase, setting, &real, int(sizeof real));
    it = made.emplace(phrase, hash ? hash : "*0").first;
  }
  std::strncpy(data->output, it->second.c_str(), sizeof data->output - 1);
  return data->output;
}

uint64_t fixed_now() { return kNowMs; }

// Where the metadata store of each input's node lives: in memory where there is /dev/shm,
// emptied for every input and removed at exit.
class StoreDir {
 public:
  StoreDir() {
    namespace fs = std::filesystem;
    fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    path_ = (base / ("fuzz-admin-" + std::to_string(::getpid()))).string();
  }
  ~StoreDir() { std::filesystem::remove_all(path_); }

  const std::string& fresh() {
    std::filesystem::remove_all(path_);
    return path_;
  }

 private:
  std::string path_;
};

StoreDir g_store_dir;
uint64_t g_salts_made = 0;  // crypt_gensalt_rn's counter, from 0 for every input

conf::Security security_config() {
  conf::Security config;
  config.enabled = true;
  config.session_ttl = 86400;
  config.log = {true, true, true, true, {"test", "test demo"}};
  return config;
}

// One node's access control, as asd starts it, then with a fixed secret.
struct Node {
  asd::smd::MetadataStore store{g_store_dir.fresh(), 1};
  asd::security::AccessControl access{security_config(), store, 1, fixed_now};

  Node() {
    FUZZ_CHECK(store.load().ok());
    FUZZ_CHECK(access.start().ok());
    asd::smd::Item secret{std::string(asd::security::kSecurityModule), "session-secret",
                          std::string(fuzz::admin::kSessionSecret), 2, 1,
                          false};
    FUZZ_CHECK(store.merge(secret).ok());
  }
};

void check_roles_field(std::string_view data) {
  common::Result<std::vector<std::string>> roles = proto::parse_admin_roles(data);
  if (roles) FUZZ_CHECK(proto::encode_admin_roles(*roles) == data);
}

void check_privileges_field(std::string_view data) {
  common::Result<std::vector<asd::security::Privilege>> privileges = asd::security::parse_privileges(data);
  if (privileges) FUZZ_CHECK(asd::security::encode_privileges(*privileges) == data);
}

// A body that parses is the encoders' output but for the header bytes a parser ignores.
void check_round_trip(std::string_view body, const proto::AdminMessage& message) {
  std::string again;
  proto::append_admin_request_header(again, proto::AdminCommand(message.command), uint8_t(message.fields.size()));
  for (const auto& [id, data] : message.fields) {
    proto::append_admin_field(again, AdminField(id), data);
    if (id == uint8_t(AdminField::Roles)) check_roles_field(data);
    if (id == uint8_t(AdminField::Privileges)) check_privileges_field(data);
  }
  std::string expected(body);
  expected[1] = 0;
  std::fill(expected.begin() + 4, expected.begin() + proto::kAdminHeaderSize, '\0');
  FUZZ_CHECK(again == expected);
}

// What the client reads of an answer body: every field it knows the shape of.
void check_answer_message(const proto::AdminMessage& message) {
  if (std::optional<std::string_view> roles = message.field(AdminField::Roles)) {
    FUZZ_CHECK(proto::parse_admin_roles(*roles).ok());
  }
  if (std::optional<std::string_view> privileges = message.field(AdminField::Privileges)) {
    FUZZ_CHECK(asd::security::parse_privileges(*privileges).ok());
  }
}

void check_answer(const std::vector<std::string>& answer) {
  FUZZ_CHECK(answer.size() == 1 || answer.size() == 2);
  if (answer.size() == 1) {
    common::Result<proto::AdminMessage> message = proto::parse_admin_message(answer[0]);
    FUZZ_CHECK(message.ok());
    check_answer_message(*message);
    return;
  }
  common::Result<std::vector<proto::AdminMessage>> items = proto::parse_admin_messages(answer[0]);
  FUZZ_CHECK(items.ok());
  for (const proto::AdminMessage& item : *items) {
    FUZZ_CHECK(item.result == ResultCode::Ok);
    check_answer_message(item);
  }
  common::Result<proto::AdminMessage> end = proto::parse_admin_message(answer[1]);
  FUZZ_CHECK(end.ok() && end->result == ResultCode::QueryEnd && end->fields.empty());
}

// A LOGIN answer the client accepts hands out a token another connection can use.
void check_login(Node& node, const proto::AdminMessage& request, const std::string& answer, const std::string& peer) {
  common::Result<proto::AdminLoginAnswer> login = proto::parse_login_answer(answer);
  FUZZ_CHECK(login.ok());
  if (login->result != ResultCode::Ok) return;
  FUZZ_CHECK(!login->token.empty() && login->ttl_s == 86400);
  asd::security::Session other(node.access, peer);
  std::string authenticate = proto::make_admin_request(
      proto::AdminCommand::Authenticate,
      {{AdminField::User, request.field(AdminField::User).value_or("")}, {AdminField::SessionToken, login->token}});
  std::vector<std::string> answer_again = node.access.handle(authenticate, other);
  FUZZ_CHECK(answer_again.size() == 1 && proto::parse_admin_message(answer_again[0])->result == ResultCode::Ok);
  FUZZ_CHECK(other.authenticated());
}

void serve(Node& node, asd::security::Session& session, std::string_view body) {
  common::Result<proto::AdminMessage> request = proto::parse_admin_message(body);
  if (request) check_round_trip(body, *request);
  std::vector<std::string> answer = node.access.handle(body, session);
  check_answer(answer);
  if (request && request->command == uint8_t(proto::AdminCommand::Login)) {
    check_login(node, *request, answer[0], session.peer());
  }
}

}  // namespace

// The stand-ins for libxcrypt (see the top of this file).
// __THROW as <crypt.h> declares them (noexcept in C++).
extern "C" char* crypt_r(const char* phrase, const char* setting, struct crypt_data* data) __THROW {
  const std::string_view salt(setting, strnlen(setting, kSaltSize));
  if (salt.size() < kSaltSize || salt.substr(0, 2) != "$2") {
    std::strcpy(data->output, "*0");
    return data->output;
  }
  if (salt == asd::security::kClientSalt) return real_client_hash(phrase, setting, data);
  std::string out(salt);
  uint64_t h1 = fnv1a(salt, fnv1a(phrase, 0xcbf29ce484222325ull));
  uint64_t h2 = fnv1a(phrase, h1 ^ 0x9e3779b97f4a7c15ull);
  for (int i = 0; i < 31; ++i) {
    uint64_t& h = i % 2 ? h2 : h1;
    out += kAlphabet[h % 64];
    h = h / 64 + (h << 58);
  }
  std::memcpy(data->output, out.c_str(), out.size() + 1);
  return data->output;
}

extern "C" char* crypt_gensalt_rn(const char* prefix, unsigned long count, const char*, int, char* output,
                                  int output_size) __THROW {
  std::string setting = std::string(prefix) + (count < 10 ? "0" : "") + std::to_string(count) + "$";
  uint64_t h = fnv1a(std::to_string(++g_salts_made), 0xcbf29ce484222325ull);
  while (setting.size() < kSaltSize) {
    setting += kAlphabet[h % 64];
    h = h / 64 + (h << 58);
  }
  if (int(setting.size()) >= output_size) return nullptr;
  std::memcpy(output, setting.c_str(), setting.size() + 1);
  return output;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const bool quiet = [] {
    common::log_to_file("/dev/null");  // the audit lines are formatted, and go nowhere
    return true;
  }();
  (void)quiet;
  g_salts_made = 0;
  fuzz::FuzzInput input(data, size);
  const uint8_t flags = input.byte();
  const std::string peer = flags & fuzz::admin::kFromOutside ? "10.1.2.3:4000" : "127.0.0.1:3000";
  Node node;
  asd::security::Session session(node.access, peer);
  if (flags & fuzz::admin::kLogInAsAdmin) {
    std::string credential = *asd::security::client_credential("admin");
    serve(node, session,
          proto::make_admin_request(proto::AdminCommand::Login,
                                    {{AdminField::User, "admin"}, {AdminField::Credential, credential}}));
    FUZZ_CHECK(session.authenticated());
  }
  for (size_t i = 0; i < fuzz::admin::kMaxRequests && !input.empty(); ++i) {
    const uint16_t body_size = input.u16();
    std::string body(input.take(body_size));  // a copy of its own size: ASan sees a read past it
    serve(node, session, body);
    // The client reads whatever a server sends: the same bytes as an answer.
    (void)proto::parse_login_answer(body);
    (void)proto::parse_admin_messages(body);
  }
  return 0;
}
