// The asd side of XDR with real processes: digest frames reach the named pipe (and asd
// never waits for xdr), XDR writes resolve conflicts by LUT then src-id and keep the
// source LUT, XDR reads answer LUT and origin, and allow-(non)xdr-writes are enforced.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/bytes.h"
#include "common/clock.h"
#include "proto/frame.h"
#include "proto/message.h"
#include "proto/xdr_frame.h"
#include "support/asd_node.h"
#include "support/raw_socket.h"

using client::Key;
using client::Value;
using client::WritePolicy;
using common::ResultCode;

namespace {

support::AsdOptions xdr_options(const std::string& dir) {
  support::AsdOptions o;
  o.namespaces =
      "namespace test {\n  replication-factor 1\n  memory-size 256M\n  storage-engine memory\n"
      "  enable-xdr true\n  xdr-remote-datacenter DC2\n}\n"
      "namespace locked {\n  replication-factor 1\n  memory-size 64M\n  storage-engine memory\n"
      "  allow-nonxdr-writes false\n}\n"
      "namespace closed {\n  replication-factor 1\n  memory-size 64M\n  storage-engine memory\n"
      "  allow-xdr-writes false\n}\n";
  o.extra_config = "xdr {\n  enable-xdr true\n  src-id 1\n  xdr-digestlog-path " + dir +
                   "/dlog 16M\n  xdr-namedpipe-path " + dir +
                   "/pipe\n  datacenter DC2 {\n    dc-node-address-port 127.0.0.1 9\n  }\n}\n";
  return o;
}

// Reads whole frames from the FIFO until `n` record frames arrived or the timeout passes;
// Marks (asd's clock, queued behind the frames while xdr reads) are counted, not kept.
std::vector<proto::XdrFrame> read_frames(int fd, size_t n, int timeout_ms, size_t* marks = nullptr) {
  std::vector<proto::XdrFrame> frames;
  std::string buffer;
  auto deadline = common::steady_ms() + uint64_t(timeout_ms);
  while (frames.size() < n && common::steady_ms() < deadline) {
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, 50);
    char chunk[8192];
    ssize_t got = read(fd, chunk, sizeof chunk);
    if (got > 0) buffer.append(chunk, size_t(got));
    while (buffer.size() >= proto::kXdrFrameSize) {
      auto f = proto::decode_xdr_frame(reinterpret_cast<const uint8_t*>(buffer.data()));
      REQUIRE(f);
      if (f->is_mark() && marks) ++*marks;
      if (!f->is_mark()) frames.push_back(*f);
      buffer.erase(0, proto::kXdrFrameSize);
    }
  }
  return frames;
}

// An XDR read (info1 READ|GET_ALL|XDR) done by hand: returns (result, LUT, origin) and,
// through `stored_key`, the user key field when the record has one.
std::tuple<uint8_t, uint64_t, uint8_t> xdr_read(uint16_t port, const Key& key, std::string* stored_key = nullptr) {
  std::string body;
  proto::MsgHeader h;
  h.info1 = proto::info1::kRead | proto::info1::kGetAll | proto::info1::kXdr;
  h.n_fields = 3;
  proto::append_msg_header(body, h);
  proto::append_field(body, proto::FieldType::Namespace, key.ns());
  proto::append_field(body, proto::FieldType::Set, key.set());
  proto::append_field(body, proto::FieldType::Digest, key.digest().view());
  std::string request;
  size_t off = proto::begin_proto(request, proto::ProtoType::Message);
  request += body;
  proto::end_proto(request, off);
  support::RawSocket s(port);
  s.send(request);
  auto answer = s.recv_proto();
  REQUIRE(answer);
  proto::Message m;
  REQUIRE(proto::parse_message(std::string_view(*answer).substr(8), &m).ok());
  uint64_t lut = 0;
  uint8_t origin = 0;
  if (auto* f = m.field(proto::FieldType::Lut)) lut = common::load_be64(common::as_bytes(f->data));
  if (auto* f = m.field(proto::FieldType::XdrSrcId)) origin = uint8_t(f->data[0]);
  if (auto* f = m.field(proto::FieldType::Key); f && stored_key) *stored_key = std::string(f->data);
  return {m.header.result_code, lut, origin};
}

}  // namespace

