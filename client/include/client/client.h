#pragma once
// client: the C++ smart client for tools, tests, benchmarks and the XDR shipper.
//
// Overview
// --------
// A Client discovers a cluster from seed hosts exactly as the official C client does
// (wire-protocol.md §2.4, §11): it asks each seed `node`, `partition-generation`, `build`
// (and `cluster-name` when configured), follows `peers-clear-std` (`peers-tls-std` with
// TLS on, each peer then carrying its tls-name) to the other nodes, and
// builds a partition map from every node's `replicas` master bitmaps. Single-record
// commands go to the master of the key's partition, or to any node when the map has no
// owner; batch reads send one request per node; scans send each node the partitions it
// masters and stream the records back, retrying partitions a node reports unavailable.
//
// Parts:
//   - key.h, value.h, record.h, operation.h, policy.h: the data model and knobs.
//   - request.h / response.h: wire encoders and parsers (pure; unit-tested byte for byte).
//   - connection.h: one blocking socket with deadlines (poll), reused from a per-node pool.
//   - tls.h: the TLS policy and context; the seeds' tls-names are in their Hosts.
//   - cluster_info.h: parsers for the discovery info values.
//   - errors.h: how client-side failures are told apart from server answers.
//   - columns.h / column_decode.h: columnar batch reads and scans into caller-owned rows
//     laid out like a NumPy structured dtype, decoded straight from the answer bytes.
//
// Threads: one background tend thread (when ClientConfig::tend) re-reads every node each
// second: `node`, `peers-generation`, `partition-generation`; peers again when their
// generation moved, `replicas` when the partition generation moved. Commands run on the
// caller's thread, block until answered or timed out, and may be issued from any number of
// threads at once. A connection that saw any error is closed, never reused.

#include <cstdint>
#include <functional>
#include <span>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "client/admin.h"
#include "client/columns.h"
#include "client/connection.h"
#include "client/host.h"
#include "client/auth.h"
#include "client/key.h"
#include "client/operation.h"
#include "client/policy.h"
#include "client/record.h"
#include "client/tls.h"
#include "client/value.h"
#include "common/result.h"

namespace client {

class NodeSession;

struct ClientConfig {
  std::vector<Host> seeds;
  std::string cluster_name;  // checked against each node's `cluster-name` when set
  uint32_t connect_timeout_ms = 1000;
  uint32_t timeout_ms = 1000;  // default total timeout of a command
  size_t max_conns_per_node = 64;
  bool tend = true;  // run the 1 s tend thread; false = the map from connect() only
  // enable: every connection is TLS, seeds verified against their Host::tls_name, peers
  // found through `peers-tls-std`. connect() fails with Parameter when it cannot load.
  TlsPolicy tls;
  // With tls.enable: this context instead of one loaded from the policy's files (the
  // XDR link shares the one its pipelined connections use, reloaded when files change).
  std::shared_ptr<const TlsContext> tls_context;
  // Security (client/auth.h): with a user, every connection logs in or authenticates
  // before its first command; `password` is asked at each login.
  std::string user;
  PasswordSource password;
};

// Where single-record commands for a partition go: the node's name and service endpoint.
struct NodeRoute {
  std::string name;
  Host host;
};

// Called per scanned record; return false to stop the scan early.
using ScanCallback = std::function<bool(const Record&)>;
// Called per value an aggregation's server stages emit; return false to stop early.
using AggregateCallback = std::function<bool(const Value&)>;

class Client {
 public:
  // Seeds the cluster and runs one full tend pass. Unavailable when no seed answers.
  static common::Result<std::unique_ptr<Client>> connect(ClientConfig config);
  ~Client();  // stops the tend thread, closes every connection
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // NotFound when the record does not exist.
  common::Result<Record> get(const Key& key, const std::vector<std::string>& bins = {},
                             const ReadPolicy& policy = {});
  common::Result<Record> get_header(const Key& key, const ReadPolicy& policy = {});
  common::Result<bool> exists(const Key& key, const ReadPolicy& policy = {});
  // Nil values delete their bin.
  common::Status put(const Key& key, const std::vector<Bin>& bins, const WritePolicy& policy = {});
  // True when the record existed (a missing record is not an error here).
  common::Result<bool> remove(const Key& key, const WritePolicy& policy = {});
  common::Status touch(const Key& key, const WritePolicy& policy = {});
  // Results per wire-protocol.md §5.3, in op order, as bins.
  common::Result<Record> operate(const Key& key, const std::vector<Operation>& ops,
                                 const WritePolicy& policy = {});

  // One answer per key, in key order; a missing record is a NotFound row, not an error.
  // Fails as a whole when a node cannot be reached or ends the batch with an error.
  common::Result<std::vector<BatchRecord>> batch_get(std::span<const Key> keys,
                                                     const BatchRead& read = BatchRead::all(),
                                                     const BatchPolicy& policy = {});

  // Columnar batch read (columns.h): row i of `out` gets keys[i]'s bins of `layout`, its
  // meta and result code (rows the server never answered keep ServerError). Only the
  // layout's bins are requested. Parameter when `out` is smaller than `keys` or null.
  // Fails as batch_get does; a bin its field cannot hold (column_decode.h) fails the call
  // with IncompatibleType once all rows are in, that cell left zero.
  common::Status batch_get_columns(std::span<const Key> keys, const ColumnLayout& layout,
                                   const ColumnBuffer& out, const BatchPolicy& policy = {});

  // Streams every record of ns/set (all sets when `set` is empty) to `callback` on this
  // thread, node by node. Ok also when the callback stopped it.
  common::Status scan(const std::string& ns, const std::string& set, const ScanCallback& callback,
                      const ScanPolicy& policy = {});

