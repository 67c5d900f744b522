#include "cluster/node_tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "cluster/tls_spec.h"
#include "common/log.h"
#include "common/log_limit.h"

namespace asd::cluster {

namespace {

// Why a handshake failed: the certificate verification error when the chain or the name
// was refused, else the reason OpenSSL queued (an alert from the peer, a peer that speaks
// no TLS), else the socket's.
std::string failure_reason(SSL* ssl, int ret) {
  int err = SSL_get_error(ssl, ret);
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) return X509_verify_cert_error_string(verify);
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code != 0) {
    const char* reason = ERR_reason_error_string(code);
    if (reason) return reason;
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
  }
  if (err == SSL_ERROR_SYSCALL) return ret == 0 || errno == 0 ? "connection closed" : std::strerror(errno);
  if (err == SSL_ERROR_ZERO_RETURN) return "connection closed";
  return "TLS error " + std::to_string(err);
}

// Where a context keeps its NodeTls's blacklist, for the verify callback.
int blacklist_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

// After OpenSSL's own checks: every certificate of the peer's chain against the
// stanza's cert-blacklist, as the client service port checks it.
int verify_peer(int preverified, X509_STORE_CTX* store) {
  if (!preverified) return 0;
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  const auto* list =
      ssl ? static_cast<const common::CertBlacklist*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), blacklist_index()))
          : nullptr;
  if (list && list->refuses(X509_STORE_CTX_get_current_cert(store))) {
    X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
    return 0;
  }
  return 1;
}

}  // namespace

NodeTls::NodeTls(const conf::TlsSpec& spec, const std::string& tls_name, std::string link,
                 std::atomic<uint64_t>& failures)
    : ctx_(SSL_CTX_new(TLS_method())), link_(std::move(link)), failures_(failures) {
  if (ctx_ == nullptr) throw std::runtime_error(link_ + " tls: cannot create an OpenSSL context");
  try {
    load_tls_spec(ctx_, spec);
    if (!spec.cert_blacklist.empty()) {
      auto loaded = common::CertBlacklist::load(spec.cert_blacklist);
      if (!loaded) throw std::runtime_error(link_ + " tls " + spec.name + ": " + loaded.error().message);
      blacklist_ = std::make_unique<common::CertBlacklist>(std::move(*loaded));
      SSL_CTX_set_ex_data(ctx_, blacklist_index(), blacklist_.get());
    }
  } catch (...) {
    SSL_CTX_free(ctx_);
    throw;
  }
  SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_peer);
  // Verification checks the name as well as the chain, in both roles.
  X509_VERIFY_PARAM* param = SSL_CTX_get0_param(ctx_);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  X509_VERIFY_PARAM_set1_host(param, tls_name.c_str(), tls_name.size());
  SSL_CTX_set_num_tickets(ctx_, 0);
  SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_mode(ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // A peer killed or restarted closes without close_notify: that is a closed connection,
  // not a TLS failure (the fabric's framing, not TLS, tells a cut-off message).
  SSL_CTX_set_options(ctx_, SSL_OP_IGNORE_UNEXPECTED_EOF);
}

NodeTls::~NodeTls() { SSL_CTX_free(ctx_); }

SSL* NodeTls::session(int fd, bool server) const {
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr) return nullptr;
  SSL_set_fd(ssl, fd);
  if (server) SSL_set_accept_state(ssl);
  else SSL_set_connect_state(ssl);
  return ssl;
}

void NodeTls::failed(SSL* ssl, int ret, const std::string& peer) const {
  failed(peer, failure_reason(ssl, ret));
}

void NodeTls::failed(const std::string& peer, const std::string& why) const {
  failures_.fetch_add(1, std::memory_order_relaxed);
  // A peer retrying every 100 ms with a foreign certificate must not flood the log.
  static common::LimitedLog limit{std::chrono::seconds(1)};
  limit.warn(common::logger("fabric"), "{} tls handshake failed peer={} reason=\"{}\"", link_, peer, why);
}

}  // namespace asd::cluster
