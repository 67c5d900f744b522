#pragma once
// The TLS flags every Aerospike tool takes (asinfo, asadm, aql, asbench), in one place:
//   --tls-enable --tls-name NAME --tls-cafile F --tls-capath D --tls-protocols P
//   --tls-cipher-suite C --tls-certfile F --tls-keyfile F --tls-cert-blacklist F
//   --tls-keyfile-password [P]  as the real tools: env:VAR, file:PATH or the password
//                               itself; alone, asked for as -P alone asks (login_flags.h)
// and hosts written `HOST:TLS-NAME:PORT` (client::Host::parse_with_tls_name). A host
// without its own TLS name gets --tls-name.

#include <memory>
#include <optional>
#include <string>

#include "client/host.h"
#include "client/tls.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace tools {

struct TlsFlags {
  bool enable = false;
  std::string name;
  client::TlsPolicy policy;
  std::string keyfile_password;

  // Adds the flags to `app`; `this` must outlive the parse.
  void add_to(CLI::App& app);
  // The policy with enable set from --tls-enable and the key's password from
  // --tls-keyfile-password (asked for, once, when the flag came without a value).
  client::TlsPolicy tls_policy() const;
  // parse_with_tls_name, then --tls-name for a host that named none (only with TLS on).
  std::optional<client::Host> host(const std::string& text, uint16_t default_port) const;
  // The context for one-shot info calls: null without --tls-enable; Parameter error text
  // in `error` when the files cannot be loaded.
  std::shared_ptr<const client::TlsContext> context(std::string* error) const;

 private:
  CLI::Option* keyfile_password_option_ = nullptr;
  mutable std::optional<std::string> asked_password_;
};

}  // namespace tools
