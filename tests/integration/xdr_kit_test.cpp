// The XDR test kit itself, on plain asd processes (no xdr needed): compare_dcs finds
// every kind of difference, LinkProxy forwards, drops and pauses, info maps parse.

#include "xdr_helpers.h"

using support::Dc;
using support::DcOptions;
using support::Seeder;

namespace {

DcOptions asd_only(const std::string& name) {
  DcOptions o;
  o.name = name;
  o.run_xdr = false;
  return o;
}

std::unique_ptr<client::Client> client_on(uint16_t port, uint32_t timeout_ms) {
  client::ClientConfig config;
  config.seeds.push_back({"127.0.0.1", port});
  config.tend = false;
  config.timeout_ms = timeout_ms;
  auto c = client::Client::connect(config);
  if (!c.ok()) return nullptr;
  return std::move(*c);
}

}  // namespace

TEST_CASE("compare_dcs reports missing, extra and different records", "[xdr_kit]") {
  Dc a(asd_only("A"));
  Dc b(asd_only("B"));
  a.start();
  b.start();
  auto ca = a.connect();
  auto cb = b.connect();
  Seeder s("test", "kit");
  REQUIRE(s.write_range(*ca, 0, 100, 1) == 0);
  REQUIRE(s.write_range(*cb, 0, 100, 1) == 0);
  support::DcDiff same = support::compare_dcs(a, b, "test", "kit");
  INFO(same.summary());
  REQUIRE(same.equal());
  REQUIRE(same.a_records == 100);

  REQUIRE(s.write(*cb, 5, 2).ok());              // different bins
  REQUIRE(ca->remove(s.key(6)).ok());            // only in B
  REQUIRE(s.write(*ca, 200, 1).ok());            // only in A
  REQUIRE(s.write(*cb, 7, 1, 3600).ok());        // different void time
  support::DcDiff diff = support::compare_dcs(a, b, "test", "kit");
  INFO(diff.summary());
  CHECK_FALSE(diff.equal());
  CHECK(diff.only_a == 1);
  CHECK(diff.only_b == 1);
  CHECK(diff.different == 2);
  CHECK(diff.summary().find("only in B") != std::string::npos);
  CHECK(Seeder::version_of(*cb, s.key(5)) == 2);
  CHECK(Seeder::version_of(*ca, s.key(6)) == -1);
}

TEST_CASE("LinkProxy forwards, drops until restored, and pauses", "[xdr_kit]") {
  Dc a(asd_only("A"));
  a.start();
  support::LinkProxy proxy(a.port());
  auto c = client_on(proxy.port(), 500);
  REQUIRE(c);
  Seeder s("test", "proxy");
  REQUIRE(s.write(*c, 1, 1).ok());
  CHECK(Seeder::version_of(*c, s.key(1)) == 1);
  CHECK(proxy.forwarded_bytes() > 0);
  CHECK(proxy.open_pairs() >= 1);

  proxy.drop();
  CHECK(proxy.open_pairs() == 0);
  CHECK_FALSE(c->put(s.key(2), Seeder::bins(2, 1)).ok());
  CHECK(client_on(proxy.port(), 500) == nullptr);  // new connections refused too
  proxy.restore();
  auto again = client_on(proxy.port(), 500);
  REQUIRE(again);
  CHECK(s.write(*again, 2, 1).ok());

  proxy.pause();
  client::WritePolicy quick;
  quick.timeout_ms = 300;
  common::Status paused = again->put(s.key(3), Seeder::bins(3, 1), quick);
  CHECK(paused.code() == common::ResultCode::Timeout);
  proxy.resume();
  auto after = client_on(proxy.port(), 1000);
  REQUIRE(after);
  CHECK(s.write(*after, 3, 1).ok());
  CHECK(Seeder::version_of(*after, s.key(3)) == 1);
}

TEST_CASE("info maps parse k=v lists", "[xdr_kit]") {
  support::InfoMap m = support::parse_info_map("link=up;lag=0;success=12;latency_ms=1.5;bad");
  CHECK(m.get("link") == "up");
  CHECK(m.num("lag") == 0);
  CHECK(m.num("success") == 12);
  CHECK(m.num("latency_ms") == 1.5);
  CHECK(m.num("link") == -1);
  CHECK(m.num("missing") == -1);
  CHECK_FALSE(m.has("bad"));
}

