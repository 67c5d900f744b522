#include "node.h"

#include <unistd.h>

#include <filesystem>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "cluster/cluster.h"
#include "index/namespace.h"
#include "index/nsup.h"
#include "common/node_id.h"
#include "common/clock.h"
#include "common/log.h"
#include "service/server.h"
#include "service/tls_context.h"
#include "conf/xdr_local_login.h"
#include "security/access_control.h"
#include "smd/metadata_store.h"
#include "transaction/jobs.h"
#include "udf/lua_runtime.h"
#include "udf/udf_modules.h"
#include "ticker.h"
#include "xdr_pipe/announce.h"
#include "xdr_pipe/pipe_writer.h"

namespace asd {

namespace {

// Frames queued for xdr before asd starts recording gaps (~14 MB of memory at most).
constexpr size_t kXdrQueueFrames = 100000;

// Like the real server (MAC address + port), a node id stable across restarts of the
// same configuration and distinct between nodes sharing one machine.
uint64_t derive_node_id(const conf::Config& config) {
  if (config.service.node_id) return *config.service.node_id;
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  uint64_t h = std::hash<std::string>{}(std::string(host) + ":" + std::to_string(config.network.service.port));
  h &= 0x0000FFFFFFFFFFFFull;
  h |= uint64_t(config.network.service.port) << 48;
  return h == 0 ? 1 : h;
}

// Where the pipe's gaps persist (pipe_writer.h): the work directory, created if missing.
std::string xdr_gap_file(const conf::Config& config) {
  std::string dir = config.service.work_directory;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw std::runtime_error("service { work-directory " + dir + " } cannot be created (" + ec.message() +
                             "); XDR keeps its pipe gaps there");
  }
  return dir + "/xdr-pipe.gaps";
}

// The work directory's sub-directory `name`, for state other than the pipe's gaps.
std::string work_path(const conf::Config& config, const std::string& name) {
  return config.service.work_directory + "/" + name;
}

// Brings the namespace's indexes in line with the definition the store now holds for
// `item`'s key (changes may be reported in any order, from any thread: the store's
// current state decides, one change at a time).
void apply_sindex_definition(NodeContext& node, const smd::Item& item) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  auto log = common::logger("sindex");
  size_t bar = item.key.find('|');
  if (bar == std::string::npos) return;
  Namespace* ns = node.find_namespace(std::string_view(item.key).substr(0, bar));
  if (!ns) {
    log->warn("index definition {} names a namespace this node does not have", item.key);
    return;
  }
  std::string name = item.key.substr(bar + 1);
  smd::Item current;
  if (!node.metadata().get(kSindexMetadataModule, item.key, &current)) {
    if (ns->drop_sindex(name)) log->info("index dropped ns={} indexname={}", ns->name(), name);
    return;
  }
  std::optional<SindexDef> def = decode_sindex_def(current.key, current.value);
  if (!def) {
    log->warn("index definition {} does not parse: {}", current.key, current.value);
    return;
  }
  std::shared_ptr<SecondaryIndex> existing = ns->find_sindex(name);
  if (existing && existing->def() == *def) return;
  if (existing) ns->drop_sindex(name);
  std::optional<uint16_t> set_id = ns->set_id(def->set, true);
  if (!set_id) {
    log->warn("index {} not built: the set table of namespace {} is full", name, ns->name());
    return;
  }
  ns->add_sindex(std::make_shared<SecondaryIndex>(*def, *set_id));
  log->info("index building ns={} indexname={} set={} bin={} type={} indextype={}", ns->name(), name, def->set,
            def->bin, sindex_type_name(def->type), sindex_collection_name(def->collection));
}

}  // namespace

Node::Node(conf::Config config) : NodeContext(std::move(config)) {}

Node::~Node() { stop(); }

void Node::init() {
  node_id_ = derive_node_id(config_);
  node_id_hex_ = common::node_id_hex(node_id_);
  for (const conf::Namespace& ns : config_.namespaces) {
    namespaces_.push_back(std::make_unique<Namespace>(ns));
    namespaces_.back()->open_storage();
  }
  const conf::Xdr& xdr = config_.xdr;
  if (xdr.enable_xdr && !xdr.namedpipe_path.empty()) {
    PipeWriterOptions options;
    options.capacity = kXdrQueueFrames;
    options.gap_file = xdr_gap_file(config_);
    for (const conf::Namespace& ns : config_.namespaces) {
      if (ns.enable_xdr) options.namespaces.push_back(ns.name);
    }
    pipe_ = std::make_unique<PipeWriter>(xdr.namedpipe_path, std::move(options));
    pipe_->restore();  // gaps of earlier runs; throws when the work directory is unusable
  }
  metadata_ = std::make_unique<smd::MetadataStore>(work_path(config_, "smd"), node_id_);
  if (common::Status st = metadata_->load(); !st.ok()) {
    throw std::runtime_error("system metadata in service { work-directory } cannot be loaded: " + st.message());
  }
  if (config_.security.enabled) {
    // Users and roles come from the metadata just loaded; the default user and the
    // session secret are seeded when this is the first start.
    // With XDR on, the node's xdr logs in through the built-in local login, whose password
    // is written where it reads it (conf/xdr_local_login.h).
    std::string local_login =
        conf::uses_xdr_local_login(config_) ? conf::xdr_local_login_path(config_) : std::string();
    access_control_ = std::make_unique<security::AccessControl>(config_.security, *metadata_, node_id_, nullptr,
                                                                std::move(local_login));
    if (common::Status st = access_control_->start(); !st.ok()) {
      throw std::runtime_error("access control cannot start: " + st.message());
    }
  }
  std::string user_path = config_.mod_lua.user_path.empty() ? work_path(config_, "usr/udf/lua") : config_.mod_lua.user_path;
  udf_modules_ = std::make_unique<udf::UdfModules>(user_path, *metadata_);
  if (common::Status st = udf_modules_->start(); !st.ok()) throw std::runtime_error(st.message());
  record_udf_ = std::make_unique<udf::LuaRuntime>(*udf_modules_);
  // Indexes defined before this start are created (and built in the background) now,
  // before the service opens; later definitions come through the same listener.
  metadata_->listen(std::string(kSindexMetadataModule),
                    [this](const smd::Item& item) { apply_sindex_definition(*this, item); });
  for (auto& ns : namespaces_) {
    std::shared_ptr<const conf::Namespace> cfg = ns->config();
    XdrPolicy policy;
    policy.ship = pipe_ && cfg->enable_xdr;
    policy.ship_deletes = xdr.delete_shipping_enabled;
    policy.ship_nsup_deletes = xdr.nsup_deletes_enabled;
    policy.forward = conf::forwards_xdr_writes(xdr, *cfg);
    policy.local_src_id = uint8_t(xdr.src_id);
    policy.node_id = node_id_;
    policy.pipe = pipe_.get();
    ns->set_xdr_policy(policy);
  }
}