  // scan() decoded into columns: rows of `layout` go to `callback` in batches of at most
  // `batch_rows` from one reusable buffer, so memory stays bounded by batch_rows. Only the
  // layout's bins are requested (policy.bins is replaced); tombstones are skipped. The
  // last batch may be short. Returning false stops the scan (Ok). A bin its field cannot
  // hold stops the scan with IncompatibleType; Parameter when batch_rows is 0.
  common::Status scan_columns(const std::string& ns, const std::string& set, const ColumnLayout& layout,
                              size_t batch_rows, const ColumnBatchCallback& callback,
                              const ScanPolicy& policy = {});

  // Runs a stream UDF over the records of ns/set (all sets when `set` is empty) that
  // `policy.filter` selects (all when unset), node by node (§10.4). Each value the
  // server-side stages emit goes to `callback`, in arrival order; a final reduce over
  // the nodes' outputs is the caller's. A Lua error is UdfExecution with the server's
  // FAILURE text. Of the policy, only filter and the timeouts apply.
  common::Status aggregate(const std::string& ns, const std::string& set, const std::string& module,
                           const std::string& function, const std::string& args_msgpack,
                           const AggregateCallback& callback, const ScanPolicy& policy = {});

  // Runs a record UDF (§10.2). `args_msgpack` is the msgpack list of arguments (empty:
  // none). The returned record's bins hold one SUCCESS bin with the UDF's value; a UDF
  // error is UdfExecution with the server's FAILURE text as the message.
  common::Result<Record> apply(const Key& key, const std::string& module, const std::string& function,
                               const std::string& args_msgpack = {}, const WritePolicy& policy = {});

  // One info command on the named node (any node when empty); returns its value as sent.
  common::Result<std::string> info(const std::string& command, const std::string& node_name = {});
  // One-shot info on a fresh connection to `host`, no cluster needed (over TLS with
  // `tls`, verified against host.tls_name). An empty command list asks for the summary.
  // With `user` (a secured server), the connection logs in with `password` first; a
  // refused login is the error, and `session` (when given) gets the login's session, for
  // callers that admit connections of their own (authenticate_request). A secured node
  // asked without a user: NotAuthenticated.
  static common::Result<InfoAnswer> info_host(const Host& host, const std::vector<std::string>& commands,
                                              uint32_t timeout_ms = 1000, const TlsContext* tls = nullptr,
                                              const std::string& user = {}, const std::string& password = {},
                                              Session* session = nullptr);
  // The same, the connection admitted by `login` (null: none), which logs in only when
  // it holds no session the server still takes.
  static common::Result<InfoAnswer> info_host(const Host& host, const std::vector<std::string>& commands,
                                              uint32_t timeout_ms, const TlsContext* tls, NodeSession* login);

  // Deletes every record of ns/set (whole namespace when `set` is empty), via one node,
  // which distributes it as the real server does.
  common::Status truncate(const std::string& ns, const std::string& set);

  // The master of partition `pid` of `ns` in the current map, else any node (as
  // single-record commands are routed). For callers that run their own connections.
  common::Result<NodeRoute> route(const std::string& ns, common::PartitionId pid) const;

  // User administration on a secured cluster (the logged-in user needs user-admin, except
  // to change its own password), as the official clients' admin API; the server's code
  // on refusal (UserAlreadyExists, InvalidUser, RoleViolation, ...). Any node answers:
  // users are cluster-wide.
  common::Status create_user(const std::string& user, const std::string& password,
                             const std::vector<std::string>& roles);
  common::Status drop_user(const std::string& user);
  common::Status set_password(const std::string& user, const std::string& password);
  common::Status grant_roles(const std::string& user, const std::vector<std::string>& roles);
  common::Status revoke_roles(const std::string& user, const std::vector<std::string>& roles);
  // A user's own password change: InvalidCredential when `old_password` is wrong.
  common::Status change_password(const std::string& user, const std::string& old_password,
                                 const std::string& new_password);
  // Roles (admin.h). Parameter, before anything is sent, for a scoped global privilege.
  // Quotas of 0 are not sent; a server without quotas answers QuotasNotEnabled.
  common::Status create_role(const std::string& role, const std::vector<Privilege>& privileges,
                             const std::vector<std::string>& whitelist = {}, uint32_t read_quota = 0,
                             uint32_t write_quota = 0);
  common::Status drop_role(const std::string& role);
  common::Status grant_privileges(const std::string& role, const std::vector<Privilege>& privileges);
  common::Status revoke_privileges(const std::string& role, const std::vector<Privilege>& privileges);
  common::Status set_whitelist(const std::string& role, const std::vector<std::string>& whitelist);  // {}: clear
  common::Status set_quotas(const std::string& role, uint32_t read_quota, uint32_t write_quota);
  // Every user (role) when `name` is empty, else that one (InvalidUser / InvalidRole).
  common::Result<std::vector<UserInfo>> query_users(const std::string& name = {});
  common::Result<std::vector<RoleInfo>> query_roles(const std::string& name = {});

  // For callers that run their own connections to the cluster (xdr's pipeline): the
  // AUTHENTICATE proto that admits a new connection to the node at `host` under that
  // node's session, to send ahead of the first request. Empty when the client does not
  // log in, the server has no security, or no node of the view is at `host`.
  std::string admission(const Host& host) const;
  // Logs in to every node again now, as after the server dropped the sessions (a
  // password change). Ok, or the first refusal (InvalidCredential, ...).
  common::Status relogin();

  // Names of the nodes in the current cluster view.
  std::vector<std::string> node_names() const;
  // The nodes of the current cluster view with their service endpoints.
  std::vector<NodeRoute> nodes() const;
  const ClientConfig& config() const;

  struct Impl;

 private:
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace client
