#include "service/tls_context.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>
#include <utility>  // boost 1.74 asio/awaitable.hpp needs std::exchange declared first

#include <boost/asio/ssl.hpp>

#include "cluster/tls_spec.h"
#include "common/log.h"
#include "common/log_limit.h"

namespace asd {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> make_server_tls(const conf::TlsSpec& spec,
                                              const std::vector<std::string>& authenticate_client) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  cluster::load_tls_spec(ctx->native_handle(), spec);

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
      limit.warn(common::logger("tls"), "client certificate refused subject={} reason=\"{}\"",
                 cluster::certificate_subject(cert), X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)));
      return false;
    }
    if (X509_STORE_CTX_get_error_depth(store) != 0 || names.empty()) return true;
    if (cluster::certificate_carries_name(cert, names)) return true;
    limit.warn(common::logger("tls"), "client certificate refused subject={} reason=\"name not in "
               "tls-authenticate-client\"", cluster::certificate_subject(cert));
    return false;
  });
  return ctx;
}

}  // namespace asd
