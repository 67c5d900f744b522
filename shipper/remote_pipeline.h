#pragma once
// RemotePipeline: the shipper's data path to one remote DC. Private to the shipper.
//
// Persistent connections to every remote node the shipper routes to (more under load),
// each carrying many single-record requests at once: requests are appended to the
// connection's write buffer and written together, answers come back in request order
// (a server answers one connection's requests in order; the real server's `features`
// lists this as `pipelining`) and are matched to their callbacks first in, first out.
// One Boost.Asio thread runs every connection of the DC, so no other DC shares it.
//
// Failures: a connection that cannot connect, breaks, sends something unparsable, or
// leaves its oldest request unanswered past the timeout is closed, and every request on
// it is answered as a network failure (the caller retries it, possibly against another
// node once the partition map moved). A request may have reached the remote before its
// connection failed; the caller's retry carries the same or a newer version, and the
// remote refuses an older LUT, so a late copy never overwrites a newer one.
//
// On a TLS link (the DC's tls-name), every connection shakes hands before carrying
// requests, verifying the node's certificate against its Host::tls_name, within the
// connect timeout; a refused handshake fails the connection like a refused connect. A
// connection takes the link's newest context when it opens and keeps it until it
// closes (link_tls.h reloads it); with no context loaded it fails at once: a TLS link
// never carries plaintext.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "client/host.h"
#include "common/result_code.h"

namespace client {
class TlsContext;
}

namespace shipper {

// The remote refused the link's login or session, or its user's rights: the records are
// fine, the link is not, so they are retried and never abandoned.
bool security_refusal(common::ResultCode code);

struct RemoteAnswer {
  common::ResultCode code = common::ResultCode::Ok;
  std::string message;   // empty for Ok
  bool network = false;  // no answer: connect failure, reset, timeout, garbage, stopping
};
using RemoteCallback = std::function<void(const RemoteAnswer&)>;

struct RemoteRequest {
  client::Host host;
  std::string bytes;  // one complete proto (type 3 or 4) expecting one answer
  RemoteCallback done;
};

struct PipelineOptions {
  // A node gets another connection when the least loaded one it has is busy: at least
  // `busy_conn_requests` waiting, the oldest for `busy_conn_age_ms` or more; up to
  // `max_conns_per_node`. A server answers one connection's requests one after the
  // other, so a remote whose writes wait for their replicas needs several connections
  // to keep the rate, while a fast one is best served by few (more requests per send).
  size_t max_conns_per_node = 16;
  size_t busy_conn_requests = 8;
  uint64_t busy_conn_age_ms = 2;
  uint32_t timeout_ms = 2000;          // oldest request unanswered this long: connection closed
  uint32_t connect_timeout_ms = 1000;
  // The link's TLS context for a new connection (called on the pipeline thread); empty:
  // plaintext. A null context fails the connection (Unavailable, "client: tls: ...").
  std::function<std::shared_ptr<const client::TlsContext>()> tls;
  // A secured remote: the AUTHENTICATE proto for a new connection to `host` (client.h
  // Client::admission), written ahead of its first request; empty: none needed. A
  // refusal fails the connection, its requests answered with the refusal's code.
  std::function<std::string(const client::Host&)> admission;
};

class RemotePipeline {
 public:
  RemotePipeline(std::string dc, PipelineOptions options);
  ~RemotePipeline();  // stop()
  RemotePipeline(const RemotePipeline&) = delete;
  RemotePipeline& operator=(const RemotePipeline&) = delete;

  void start();
  // Answers everything outstanding as a network failure ("stopping") and joins the
  // thread. Requests submitted afterwards are answered the same way at once.
  void stop();

  // Queues the requests (each callback runs exactly once, on the pipeline thread, or on
  // the caller's thread when stopped). Thread-safe.
  void submit(std::vector<RemoteRequest> requests);

  // Requests submitted and not answered yet.
  size_t in_flight() const;
  // Connections currently open or opening.
  size_t connections() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace shipper