void Node::start() {
  start_ms_ = common::steady_ms();
  std::vector<Namespace*> all;
  for (auto& ns : namespaces_) all.push_back(ns.get());
  if (pipe_) pipe_->start();
  for (auto& ns : namespaces_) ns->start_storage();
  nsup_ = std::make_unique<Nsup>(all, [](Namespace& ns, const common::Digest& digest, const Record& r,
                                         proto::XdrOp op) {
    SetStats* set = ns.set_stats(r.set_id);
    // nsup holds the partition lock: the role is read in the same critical section.
    const PartitionRole& role = ns.partition_of(digest).role;
    Announcement a;
    a.replica_of = role.master ? 0 : role.acting_master;
    a.op = op;
    a.digest = &digest;
    a.set = set ? std::string_view(set->name) : std::string_view();
    a.lut = r.lut + 1;  // the expiry is newer than the version it removes
    a.generation = r.generation;
    a.origin_src_id = r.origin_src_id;
    announce_to_xdr(ns, a);
  });
  nsup_->start();
  unsigned threads = config_.service.service_threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  // The info port listens where network.info says, else where the service does.
  const std::vector<std::string>& info_addresses =
      config_.network.info.addresses.empty() ? config_.network.service.addresses : config_.network.info.addresses;
  TlsListener tls;
  if (const conf::Endpoint& service = config_.network.service; service.tls_port != 0) {
    // The loader checked that tls-name names a stanza; a certificate that cannot be
    // loaded stops start-up here with the file and the reason.
    tls.addresses = service.tls_addresses;
    tls.port = uint16_t(service.tls_port);
    tls.tls = std::make_shared<ServerTls>(*config_.network.find_tls(service.tls_name), service.tls_authenticate_client);
    server_tls_ = tls.tls;
  }
  server_ = std::make_unique<Server>(*this, config_.network.service.addresses, uint16_t(config_.network.service.port),
                                     info_addresses, uint16_t(config_.network.info.port), threads, std::move(tls));
  cluster_ = std::make_unique<cluster::Cluster>(node_id_, config_, all);
  // The cluster sits below the service: requests proxied here come up through this.
  cluster_->set_proxy_handler([server = server_.get()](proto::ProtoType type, std::string body, uint8_t hops,
                                                       std::function<void(std::string)> reply) {
    server->run_proxied(type, std::move(body), hops, std::move(reply));
  });
  cluster_->set_metadata(metadata_.get());
  metadata_->set_publisher([cluster = cluster_.get()](const smd::Item& item) { cluster->broadcast_metadata(item); });
  // Replica writes and their acks are handled on the service threads, which are awake
  // anyway, rather than waking the cluster thread for every one.
  cluster_->start(server_->io_contexts());
  // Before the service, whose set-config reaches it.
  ticker_ = std::make_unique<Ticker>(*this, config_.service.ticker_interval);
  ticker_->start();
  if (server_tls_) server_tls_->set_refresh_period(config_.service.tls_refresh_period);
  server_->start();
  common::logger("as")->info("node started node_id={} namespaces={} service_port={}", node_id_hex_,
                             namespaces_.size(), config_.network.service.port);
}

void Node::stop() {
  if (server_) server_->stop();
  ticker_.reset();  // after the service (set-config reaches it), before the cluster it reads
  jobs().stop();    // background jobs write through the cluster and the Lua runtime
  if (cluster_) cluster_->stop();
  if (nsup_) nsup_->stop();
  nsup_.reset();
  // After the service: every acknowledged write reaches the device before exit. The
  // server's contexts outlive this, because the last group commits still post their
  // answers to them (stopped, so the answers are dropped with the connections).
  for (auto& ns : namespaces_) ns->stop_storage();
  server_.reset();
  if (pipe_) pipe_->stop();
}

void Node::service_config_changed() {
  if (ticker_) ticker_->set_interval(config().service.ticker_interval);
  if (server_tls_) server_tls_->set_refresh_period(config().service.tls_refresh_period);
}

}  // namespace asd