TEST_CASE("writes never wait for xdr, and their frames reach the pipe once it is read", "[asdxdr]") {
  support::TempDir dir;
  support::AsdNode node(xdr_options(dir.path()));
  auto c = node.connect();
  // No reader yet: writes still succeed at once.
  uint64_t started = common::steady_ms();
  for (int i = 0; i < 200; ++i) REQUIRE(c->put(Key("test", "s", i), {{"v", Value(i)}}).ok());
  CHECK(common::steady_ms() - started < 5000);
  CHECK(c->info("statistics")->find("xdr_pipe_connected=false") != std::string::npos);

  std::string pipe = dir.path() + "/pipe";
  REQUIRE(mkfifo(pipe.c_str(), 0600) == 0);
  int fd = open(pipe.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(fd >= 0);
  REQUIRE(c->remove(Key("test", "s", 0)).ok());
  size_t marks = 0;
  auto frames = read_frames(fd, 201, 10000, &marks);
  REQUIRE(frames.size() == 201);
  CHECK(frames[0].op == proto::XdrOp::Write);
  CHECK(frames[0].ns == "test");
  CHECK(frames[0].set == "s");
  CHECK(frames[0].digest == Key("test", "s", 0).digest());
  CHECK(frames[0].origin_src_id == common::SrcId(1));
  CHECK(frames[0].generation == 1);
  CHECK(frames[200].op == proto::XdrOp::Delete);
  CHECK(frames[200].lut > frames[0].lut);
  CHECK(frames[0].master_id != common::NodeId());  // this node, the master
  CHECK((frames[0].flags & proto::kXdrFlagReplica) == 0);
  // A namespace without enable-xdr is not announced; Marks keep coming while xdr reads.
  REQUIRE(c->put(Key("closed", "s", 1), {{"v", Value(1)}}).ok());
  CHECK(read_frames(fd, 1, 2500, &marks).empty());
  CHECK(marks > 0);
  close(fd);
  CHECK(c->info("xdr-gaps").value().empty());
}

TEST_CASE("xdr writes apply only when newer, keep the source LUT, and lose otherwise", "[asdxdr]") {
  support::TempDir dir;
  support::AsdNode node(xdr_options(dir.path()));
  auto c = node.connect();
  Key key("test", "s", "conflict");
  REQUIRE(c->put(key, {{"v", Value("local")}}).ok());
  auto [rc0, local_lut, local_origin] = xdr_read(node.port(), key);
  REQUIRE(rc0 == 0);
  CHECK(local_origin == 1);
  CHECK(local_lut <= common::now_cl_ms());

  WritePolicy older;
  older.xdr = true;
  older.lut = local_lut - 1000;
  older.src_id = 2;
  older.exists = client::ExistsAction::Replace;
  CHECK(c->put(key, {{"v", Value("old")}}, older).code() == ResultCode::LostConflict);
  CHECK(c->get(key)->bin("v")->as_string() == "local");

  WritePolicy tie_low = older;
  tie_low.lut = local_lut;
  tie_low.src_id = 0;  // equal LUT, lower src-id than the local origin (1): loses
  CHECK(c->put(key, {{"v", Value("tie-low")}}, tie_low).code() == ResultCode::LostConflict);
  WritePolicy tie_high = older;
  tie_high.lut = local_lut;
  tie_high.src_id = 2;  // equal LUT, higher src-id: wins
  REQUIRE(c->put(key, {{"v", Value("tie-high")}}, tie_high).ok());
  CHECK(c->get(key)->bin("v")->as_string() == "tie-high");

  WritePolicy newer = older;
  newer.lut = local_lut + 5000;
  newer.src_id = 3;
  REQUIRE(c->put(key, {{"w", Value("remote")}}, newer).ok());
  auto rec = c->get(key);
  CHECK(rec->bin("v") == nullptr);  // replace: the shipped record is the whole record
  CHECK(rec->bin("w")->as_string() == "remote");
  auto [rc1, lut1, origin1] = xdr_read(node.port(), key);
  CHECK(rc1 == 0);
  CHECK(lut1 == local_lut + 5000);
  CHECK(origin1 == 3);

  // A shipped delete older than the local version loses; a newer one deletes.
  WritePolicy old_delete = older;
  old_delete.lut = local_lut;
  CHECK(c->remove(key, old_delete).code() == ResultCode::LostConflict);
  WritePolicy new_delete = older;
  new_delete.lut = local_lut + 6000;
  REQUIRE(c->remove(key, new_delete).ok());
  CHECK(c->get(key).code() == ResultCode::NotFound);
  // Deleting what is already gone is not an error for a shipper.
  CHECK(c->remove(key, new_delete).ok());
  CHECK(c->info("namespace/test")->find("xdr_lost_conflict=3") != std::string::npos);
}

TEST_CASE("an xdr read returns the stored user key so that it ships with the record", "[asdxdr]") {
  support::TempDir dir;
  support::AsdNode node(xdr_options(dir.path()));
  auto c = node.connect();
  WritePolicy send_key;
  send_key.send_key = true;
  REQUIRE(c->put(Key("test", "s", "with-key"), {{"v", Value(1)}}, send_key).ok());
  REQUIRE(c->put(Key("test", "s", "no-key"), {{"v", Value(1)}}).ok());
  std::string stored;
  auto [rc, lut, origin] = xdr_read(node.port(), Key("test", "s", "with-key"), &stored);
  CHECK(rc == 0);
  CHECK(stored == std::string("\x03with-key", 9));
  stored.clear();
  xdr_read(node.port(), Key("test", "s", "no-key"), &stored);
  CHECK(stored.empty());
}

TEST_CASE("allow-nonxdr-writes and allow-xdr-writes answer 22", "[asdxdr]") {
  support::TempDir dir;
  support::AsdNode node(xdr_options(dir.path()));
  auto c = node.connect();
  WritePolicy xdr;
  xdr.xdr = true;
  xdr.lut = common::now_cl_ms();
  xdr.src_id = 2;
  CHECK(c->put(Key("locked", "s", 1), {{"v", Value(1)}}).code() == ResultCode::Forbidden);
  REQUIRE(c->put(Key("locked", "s", 1), {{"v", Value(1)}}, xdr).ok());
  CHECK(c->remove(Key("locked", "s", 1)).code() == ResultCode::Forbidden);
  CHECK(c->put(Key("closed", "s", 1), {{"v", Value(1)}}, xdr).code() == ResultCode::Forbidden);
  REQUIRE(c->put(Key("closed", "s", 1), {{"v", Value(1)}}).ok());
  CHECK(c->get(Key("locked", "s", 1)).ok());
}

TEST_CASE("an XDR batch read answers every row's LUT and origin, and deleted records as tombstones", "[asdxdr]") {
  support::TempDir dir;
  support::AsdNode node(xdr_options(dir.path()));
  auto c = node.connect();
  const Key local("test", "batch", "local"), shipped("test", "batch", "shipped"), gone("test", "batch", "gone"),
      never("test", "batch", "never");
  REQUIRE(c->put(local, {{"v", Value(1)}}).ok());
  WritePolicy from_dc5;
  from_dc5.xdr = true;
  from_dc5.lut = common::now_cl_ms() - 1000;
  from_dc5.src_id = 5;
  REQUIRE(c->put(shipped, {{"v", Value(2)}}, from_dc5).ok());
  REQUIRE(c->put(gone, {{"v", Value(3)}}).ok());
  REQUIRE(c->remove(gone).ok());
  const std::vector<Key> keys{local, shipped, gone, never};

  client::BatchRead xdr_read = client::BatchRead::all();
  xdr_read.xdr = true;
  auto rows = c->batch_get(keys, xdr_read);
  REQUIRE(rows);
  REQUIRE(rows->size() == 4);
  const client::BatchRecord &a = (*rows)[0], &b = (*rows)[1], &d = (*rows)[2], &n = (*rows)[3];
  REQUIRE(a.found());
  CHECK(a.record.lut > 0);
  CHECK(a.record.origin_src_id == 1);  // a local write carries this DC's src-id
  REQUIRE(a.record.bin("v"));
  CHECK(a.record.bin("v")->as_int() == 1);
  REQUIRE(b.found());
  CHECK(b.record.lut == *from_dc5.lut);
  CHECK(b.record.origin_src_id == 5);
  CHECK(d.result == common::ResultCode::NotFound);
  CHECK(d.record.tombstone);
  CHECK(d.record.lut >= a.record.lut);
  CHECK(n.result == common::ResultCode::NotFound);
  CHECK_FALSE(n.record.tombstone);

  // An ordinary batch read carries none of it.
  auto plain = c->batch_get(keys);
  REQUIRE(plain);
  REQUIRE((*plain)[0].found());
  CHECK((*plain)[0].record.lut == 0);
  CHECK((*plain)[2].result == common::ResultCode::NotFound);
  CHECK_FALSE((*plain)[2].record.tombstone);
}
