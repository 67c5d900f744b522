// Two-node clusters driven with raw requests. A service thread never waits for another
// node: on a node with one service thread, a
// write held up by a replica that stopped answering (SIGSTOP: its sockets stay open, so
// nothing fails fast) must not hold up a read on another connection of that same thread.
// The read is answered while the write is still waiting; once the replica runs again the
// write is answered too.

#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <string>
#include <thread>

#include "common/base64.h"
#include "common/digest.h"
#include "common/result_code.h"
#include "proto/frame.h"
#include "proto/message.h"
#include "support/cluster_dc.h"
#include "support/raw_socket.h"

namespace {

using namespace std::chrono_literals;

constexpr uint8_t kStringParticle = 3;

std::string framed(const std::string& body) {
  std::string out;
  size_t off = proto::begin_proto(out, proto::ProtoType::Message);
  out += body;
  proto::end_proto(out, off);
  return out;
}

// A single-record request for key `k` of test/nb: a write of bin v="x", or a read of all.
std::string request(int64_t k, bool write, uint8_t info3 = 0) {
  common::Digest d = common::compute_digest("nb", k);
  std::string body;
  proto::MsgHeader h;
  h.info3 = info3;
  if (write) h.info2 = proto::info2::kWrite;
  else h.info1 = proto::info1::kRead | proto::info1::kGetAll;
  h.transaction_ttl = 20000;
  size_t at = proto::append_msg_header(body, h);
  proto::append_field(body, proto::FieldType::Namespace, "test");
  proto::append_field(body, proto::FieldType::Set, "nb");
  proto::append_field(body, proto::FieldType::Digest, d.view());
  if (write) proto::append_op(body, proto::OpType::Write, kStringParticle, "v", "x");
  proto::patch_msg_counts(body, at, 3, write ? 1 : 0);
  return framed(body);
}

uint8_t result_of(const std::string& answer) { return uint8_t(answer[8 + 5]); }

// Whether node 0 is the master of key k's partition, from its `replicas-master`.
bool mastered_by(const support::ClusterDc& dc, size_t node, int64_t k) {
  std::string answer = dc.asd_info(node, "replicas-master");
  size_t at = answer.find("test:");
  REQUIRE(at != std::string::npos);
  size_t end = answer.find_first_of(";\n", at);
  auto bits = common::base64_decode(answer.substr(at + 5, end == std::string::npos ? end : end - at - 5));
  REQUIRE(bits);
  uint32_t pid = common::partition_id(common::compute_digest("nb", k)).value;
  return ((*bits)[pid / 8] & (0x80 >> (pid % 8))) != 0;
}

// Two asd-only nodes, every partition on both.
support::ClusterDcOptions two_nodes(const std::string& name) {
  support::ClusterDcOptions options;
  options.name = name;
  options.nodes = 2;
  options.replication_factor = 2;
  options.run_xdr = false;
  return options;
}

}  // namespace

