#include "service/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>
#include <utility>  // boost 1.74 asio/awaitable.hpp needs std::exchange declared first

#include <boost/asio/ssl.hpp>

#include "common/log.h"
#include "common/log_limit.h"

namespace asd {

namespace ssl = boost::asio::ssl;

namespace {

std::string openssl_reason(const boost::system::error_code& ec) {
  std::string reason = ec.message();
  return reason.empty() ? "unknown OpenSSL error" : reason;
}

// `TLSv1.2`, `TLSv1.3`, `all`, separated by commas or spaces: the versions to accept.
ssl::context::options protocol_options(const conf::TlsSpec& spec) {
  bool v12 = false, v13 = false;
  std::string word;
  auto take = [&] {
    if (word.empty()) return;
    if (word == "TLSv1.2") v12 = true;
    else if (word == "TLSv1.3") v13 = true;
    else if (word == "all") v12 = v13 = true;
    else throw std::runtime_error("tls " + spec.name + ": protocols: unknown protocol '" + word +
                                  "' (TLSv1.2, TLSv1.3 or all)");
    word.clear();
  };
  for (char c : spec.protocols) {
    if (c == ',' || c == ' ' || c == '\t') take();
    else word.push_back(c);
  }
  take();
  if (!v12 && !v13) throw std::runtime_error("tls " + spec.name + ": protocols names no TLS version");
  ssl::context::options o = ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                            ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1;
  if (!v12) o |= ssl::context::no_tlsv1_2;
  if (!v13) o |= ssl::context::no_tlsv1_3;
  return o;
}

// Whether the client certificate carries one of `names` (common name or DNS SAN).
bool carries_name(X509* cert, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    if (X509_check_host(cert, name.data(), name.size(), X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, nullptr) == 1) {
      return true;
    }
  }
  return false;
}

std::string subject_of(X509* cert) {
  if (!cert) return "?";
  char buf[256];
  X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
  return buf;
}

}  // namespace

std::shared_ptr<ssl::context> make_server_tls(const conf::TlsSpec& spec,
                                              const std::vector<std::string>& authenticate_client) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  ctx->set_options(protocol_options(spec), ec);
  if (!spec.cipher_suite.empty() && SSL_CTX_set_cipher_list(ctx->native_handle(), spec.cipher_suite.c_str()) != 1) {
    throw std::runtime_error("tls " + spec.name + ": cipher-suite '" + spec.cipher_suite + "' selects no cipher");
  }
  ctx->use_certificate_chain_file(spec.cert_file, ec);
  if (ec) throw std::runtime_error("tls " + spec.name + ": cert-file " + spec.cert_file + ": " + openssl_reason(ec));
  ctx->use_private_key_file(spec.key_file, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("tls " + spec.name + ": key-file " + spec.key_file + ": " + openssl_reason(ec));
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    throw std::runtime_error("tls " + spec.name + ": key-file " + spec.key_file + " does not match cert-file " +
                             spec.cert_file);
  }
  if (!spec.ca_file.empty()) {
    ctx->load_verify_file(spec.ca_file, ec);
    if (ec) throw std::runtime_error("tls " + spec.name + ": ca-file " + spec.ca_file + ": " + openssl_reason(ec));
  }
  if (!spec.ca_path.empty()) {
    ctx->add_verify_path(spec.ca_path, ec);
    if (ec) throw std::runtime_error("tls " + spec.name + ": ca-path " + spec.ca_path + ": " + openssl_reason(ec));
  }

  bool verify = authenticate_client.empty() || authenticate_client.front() != "false";
  if (!verify) {
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
  }
  if (spec.ca_file.empty() && spec.ca_path.empty()) {
    throw std::runtime_error("tls " + spec.name +
                             ": tls-authenticate-client verifies client certificates and needs ca-file or ca-path "
                             "(or set tls-authenticate-client false)");
  }
  ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  std::vector<std::string> names;
  if (!authenticate_client.empty() && authenticate_client.front() != "any") names = authenticate_client;
  ctx->set_verify_callback([names](bool preverified, ssl::verify_context& vc) {
    X509_STORE_CTX* store = vc.native_handle();
    X509* cert = X509_STORE_CTX_get_current_cert(store);
    // A refused client certificate is logged with OpenSSL's reason; a client retrying in
    // a loop must not flood the log.
    static common::LimitedLog limit{std::chrono::seconds(1)};
    if (!preverified) {
      limit.warn(common::logger("tls"), "client certificate refused subject={} reason=\"{}\"", subject_of(cert),
                 X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)));
      return false;
    }
    if (X509_STORE_CTX_get_error_depth(store) != 0 || names.empty()) return true;
    if (carries_name(cert, names)) return true;
    limit.warn(common::logger("tls"), "client certificate refused subject={} reason=\"name not in "
               "tls-authenticate-client\"", subject_of(cert));
    return false;
  });
  return ctx;
}

}  // namespace asd
