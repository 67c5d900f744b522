// Proxy: a single-record request that reaches a node which does not serve its partition
// (the client's partition map is behind a cluster change) is sent to the node that does;
// its answer goes back to the client unchanged. The cluster thread only hands a proxied
// request to the handler the service layer registered (it runs it like a client's,
// without blocking) and sends the answer back whenever it is ready.

#include "cluster/cluster_impl.h"

namespace asd::cluster {

CompletionPtr Cluster::proxy(NodeId target, proto::ProtoType type, std::string_view body, uint8_t hops) {
  Impl& d = *impl_;
  auto completion = std::make_shared<Completion>(1);
  uint64_t id = d.waits.add_proxy(target, completion, steady_now_ms());
  d.stats.proxy_initiated.fetch_add(1, std::memory_order_relaxed);
  Writer w(MsgType::ProxyRequest, d.self, d.key_now.load());
  w.u64(id);
  w.u8(uint8_t(type));
  w.u8(hops);
  w.bytes(body);
  d.send_to(target, w.take());
  return completion;
}

void Cluster::Impl::on_proxy_request(const MsgHead& h, Reader& r) {
  uint64_t id = r.u64();
  auto type = proto::ProtoType(r.u8());
  uint8_t hops = r.u8();
  std::string_view body = r.bytes();
  if (r.bad() || !proxy_handler) {
    stats.fabric_bad_messages.fetch_add(1);
    return;
  }
  NodeId from = h.from;
  proxy_handler(type, std::string(body), hops, [this, from, id](std::string answer) {
    Writer w(MsgType::ProxyResponse, self, key_now.load());
    w.u64(id);
    w.bytes(answer);
    send_to(from, w.take());
  });
}

}  // namespace asd::cluster
