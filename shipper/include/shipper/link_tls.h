#pragma once
// LinkTls: the TLS context of one DC's link (the `network { tls NAME { } }` stanza its
// tls-name names), shared by the link's client (remote_link.h) and the pipelined data
// connections (remote_pipeline.h), and kept current as asd keeps its listener's.
//
// The DC's shipper calls refresh() every `service { tls-refresh-period }` seconds and
// whenever the link connects from scratch. When cert-file, key-file, ca-file, ca-path
// or cert-blacklist changed (common/file_reload.h), a new context is loaded: the
// pipeline's new connections and a new client of the link use it, connections already
// open keep theirs until they close. Files that do not load leave the previous context
// in use, logged rate-limited, until they do. When none ever loaded (the files were
// broken at start-up), current() is null: the link stays down with the reason and the
// pipeline refuses to connect; it never talks plaintext to a TLS port.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "client/tls.h"
#include "common/file_reload.h"
#include "common/log_limit.h"

namespace shipper {

class LinkTls {
 public:
  // Loads the policy's files now; without policy.enable there is no TLS and nothing is
  // read. A load that fails is not logged here: the link reports it (error()).
  LinkTls(std::string dc, client::TlsPolicy policy);
  LinkTls(const LinkTls&) = delete;
  LinkTls& operator=(const LinkTls&) = delete;

  bool enabled() const { return policy_.enable; }
  const client::TlsPolicy& policy() const { return policy_; }

  // The newest context that loaded; null without TLS or when none has. Thread-safe.
  std::shared_ptr<const client::TlsContext> current() const;
  // Why the last load failed ("client: tls: ..."); empty once a later one loaded.
  std::string error() const;
  // Loads the files again when they changed, or when none loaded yet. True when a new
  // context is in use (logged). Blocks for the file reads. Thread-safe.
  bool refresh();
  // Contexts loaded after start-up (`tls_reloads` in the DC's stats). Thread-safe.
  uint64_t reloads() const;

 private:
  const std::string dc_;
  const client::TlsPolicy policy_;
  std::optional<common::FileReload<const client::TlsContext>> context_;  // with TLS only
  common::LimitedLog failed_log_{std::chrono::seconds(10)};
};

}  // namespace shipper