TEST_CASE("a write waiting for a stopped replica does not hold up its service thread", "[nonblocking]") {
  support::ClusterDcOptions options = two_nodes("NB");
  options.service_extra = "  service-threads 1\n";
  // Long enough that node 0 still counts node 1 as a member all through the test.
  options.heartbeat_timeout = 60;
  support::ClusterDc dc(options);
  dc.start();

  int64_t read_key = 0, write_key = 0;
  for (int64_t k = 1; read_key == 0 || write_key == 0; ++k) {
    if (!mastered_by(dc, 0, k)) continue;
    if (read_key == 0) read_key = k;
    else write_key = k;
  }
  {
    support::RawSocket setup(dc.port(0));
    REQUIRE(setup.send(request(read_key, true)));
    auto answer = setup.recv_proto();
    REQUIRE(answer);
    REQUIRE(result_of(*answer) == uint8_t(common::ResultCode::Ok));
  }

  support::RawSocket writer(dc.port(0));
  support::RawSocket reader(dc.port(0));
  dc.freeze_asd(1);
  REQUIRE(writer.send(request(write_key, true)));
  // The write is applied on node 0 and now waits for node 1's ack.
  std::this_thread::sleep_for(300ms);
  REQUIRE(reader.send(request(read_key, false)));
  auto read = reader.recv_proto(3000);
  REQUIRE(read);
  CHECK(result_of(*read) == uint8_t(common::ResultCode::Ok));
  // Still waiting: the read did not simply come after the write.
  auto early = writer.recv_proto(1);
  INFO("write answered early with result " << (early ? int(result_of(*early)) : -1));
  CHECK_FALSE(early);

  // Commit level master: the same kind of write is answered without the replica's ack.
  support::RawSocket master_only(dc.port(0));
  int64_t commit_master_key = write_key + 1;
  while (!mastered_by(dc, 0, commit_master_key)) ++commit_master_key;
  REQUIRE(master_only.send(request(commit_master_key, true, proto::info3::kCommitMaster)));
  auto answered = master_only.recv_proto(3000);
  REQUIRE(answered);
  CHECK(result_of(*answered) == uint8_t(common::ResultCode::Ok));

  dc.thaw_asd(1);
  auto written = writer.recv_proto(10000);
  REQUIRE(written);
  CHECK(result_of(*written) == uint8_t(common::ResultCode::Ok));
  // The replica got the commit-master write too once it ran again: it holds copies of
  // all three records.
  CHECK(support::eventually([&] {
    return support::parse_info_map(dc.asd_info(1, "namespace/test")).num("prole_objects") == 3;
  }, 10000, 100));
}

// A scan that lists its partitions may be served by any node with a full copy, as the
// real server's reserve_full: a client whose map is a moment behind a hand-over asks
// the replica, which answers with the records rather than "partition unavailable".
TEST_CASE("a listed partition is scanned from a full replica", "[scan_replica]") {
  support::ClusterDc dc(two_nodes("SR"));
  dc.start();

  int64_t key = 1;
  while (!mastered_by(dc, 0, key)) ++key;
  support::RawSocket setup(dc.port(0));
  REQUIRE(setup.send(request(key, true)));
  auto written = setup.recv_proto();
  REQUIRE(written);
  REQUIRE(result_of(*written) == uint8_t(common::ResultCode::Ok));

  uint16_t pid = common::partition_id(common::compute_digest("nb", key)).value;
  std::string body;
  proto::MsgHeader h;
  h.info1 = proto::info1::kRead | proto::info1::kGetAll;
  h.info3 = proto::info3::kPartitionDone;
  h.transaction_ttl = 10000;
  size_t at = proto::append_msg_header(body, h);
  proto::append_field(body, proto::FieldType::Namespace, "test");
  proto::append_field(body, proto::FieldType::Set, "nb");
  char pids[2] = {char(pid & 0xff), char(pid >> 8)};
  proto::append_field(body, proto::FieldType::PidArray, std::string_view(pids, 2));
  proto::patch_msg_counts(body, at, 3, 0);

  support::RawSocket replica(dc.port(1));  // node 1 is not the partition's master
  REQUIRE(replica.send(framed(body)));
  size_t records = 0, unavailable = 0;
  bool last = false;
  while (!last) {
    auto answer = replica.recv_proto();
    REQUIRE(answer);
    std::string_view rest = std::string_view(*answer).substr(8);
    while (!rest.empty() && !last) {
      proto::Message m;
      auto used = proto::parse_message(rest, &m);
      REQUIRE(used);
      rest.remove_prefix(*used);
      if (m.header.info3 & proto::info3::kLast) last = true;
      else if (m.header.info3 & proto::info3::kPartitionDone) unavailable += m.header.result_code != 0;
      else ++records;
    }
  }
  CHECK(unavailable == 0);
  CHECK(records == 1);
}
