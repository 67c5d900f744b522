#include "service/tls_context.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <stdexcept>
#include <utility>  // boost 1.74 asio/awaitable.hpp needs std::exchange declared first

#include <boost/asio/ssl.hpp>

#include "cluster/tls_spec.h"
#include "common/cert_blacklist.h"
#include "common/key_file.h"
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
  auto blacklist = std::make_shared<common::CertBlacklist>();
  if (!spec.cert_blacklist.empty()) {
    auto loaded = common::CertBlacklist::load(spec.cert_blacklist);
    if (!loaded) throw std::runtime_error("tls " + spec.name + ": " + loaded.error().message);
    *blacklist = std::move(*loaded);
  }
  ctx->set_verify_callback([names, blacklist](bool preverified, ssl::verify_context& vc) {
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
    // Every certificate of the chain, as the real server checks its cert-blacklist.
    if (blacklist->refuses(cert)) {
      limit.warn(common::logger("tls"), "client certificate refused subject={} reason=\"listed in cert-blacklist\"",
                 cluster::certificate_subject(cert));
      X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
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

// ---- ServerTls --------------------------------------------------------------------------

namespace {

// make_server_tls's exception as a build failure, so a reload that fails keeps the old
// context (files caught mid-rotation load on a later pass).
common::Result<std::shared_ptr<ssl::context>> build_server_tls(const conf::TlsSpec& spec,
                                                               const std::vector<std::string>& authenticate_client) {
  try {
    return make_server_tls(spec, authenticate_client);
  } catch (const std::exception& e) {
    return common::Error{common::ResultCode::Parameter, e.what()};
  }
}

}  // namespace

ServerTls::ServerTls(conf::TlsSpec spec, std::vector<std::string> authenticate_client)
    : spec_(std::move(spec)),
      authenticate_client_(std::move(authenticate_client)),
      context_({spec_.cert_file, spec_.key_file, spec_.ca_file, spec_.ca_path, spec_.cert_blacklist,
                common::key_password_file(spec_.key_file_password)},
               [this] { return build_server_tls(spec_, authenticate_client_); }) {
  if (!context_.current()) throw std::runtime_error(context_.error());
}

ServerTls::~ServerTls() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<ssl::context> ServerTls::current() const { return context_.current(); }

uint64_t ServerTls::reloads() const { return context_.reloads(); }

bool ServerTls::refresh() {
  switch (context_.refresh()) {
    case common::Reload::Unchanged:
      return false;
    case common::Reload::Failed: {
      // Connections go on with the previous context meanwhile.
      static common::LimitedLog limit{std::chrono::seconds(10)};
      limit.warn(common::logger("tls"), "tls reload failed tls={} reason=\"{}\" (the previous certificates stay in use)",
                 spec_.name, context_.error());
      return false;
    }
    case common::Reload::Reloaded:
      break;
  }
  common::logger("tls")->info("tls reloaded tls={} cert_file={}", spec_.name, spec_.cert_file);
  return true;
}

void ServerTls::set_refresh_period(uint32_t seconds) {
  std::lock_guard lock(mu_);
  period_ = std::chrono::seconds(seconds);
  wake_.notify_all();
  // The thread starts with the first non-zero period; it blocks on mu_ until we return.
  if (!thread_.joinable() && seconds != 0) thread_ = std::thread([this] { refresh_loop(); });
}

void ServerTls::refresh_loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (period_.count() == 0) {
      wake_.wait(lock, [this] { return stop_ || period_.count() != 0; });
      continue;
    }
    auto period = period_;
    if (wake_.wait_for(lock, period, [this, period] { return stop_ || period_ != period; })) continue;
    lock.unlock();
    refresh();
    lock.lock();
  }
}

}  // namespace asd