TEST_CASE("xdr commands sent to asd's service port are answered by the node's xdr", "[xdr_via_asd]") {
  support::XdrPair pair;
  Dc& a = *pair.dc1;
  std::string dc = pair.dc2->name();
  // The same statistics as on xdr's own info port (values move; the keys do not).
  support::InfoMap via_asd = support::parse_info_map(a.asd_info("get-stats:context=xdr;dc=" + dc));
  support::InfoMap direct = a.xdr_stats(dc);
  INFO(via_asd.raw << "\n" << direct.raw);
  CHECK(via_asd.has("lag"));
  CHECK(via_asd.values.size() == direct.values.size());
  // set-config through asd changes xdr's live setting; get-config through asd shows it.
  CHECK(a.asd_info("set-config:context=xdr;xdr-max-ship-throughput=777") == "ok");
  CHECK(a.xdr_info("get-config:context=xdr").find("xdr-max-ship-throughput=777") != std::string::npos);
  CHECK(a.asd_info("get-config:context=xdr").find("xdr-max-ship-throughput=777") != std::string::npos);
  CHECK(a.asd_info("set-config:context=xdr;enable-xdr=false").find("is not dynamic") != std::string::npos);
  // xdr gone: a clear error within the wait, and asd keeps serving.
  a.kill9_xdr();
  auto t0 = std::chrono::steady_clock::now();
  CHECK(a.asd_info("get-stats:context=xdr;dc=" + dc).rfind("ERROR:4:xdr does not answer on 127.0.0.1:", 0) == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  CHECK(a.asd_info("status") == "ok");
  // A node without xdr says so.
  Dc plain(asd_only("P"));
  plain.start();
  CHECK(plain.asd_info("get-stats:context=xdr;dc=X") == "ERROR:4:xdr is not enabled on this node");
}

TEST_CASE("xdr-compression-threshold and xdr-hotkey-time-ms set at run time change what ships",
          "[xdr_live_keys]") {
  support::XdrPair pair;
  Dc& a = *pair.dc1;
  Dc& b = *pair.dc2;
  std::string dc = b.name();
  auto local = a.connect();
  auto remote = b.connect();
  auto shipped = [&] { return a.xdr_stats(dc).num("success"); };

  // Compression: off (the default), then 1K and up travel zstd-compressed.
  std::string text;
  for (int i = 0; i < 300; ++i) text += "the quick brown fox jumps ";
  for (int i = 0; i < 20; ++i) REQUIRE(local->put(client::Key("test", "live", "c" + std::to_string(i)), {{"t", client::Value(text)}}).ok());
  REQUIRE(support::eventually([&] { return shipped() >= 20; }, 20000, 50));
  CHECK(a.xdr_stats(dc).get("compression_ratio") == "1.000");
  REQUIRE(a.asd_info("set-config:context=xdr;xdr-compression-threshold=1K") == "ok");  // through asd
  for (int i = 20; i < 60; ++i) REQUIRE(local->put(client::Key("test", "live", "c" + std::to_string(i)), {{"t", client::Value(text)}}).ok());
  REQUIRE(support::eventually([&] { return shipped() >= 60; }, 20000, 50));
  CHECK(a.xdr_stats(dc).num("compression_ratio") < 0.5);

  // Hot keys: with a 10 s window (the default is 100 ms) a rewrite waits out the window
  // from the last ship of its key; with 0 it ships at once.
  auto remote_v = [&](const client::Key& key) {
    auto r = remote->get(key);
    if (!r.ok() || r.value().bin("v") == nullptr) return int64_t(-1);
    return r.value().bin("v")->as_int().value_or(-1);
  };
  client::Key held("test", "live", "held");
  REQUIRE(a.xdr_info("set-config:context=xdr;xdr-hotkey-time-ms=10000") == "ok");
  REQUIRE(local->put(held, {{"v", client::Value(int64_t(1))}}).ok());
  REQUIRE(support::eventually([&] { return remote_v(held) == 1; }, 10000, 20));
  REQUIRE(local->put(held, {{"v", client::Value(int64_t(2))}}).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  CHECK(remote_v(held) == 1);  // held back: v1 started shipping less than 10 s ago
  CHECK(support::eventually([&] { return remote_v(held) == 2; }, 15000, 100));
  client::Key quick("test", "live", "quick");
  REQUIRE(a.xdr_info("set-config:context=xdr;xdr-hotkey-time-ms=0") == "ok");
  REQUIRE(local->put(quick, {{"v", client::Value(int64_t(1))}}).ok());
  REQUIRE(support::eventually([&] { return remote_v(quick) == 1; }, 10000, 20));
  REQUIRE(local->put(quick, {{"v", client::Value(int64_t(2))}}).ok());
  CHECK(support::eventually([&] { return remote_v(quick) == 2; }, 5000, 20));  // well inside 10 s
  CHECK(a.xdr_info("get-config:context=xdr").find("xdr-hotkey-time-ms=0") != std::string::npos);
  // The 5.x per-namespace form is refused with what to do instead; nothing changes.
  CHECK(a.asd_info("set-config:context=xdr;dc=" + dc + ";namespace=test;hot-key-ms=50")
            .rfind("ERROR:4:xdr settings are not kept per namespace here", 0) == 0);
  CHECK(a.xdr_info("get-config:context=xdr").find("xdr-hotkey-time-ms=0") != std::string::npos);
}
