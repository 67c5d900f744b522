#include "tls_flags.h"

#include <CLI/CLI.hpp>

#include "login_flags/login_flags.h"

namespace tools {

void TlsFlags::add_to(CLI::App& app) {
  app.add_flag("--tls-enable", enable, "Connect over TLS");
  app.add_option("--tls-name", name, "TLS name the servers' certificates carry (for hosts without HOST:NAME:PORT)");
  app.add_option("--tls-cafile", policy.ca_file, "CA certificates (PEM) that verify the servers");
  app.add_option("--tls-capath", policy.ca_path, "Directory of hashed CA certificates");
  app.add_option("--tls-protocols", policy.protocols, "TLS versions, e.g. 'TLSv1.2' or '-all +TLSv1.3'");
  app.add_option("--tls-cipher-suite", policy.cipher_suite, "OpenSSL cipher list for TLSv1.2");
  app.add_option("--tls-certfile", policy.cert_file, "Client certificate chain (PEM) for mutual TLS");
  app.add_option("--tls-keyfile", policy.key_file, "Private key of --tls-certfile");
  app.add_option("--tls-cert-blacklist", policy.cert_blacklist, "File of refused certificate serials [issuer]");
  keyfile_password_option_ =
      app.add_option("--tls-keyfile-password", keyfile_password,
                     "Password of an encrypted --tls-keyfile: env:VAR, file:PATH or the password; alone, asked for "
                     "on the terminal (or read as one line of standard input)")
          ->expected(0, 1)
          ->type_name("[PASSWORD]");
}

client::TlsPolicy TlsFlags::tls_policy() const {
  client::TlsPolicy out = policy;
  out.enable = enable;
  std::string given = keyfile_password;
  if (keyfile_password_option_ != nullptr && keyfile_password_option_->count() > 0 && given.empty()) {
    if (!asked_password_) asked_password_ = ask_secret("TLS keyfile password: ").value_or("");
    given = *asked_password_;
  }
  if (given.rfind("env:", 0) == 0) {
    out.key_file_password = given;
  } else if (given.rfind("file:", 0) == 0) {
    out.key_file_password = given.substr(5);
  } else {
    out.key_password = given;
  }
  return out;
}

std::optional<client::Host> TlsFlags::host(const std::string& text, uint16_t default_port) const {
  auto parsed = client::Host::parse_with_tls_name(text, default_port);
  if (parsed && enable && parsed->tls_name.empty()) parsed->tls_name = name;
  if (parsed && !enable) parsed->tls_name.clear();
  return parsed;
}

std::shared_ptr<const client::TlsContext> TlsFlags::context(std::string* error) const {
  if (!enable) return nullptr;
  auto made = client::TlsContext::create(tls_policy());
  if (!made) {
    *error = made.error().message;
    return nullptr;
  }
  return *made;
}

}  // namespace tools
