#pragma once
// TLS private keys that may be encrypted, for every TLS context the project builds (asd's
// listeners and node links, the client and so xdr's DC links).
//
// Where the password is follows Aerospike's `key-file-password` (the server reads it with
// cf_fetch_string, cf/src/fetch.c): `env:NAME` is the variable's value, `env-b64:NAME` the
// variable base64-decoded, anything else a file path whose contents are the password
// (trailing line ends dropped). The server's `secrets:` and `vault:` sources need services
// this build does not have and are refused by name.

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

struct evp_pkey_st;

namespace common {

// The password `where` names; Parameter, naming the source, when it is missing or empty.
Result<std::string> fetch_key_password(std::string_view where);

struct PrivateKeyFree {
  void operator()(evp_pkey_st* key) const;
};
using PrivateKey = std::unique_ptr<evp_pkey_st, PrivateKeyFree>;

// The file `where` names, for watching it with the key; empty for env: and env-b64:.
std::string key_password_file(std::string_view where);

// The PEM private key at `path`, decrypted with `password` (empty: the key must not be
// encrypted). Parameter, naming the file: unreadable, not a key, encrypted without a
// password, or a password that does not decrypt it.
Result<PrivateKey> read_private_key(const std::string& path, const std::string& password);

}  // namespace common
