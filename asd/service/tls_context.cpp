#include "service/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <stdexcept>
#include <utility>  // boost 1.74 asio/awaitable.hpp needs std::exchange declared first

#include <boost/asio/ssl.hpp>

#include "common/cert_blacklist.h"
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
      limit.warn(common::logger("tls"), "client certificate refused subject={} reason=\"{}\"", subject_of(cert),
                 X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)));
      return false;
    }
    // Every certificate of the chain, as the real server checks its cert-blacklist.
    if (blacklist->refuses(cert)) {
      limit.warn(common::logger("tls"), "client certificate refused subject={} reason=\"listed in cert-blacklist\"",
                 subject_of(cert));
      X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
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

// ---- ServerTls --------------------------------------------------------------------------

ServerTls::ServerTls(conf::TlsSpec spec, std::vector<std::string> authenticate_client)
    : spec_(std::move(spec)), authenticate_client_(std::move(authenticate_client)) {
  loaded_fingerprint_ = fingerprint();
  current_ = make_server_tls(spec_, authenticate_client_);
}

ServerTls::~ServerTls() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::shared_ptr<ssl::context> ServerTls::current() const {
  std::lock_guard lock(mu_);
  return current_;
}

uint64_t ServerTls::reloads() const {
  std::lock_guard lock(mu_);
  return reloads_;
}

std::string ServerTls::fingerprint() const {
  std::string out;
  for (const std::string* path : {&spec_.cert_file, &spec_.key_file, &spec_.ca_file, &spec_.cert_blacklist}) {
    if (path->empty()) continue;
    std::error_code ec;
    auto size = std::filesystem::file_size(*path, ec);
    auto time = std::filesystem::last_write_time(*path, ec);
    out += *path + ":" + (ec ? std::string("?") : std::to_string(size) + "@" +
                                                   std::to_string(time.time_since_epoch().count())) + ";";
  }
  return out;
}

bool ServerTls::refresh() {
  std::lock_guard one(refresh_mu_);
  std::string now = fingerprint();
  {
    std::lock_guard lock(mu_);
    if (now == loaded_fingerprint_) return false;
  }
  std::shared_ptr<ssl::context> fresh;
  try {
    fresh = make_server_tls(spec_, authenticate_client_);
  } catch (const std::exception& e) {
    // Files caught mid-rotation fail here and load on a later pass; connections go on
    // with the previous context meanwhile.
    static common::LimitedLog limit{std::chrono::seconds(10)};
    limit.warn(common::logger("tls"), "tls reload failed tls={} reason=\"{}\" (the previous certificates stay in use)",
               spec_.name, e.what());
    return false;
  }
  {
    std::lock_guard lock(mu_);
    current_ = std::move(fresh);
    loaded_fingerprint_ = std::move(now);
    ++reloads_;
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
