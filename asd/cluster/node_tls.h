#pragma once
// TLS on one node-to-node link, the heartbeat or the fabric, as Aerospike Enterprise does
// it: always mutual. Each side presents the certificate of the link's `network.tls`
// stanza and verifies the other's chain against that stanza's CA and its name against the
// link's tls-name (common name or DNS subject alternative name). Nodes of one cluster
// therefore share a tls-name: a cluster-wide name, a wildcard, or one common certificate.
//
// One OpenSSL context serves both roles, since a node dials its peers and is dialled by
// them. It issues no session tickets: the dialling side reads its connection only to see
// the peer close it (fabric.cpp), and a ticket there would be bytes to throw away.
// Built once at start-up; thread-safe afterwards (OpenSSL contexts are).

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "common/cert_blacklist.h"
#include "conf/config.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace asd::cluster {

class NodeTls {
 public:
  // `link`: "heartbeat" or "fabric", for messages. `failures` counts refused handshakes
  // and must outlive this. Throws std::runtime_error naming the file and OpenSSL's reason
  // when the stanza's certificate, key or CA cannot be loaded.
  NodeTls(const conf::TlsSpec& spec, const std::string& tls_name, std::string link,
          std::atomic<uint64_t>& failures);
  ~NodeTls();
  NodeTls(const NodeTls&) = delete;
  NodeTls& operator=(const NodeTls&) = delete;

  // A session on the connected, non-blocking socket `fd`, in the accepting (`server`) or
  // dialling role, its writes allowed to be partial. The caller frees it (SSL_free).
  SSL* session(int fd, bool server) const;

  // A handshake (or the first read after it) failed with `ret`: counts it and logs, rate
  // limited, the peer and OpenSSL's reason (a verification error when there is one).
  void failed(SSL* ssl, int ret, const std::string& peer) const;
  // The same for a handshake that failed without OpenSSL saying why (it timed out).
  void failed(const std::string& peer, const std::string& why) const;

  const std::string& link() const { return link_; }

 private:
  SSL_CTX* ctx_;
  std::unique_ptr<common::CertBlacklist> blacklist_;  // the stanza's cert-blacklist; null: none
  const std::string link_;
  std::atomic<uint64_t>& failures_;
};

}  // namespace asd::cluster
