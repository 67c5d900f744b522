// Encrypted TLS keys and where their password comes from, as the server's
// key-file-password: env:, env-b64:, a file; keys written here with OpenSSL itself.

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/base64.h"
#include "common/key_file.h"
#include "temp_dir.h"

namespace {

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A P-256 key at `path`, encrypted with AES-256 under `password` unless it is empty.
void write_key(const std::string& path, const std::string& password) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  REQUIRE(key != nullptr);
  std::FILE* out = std::fopen(path.c_str(), "wb");
  REQUIRE(out != nullptr);
  const EVP_CIPHER* cipher = password.empty() ? nullptr : EVP_aes_256_cbc();
  auto* pass = reinterpret_cast<unsigned char*>(const_cast<char*>(password.data()));
  int written = PEM_write_PrivateKey(out, key, cipher, password.empty() ? nullptr : pass, int(password.size()),
                                     nullptr, nullptr);
  std::fclose(out);
  EVP_PKEY_free(key);
  REQUIRE(written == 1);
}

}  // namespace

TEST_CASE("key-file-password: env:, env-b64: and a file, as the server reads them", "[common][key_file]") {
  common::test::TempDir dir;
  ::setenv("UNIT_KEY_PASSWORD", "s3cret", 1);
  ::setenv("UNIT_KEY_PASSWORD_B64", common::base64_encode("s3cret\x01").c_str(), 1);
  ::setenv("UNIT_KEY_EMPTY", "", 1);
  ::setenv("UNIT_KEY_NOT_B64", "%%%", 1);
  CHECK(*common::fetch_key_password("env:UNIT_KEY_PASSWORD") == "s3cret");
  CHECK(*common::fetch_key_password("env-b64:UNIT_KEY_PASSWORD_B64") == "s3cret\x01");
  write(dir.path + "/pw", "from file\r\n\n");
  CHECK(*common::fetch_key_password(dir.path + "/pw") == "from file");

  auto unset = common::fetch_key_password("env:UNIT_KEY_NEVER_SET");
  REQUIRE_FALSE(unset.ok());
  CHECK(unset.error().message == "key-file-password env:UNIT_KEY_NEVER_SET is empty");
  CHECK_FALSE(common::fetch_key_password("env:UNIT_KEY_EMPTY").ok());
  CHECK(common::fetch_key_password("env-b64:UNIT_KEY_NOT_B64").error().message.find("not base64") !=
        std::string::npos);
  auto missing = common::fetch_key_password(dir.path + "/nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("key-file-password file " + dir.path + "/nope cannot be read") == 0);
  write(dir.path + "/blank", "\n");
  CHECK(common::fetch_key_password(dir.path + "/blank").error().message.find("is empty") != std::string::npos);
  auto vault = common::fetch_key_password("vault:secret/tls");
  REQUIRE_FALSE(vault.ok());
  CHECK(vault.error().message.find("not supported") != std::string::npos);
  CHECK(common::key_password_file("env:X").empty());
  CHECK(common::key_password_file("/etc/pw") == "/etc/pw");
}

TEST_CASE("an encrypted key loads with its password and says why it does not", "[common][key_file]") {
  common::test::TempDir dir;
  const std::string plain = dir.path + "/plain.key";
  const std::string locked = dir.path + "/locked.key";
  write_key(plain, "");
  write_key(locked, "right horse");

  CHECK(common::read_private_key(plain, "").ok());
  CHECK(common::read_private_key(locked, "right horse").ok());

  auto no_password = common::read_private_key(locked, "");
  REQUIRE_FALSE(no_password.ok());
  CHECK(no_password.error().message == locked + " is encrypted: give its password (key-file-password)");
  auto wrong = common::read_private_key(locked, "wrong horse");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().message.find(locked + ": the password does not decrypt it") == 0);

  write(dir.path + "/garbage.key", "not a key\n");
  auto garbage = common::read_private_key(dir.path + "/garbage.key", "");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().message.find(dir.path + "/garbage.key: ") == 0);
  auto absent = common::read_private_key(dir.path + "/absent.key", "");
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.error().message == dir.path + "/absent.key: No such file or directory");
}
