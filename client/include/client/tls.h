#pragma once
// TLS for the client (tools, the XDR shipper, tests), as Aerospike clients configure it:
// a policy naming the CA that verifies servers, optionally a certificate and key for
// mutual TLS, the protocol versions and TLSv1.2 cipher list, and a cert-blacklist. Each
// host carries the tls-name its server certificate must name (Host::tls_name; peers
// found through `peers-tls-std` carry theirs).
//
// A TlsContext is built once from a policy (the files are read then) and shared by every
// connection of a client; it is immutable and thread-safe. Handshakes run over the
// client's own non-blocking sockets (connection.h) under the same poll deadlines as
// plaintext I/O. A server certificate is accepted when its chain verifies against the
// CA, it is not blacklisted, and its subject alternative names (or, lacking DNS names,
// its common name) match the tls-name, as X509_check_host does; a host without a
// tls-name is checked against its address.
//
// Failures are client errors (errors.h) whose message starts "client: tls: " and carries
// OpenSSL's reason. Our result codes are the server's unsigned wire codes, so there is
// no AEROSPIKE_ERR_TLS_ERROR (-9): a policy that cannot be loaded is Parameter, a failed
// handshake Unavailable, a handshake that does not finish in time Timeout.

#include <memory>
#include <string>
#include <string_view>

#include "client/host.h"
#include "common/result.h"

struct ssl_ctx_st;
struct ssl_st;

namespace client {

inline constexpr std::string_view kTlsErrorPrefix = "client: tls: ";

struct TlsPolicy {
  bool enable = false;
  std::string ca_file;    // PEM CA certificates that verify servers
  std::string ca_path;    // a directory of hashed CA certificates (c_rehash)
  std::string cert_file;  // client certificate chain, for servers that require one
  std::string key_file;
  // Where key_file's password is, as the server's key-file-password (common/key_file.h):
  // env:NAME, env-b64:NAME or a file; read at each create(). Empty: not encrypted.
  std::string key_file_password;
  // key_file's password itself (the tools' --tls-keyfile-password PASSWORD), used when
  // key_file_password is empty.
  std::string key_password;
  // As the C client: words separated by spaces or commas, `all`, `TLSv1`, `TLSv1.1`,
  // `TLSv1.2`, `TLSv1.3`; a bare or `+` word adds, `-` removes. Empty: TLSv1.2 and 1.3.
  std::string protocols;
  std::string cipher_suite;    // OpenSSL cipher list for TLSv1.2; empty: OpenSSL's
  std::string cert_blacklist;  // file of refused serials [issuer] (common/cert_blacklist.h)
};

class TlsContext {
 public:
  // Reads the policy's files. Parameter ("client: tls: ...") naming the file and reason.
  static common::Result<std::shared_ptr<const TlsContext>> create(const TlsPolicy& policy);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  ssl_ctx_st* native() const { return ctx_; }

  struct Verify;  // what the verify callback needs (private)

 private:
  TlsContext() = default;
  ssl_ctx_st* ctx_ = nullptr;
  std::unique_ptr<Verify> verify_;
};

// For every TLS session of a client (this client's connections, and the Asio streams of
// the shipper and asbench over a TlsContext's SSL_CTX): the name the handshake verifies
// and sends as SNI, host.tls_name, else its address (an IP literal is matched against
// the certificate's IP addresses).
void expect_peer_name(ssl_st* ssl, const Host& host);
// Why a handshake on `ssl` failed: the certificate check's verdict when that is what
// failed ("certificate verify failed: ..."), else `other`.
std::string handshake_failure(ssl_st* ssl, const std::string& other);

// Whether an error came from TLS (policy or handshake) rather than the network.
inline bool is_tls_error(std::string_view message) { return message.substr(0, kTlsErrorPrefix.size()) == kTlsErrorPrefix; }

}  // namespace client
