// Proxy: a single-record request that reaches a node which does not serve its partition
// (the client's partition map is behind a cluster change) is sent to the node that does;
// its answer goes back to the client unchanged. Proxied requests run on their own small
// pool here, never on the cluster thread: a proxied write waits for its replicas' acks,
// which the cluster thread delivers.

#include <mutex>

#include "cluster/cluster_impl.h"
#include "node.h"
#include "service/dispatch.h"
#include "service/response_sink.h"

namespace asd::cluster {

namespace {

constexpr uint64_t kProxyWaitMs = 10000;

// Collects the answer of a request run on behalf of another node.
class ProxySink : public ResponseSink {
 public:
  explicit ProxySink(uint8_t hops) { proxy_hops_ = hops; }
  bool flush() override { return true; }
};

}  // namespace

CompletionPtr Cluster::proxy(NodeId target, proto::ProtoType type, std::string_view body, uint8_t hops) {
  Impl& d = *impl_;
  auto completion = std::make_shared<Completion>(1);
  uint64_t id;
  {
    std::lock_guard lock(d.waits_mu);
    id = d.next_wait_id++;
    PendingReply& p = d.proxy_waits[id];
    p.completion = completion;
    p.waiting.insert(target);
    p.started_ms = steady_now_ms();
  }
  d.stats.proxy_initiated.fetch_add(1, std::memory_order_relaxed);
  Writer w(MsgType::ProxyRequest, d.self, d.key_now.load());
  w.u64(id);
  w.u8(uint8_t(type));
  w.u8(hops);
  w.bytes(body);
  d.send_to(target, w.take());
  return completion;
}

void Cluster::Impl::on_proxy_request(const MsgHead& h, std::string_view message) {
  {
    std::lock_guard lock(proxy_mu);
    proxy_queue.emplace_back(h.from, std::string(message));
  }
  proxy_cv.notify_one();
}

void Cluster::Impl::start_proxy_workers(unsigned n) {
  for (unsigned i = 0; i < n; ++i) proxy_workers.emplace_back([this] { proxy_worker_loop(); });
}

void Cluster::Impl::stop_proxy_workers() {
  {
    std::lock_guard lock(proxy_mu);
    proxy_stopping = true;
  }
  proxy_cv.notify_all();
  for (auto& w : proxy_workers) w.join();
  proxy_workers.clear();
}

void Cluster::Impl::proxy_worker_loop() {
  for (;;) {
    std::pair<NodeId, std::string> job;
    {
      std::unique_lock lock(proxy_mu);
      proxy_cv.wait(lock, [&] { return proxy_stopping || !proxy_queue.empty(); });
      if (proxy_stopping) return;
      job = std::move(proxy_queue.front());
      proxy_queue.pop_front();
    }
    Reader r(job.second);
    MsgHead h;
    r.head(&h);
    uint64_t id = r.u64();
    auto type = proto::ProtoType(r.u8());
    uint8_t hops = r.u8();
    std::string_view body = r.bytes();
    if (r.bad()) {
      stats.fabric_bad_messages.fetch_add(1);
      continue;
    }
    ProxySink sink(hops);
    bool close = false;
    dispatch_request(node, type, body, sink, &close);
    auto answer = std::make_shared<std::string>(std::move(sink.buffer()));
    auto ready = std::make_shared<Completion>(1);
    when_answer_ready(*answer, std::exchange(sink.commit_wait(), {}), [ready, answer] { ready->finish(true); });
    ready->wait(kProxyWaitMs);
    Writer w(MsgType::ProxyResponse, self, key_now.load());
    w.u64(id);
    w.bytes(*answer);
    send_to(job.first, w.take());
  }
}

}  // namespace asd::cluster
