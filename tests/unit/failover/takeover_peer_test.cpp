// Takeover against fake peers: a peer's progress is used only when it can be trusted.
// A fake asd (the local cluster view), a fake peer asd (where its xdr listens) and a fake
// peer xdr (what it publishes) on loopback; a real digest log; the shipper stubbed.

#include <catch2/catch.hpp>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "common/base64.h"
#include "common/atomic_file.h"
#include "common/clock.h"
#include "common/digest.h"
#include "failover/takeover.h"
#include "fake_info_server.h"
#include "logger/digest_log.h"

using namespace failover;
using tools_test::FakeInfoServer;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    std::string tmpl = "/tmp/unit_takeover_XXXXXX";
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

bool eventually(const std::function<bool()>& pred, int ms = 5000) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

std::string all_partitions() { return common::base64_encode(std::string(common::kPartitions / 8, char(0xFF))); }

// The local node A1 in a cluster with A2 (present or gone); A1 masters every partition.
void set_cluster(FakeInfoServer& asd, uint16_t peer_asd_port, bool with_peer) {
  std::string key = with_peer ? "1111" : "2222";
  asd.set("xdr-cluster", "self=A1;key=" + key + ";integrity=true;members=" + (with_peer ? "A1,A2" : "A1") +
                             ";peers=" + (with_peer ? "A2@127.0.0.1:" + std::to_string(peer_asd_port) : ""));
  asd.set("xdr-roles:namespace=test", "key=" + key + ";master=" + all_partitions() + ";replica=");
}

std::string progress_of_a2(uint64_t lut) {
  NodeProgress p;
  p.node = 0xA2;
  p.stamped_ms = common::now_cl_ms();
  p.luts[{"DC2", "test"}] = PartitionLuts(common::kPartitions, lut);
  return encode_progress(p);
}

struct Fixture {
  TempDir dir;
  FakeInfoServer asd, peer_asd, peer_xdr;
  std::unique_ptr<logger::DigestLog> log;
  std::unique_ptr<Takeover> takeover;

  Fixture() {
    peer_asd.set("get-config:context=xdr", "enable-xdr=true;xdr-info-port=" + std::to_string(peer_xdr.port()));
    set_cluster(asd, peer_asd.port(), true);
    log = logger::DigestLog::open(dir.path + "/dlog", 32768 + 256 * 156, {"DC2"});
  }

  void start() {
    TakeoverOptions o;
    o.local_asd = client::Host{"127.0.0.1", asd.port()};
    o.state_path = dir.path + "/dlog.takeover";
    o.shipping = {{"DC2", "test"}};
    o.cluster_poll_ms = 20;
    o.peer_poll_ms = 20;
    o.peer_down_ms = 400;
    o.info_timeout_ms = 300;
    takeover = std::make_unique<Takeover>(
        o, *log, [] { return std::shared_ptr<client::Client>(); }, [](const std::string&, const proto::XdrFrame&) { return true; },
        [](const std::string&) { return uint64_t(0); },
        [](const std::string&, const std::string&) {
          OwnInputs in;
          in.frontier = common::now_cl_ms();
          in.oldest.assign(common::kPartitions, UINT64_MAX);
          return in;
        },
        [](std::shared_ptr<const ActingMap>) {});
    takeover->init();
    takeover->start();
  }

  // The task registered for A2's departure, read back from the state file.
  std::optional<TakeoverTask> departure_task() {
    auto text = common::read_whole_file(dir.path + "/dlog.takeover");
    if (!text || !*text) return std::nullopt;
    auto state = decode_state(**text);
    if (!state) return std::nullopt;
    for (const TakeoverTask& t : state->tasks) {
      if (t.departed == 0xA2 && !t.acting) return t;
    }
    return std::nullopt;
  }
};

}  // namespace

TEST_CASE("a trusted peer is taken over from its published progress", "[failover][takeover]") {
  Fixture f;
  const uint64_t lut = common::now_cl_ms() - 10000;
  f.peer_xdr.set("xdr-progress", progress_of_a2(lut));
  f.start();
  REQUIRE(eventually([&] { return f.takeover->peers_value().rfind("A2:up:", 0) == 0; }));
  // A1 publishes its own progress, which names it.
  CHECK(f.takeover->progress_answer().find("node=A1") != std::string::npos);
  set_cluster(f.asd, f.peer_asd.port(), false);  // A2 leaves
  REQUIRE(eventually([&] { return f.departure_task().has_value(); }));
  auto task = f.departure_task();
  CHECK(task->since.size() == common::kPartitions);
  CHECK(task->since.at(0) == lut - kTakeoverMarginMs);
  CHECK(f.takeover->stats("DC2").takeovers_pending == 1);
  CHECK(eventually([&] { return f.takeover->progress_answer().find("registered=A2@") != std::string::npos; }));
  f.takeover->stop();
}

TEST_CASE("garbage, another node's progress or a LUT in the future is never trusted", "[failover][takeover]") {
  Fixture f;
  SECTION("garbage") { f.peer_xdr.set("xdr-progress", "v=1;node=A2;p=DC2/test/banana/"); }
  SECTION("another node") {
    NodeProgress p;
    p.node = 0xA3;
    p.luts[{"DC2", "test"}] = PartitionLuts(common::kPartitions, common::now_cl_ms() - 1000);
    f.peer_xdr.set("xdr-progress", encode_progress(p));
  }
  SECTION("a LUT a minute ahead") { f.peer_xdr.set("xdr-progress", progress_of_a2(common::now_cl_ms() + 60000)); }
  f.start();
  // Never accepted: after peer_down_ms of no trusted answer, A2's xdr counts as down.
  REQUIRE(eventually([&] { return f.takeover->peers_value().rfind("A2:down:", 0) == 0; }));
  set_cluster(f.asd, f.peer_asd.port(), false);
  REQUIRE(eventually([&] { return f.departure_task().has_value(); }));
  // With no progress it can trust, the takeover ships everything of A2's partitions.
  CHECK(f.departure_task()->since.at(0) == 0);
  CHECK(f.departure_task()->since.at(4095) == 0);
  f.takeover->stop();
}
