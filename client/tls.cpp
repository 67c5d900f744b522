#include "client/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include <mutex>

#include "client/errors.h"
#include "common/cert_blacklist.h"
#include "common/key_file.h"

namespace client {

using common::ResultCode;

struct TlsContext::Verify {
  common::CertBlacklist blacklist;
};

namespace {

enum Protocol : unsigned { kTls1 = 1, kTls11 = 2, kTls12 = 4, kTls13 = 8, kAll = 15 };

common::Error tls_error(ResultCode code, const std::string& what) {
  return client_error(code, std::string(kTlsErrorPrefix.substr(kClientErrorPrefix.size())) + what);
}

std::string openssl_reason() {
  unsigned long e = ERR_get_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

// The C client's words (as_tls.c protocols_parse): `+word` adds, `-word` removes, and a
// bare word adds as well, so the server's comma lists (`TLSv1.2,TLSv1.3`) mean the same.
common::Result<unsigned> parse_protocols(const std::string& spec) {
  if (spec.empty()) return unsigned(kTls12 | kTls13);
  unsigned set = 0;
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t end = spec.find_first_of(" \t,", pos);
    if (end == std::string::npos) end = spec.size();
    std::string word = spec.substr(pos, end - pos);
    pos = end + 1;
    if (word.empty()) continue;
    char act = 0;
    if (word.front() == '+' || word.front() == '-') {
      act = word.front();
      word.erase(0, 1);
    }
    unsigned current = 0;
    const char* w = word.c_str();
    if (strcasecmp(w, "TLSv1") == 0) current = kTls1;
    else if (strcasecmp(w, "TLSv1.1") == 0) current = kTls11;
    else if (strcasecmp(w, "TLSv1.2") == 0) current = kTls12;
    else if (strcasecmp(w, "TLSv1.3") == 0) current = kTls13;
    else if (strcasecmp(w, "all") == 0) current = kAll;
    else return tls_error(ResultCode::Parameter, "unknown protocol '" + word + "'");
    if (act == '-') set &= ~current;
    else set |= current;
  }
  if (set == 0) return tls_error(ResultCode::Parameter, "protocols '" + spec + "' leave no version");
  return set;
}

int g_verify_index = -1;

int verify_callback(int preverified, X509_STORE_CTX* store) {
  if (!preverified) return 0;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* verify = static_cast<TlsContext::Verify*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), g_verify_index));
  if (verify && verify->blacklist.refuses(X509_STORE_CTX_get_current_cert(store))) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }
  return 1;
}

}  // namespace

void expect_peer_name(ssl_st* ssl, const Host& host) {
  const std::string& name = host.tls_name.empty() ? host.address : host.tls_name;
  unsigned char ip[sizeof(in6_addr)];
  bool ip_literal = ::inet_pton(AF_INET, name.c_str(), ip) == 1 || ::inet_pton(AF_INET6, name.c_str(), ip) == 1;
  if (host.tls_name.empty() && ip_literal) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str());
    return;
  }
  SSL_set_tlsext_host_name(ssl, name.c_str());
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  SSL_set1_host(ssl, name.c_str());
}

std::string handshake_failure(ssl_st* ssl, const std::string& other) {
  long verdict = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
  if (verdict != X509_V_OK) return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verdict);
  return other;
}

TlsContext::~TlsContext() {
  if (ctx_) SSL_CTX_free(ctx_);
}

common::Result<std::shared_ptr<const TlsContext>> TlsContext::create(const TlsPolicy& policy) {
  static std::once_flag once;
  std::call_once(once, [] { g_verify_index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr); });
  auto protocols = parse_protocols(policy.protocols);
  if (!protocols) return protocols.error();
  std::shared_ptr<TlsContext> tls(new TlsContext());
  tls->verify_ = std::make_unique<Verify>();
  if (!policy.cert_blacklist.empty()) {
    auto list = common::CertBlacklist::load(policy.cert_blacklist);
    if (!list) return tls_error(ResultCode::Parameter, list.error().message);
    tls->verify_->blacklist = std::move(*list);
  }
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) return tls_error(ResultCode::Parameter, "cannot create a context: " + openssl_reason());
  tls->ctx_ = ctx;
  long options = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_COMPRESSION;
  if (!(*protocols & kTls1)) options |= SSL_OP_NO_TLSv1;
  if (!(*protocols & kTls11)) options |= SSL_OP_NO_TLSv1_1;
  if (!(*protocols & kTls12)) options |= SSL_OP_NO_TLSv1_2;
  if (!(*protocols & kTls13)) options |= SSL_OP_NO_TLSv1_3;
  SSL_CTX_set_options(ctx, options);
  if (*protocols & (kTls1 | kTls11)) SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
  // Partial writes let write_all() resume after WANT_WRITE with the rest of its buffer.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (!policy.cipher_suite.empty() && SSL_CTX_set_cipher_list(ctx, policy.cipher_suite.c_str()) != 1) {
    return tls_error(ResultCode::Parameter, "cipher-suite '" + policy.cipher_suite + "' selects no cipher");
  }
  if (policy.ca_file.empty() && policy.ca_path.empty()) {
    return tls_error(ResultCode::Parameter, "no CA to verify servers with (cafile or capath)");
  }
  if (SSL_CTX_load_verify_locations(ctx, policy.ca_file.empty() ? nullptr : policy.ca_file.c_str(),
                                    policy.ca_path.empty() ? nullptr : policy.ca_path.c_str()) != 1) {
    return tls_error(ResultCode::Parameter,
                     "CA " + (policy.ca_file.empty() ? policy.ca_path : policy.ca_file) + ": " + openssl_reason());
  }
  if (!policy.cert_file.empty() || !policy.key_file.empty()) {
    if (policy.cert_file.empty() || policy.key_file.empty()) {
      return tls_error(ResultCode::Parameter, "a client certificate needs both certfile and keyfile");
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, policy.cert_file.c_str()) != 1) {
      return tls_error(ResultCode::Parameter, "certfile " + policy.cert_file + ": " + openssl_reason());
    }
    std::string password = policy.key_password;
    if (!policy.key_file_password.empty()) {
      common::Result<std::string> fetched = common::fetch_key_password(policy.key_file_password);
      if (!fetched) return tls_error(ResultCode::Parameter, fetched.error().message);
      password = std::move(*fetched);
    }
    common::Result<common::PrivateKey> key = common::read_private_key(policy.key_file, password);
    if (!key) return tls_error(ResultCode::Parameter, "keyfile " + key.error().message);
    if (SSL_CTX_use_PrivateKey(ctx, key->get()) != 1) {
      return tls_error(ResultCode::Parameter, "keyfile " + policy.key_file + ": " + openssl_reason());
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
      return tls_error(ResultCode::Parameter, "keyfile " + policy.key_file + " does not match " + policy.cert_file);
    }
  }
  SSL_CTX_set_ex_data(ctx, g_verify_index, tls->verify_.get());
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, verify_callback);
  return std::shared_ptr<const TlsContext>(std::move(tls));
}

}  // namespace client
