// PipeReader against a real FIFO: good frames, garbage and half frames, writer restarts.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <random>
#include <stdexcept>

#include "logger/digest_log.h"
#include "logger/pipe_reader.h"
#include "logger_test_util.h"

using namespace logger;
using namespace logger::test;

namespace {

// A stand-in for asd's writer thread: one write(2) per chunk.
class Writer {
 public:
  explicit Writer(const std::string& path) : fd_(::open(path.c_str(), O_WRONLY | O_NONBLOCK)) {
    REQUIRE(fd_ >= 0);
  }
  ~Writer() { ::close(fd_); }
  void write(const std::string& bytes) {
    REQUIRE(::write(fd_, bytes.data(), bytes.size()) == ssize_t(bytes.size()));
  }
  void frame(uint64_t lut) { write(proto::encode_xdr_frame(make_frame("ns", lut, int64_t(lut)))); }

 private:
  int fd_;
};

std::string random_bytes(std::mt19937& rng, size_t n) {
  std::string out(n, '\0');
  for (auto& c : out) c = char(rng());
  return out;
}

}  // namespace

TEST_CASE("pipe reader appends good frames", "[logger]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(256), {"A"});
  PipeReader reader(dir.file("pipe"), *log);
  reader.start();
  {
    Writer w(dir.file("pipe"));
    for (uint64_t i = 0; i < 100; ++i) w.frame(i);
  }
  REQUIRE(eventually([&] { return reader.frames() == 100; }));
  CHECK(reader.garbage_bytes() == 0);
  auto entries = log->read(0, 1000);
  REQUIRE(entries.size() == 100);
  for (uint64_t i = 0; i < 100; ++i) CHECK(entries[i].frame == make_frame("ns", i, int64_t(i)));
  reader.stop();
  reader.stop();  // idempotent
}

TEST_CASE("pipe reader skips garbage and half frames and resynchronises", "[logger]") {
  uint32_t seed = std::random_device{}();
  INFO("seed " << seed);
  std::mt19937 rng(seed);
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(256), {"A"});
  PipeReader reader(dir.file("pipe"), *log);
  reader.start();
  Writer w(dir.file("pipe"));
  std::string half = proto::encode_xdr_frame(make_frame("ns", 777)).substr(0, 60);
  w.write(random_bytes(rng, 37));
  w.frame(1);
  w.write(half);  // a writer that died mid-frame
  w.frame(2);
  w.write(random_bytes(rng, 200));
  w.frame(3);
  // Garbage and a frame in one write.
  w.write(random_bytes(rng, 5) + proto::encode_xdr_frame(make_frame("ns", 4, 4)));
  REQUIRE(eventually([&] { return reader.frames() == 4; }));
  CHECK(reader.garbage_bytes() == 37 + 60 + 200 + 5);
  auto entries = log->read(0, 100);
  REQUIRE(entries.size() == 4);
  for (uint64_t i = 0; i < 4; ++i) CHECK(entries[i].frame.lut == i + 1);
}

TEST_CASE("pipe reader survives the writer closing and reopening", "[logger]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(256), {"A"});
  PipeReader reader(dir.file("pipe"), *log);
  reader.start();
  for (int round = 0; round < 3; ++round) {
    Writer w(dir.file("pipe"));  // asd restarting: a new writer each round
    for (uint64_t i = 0; i < 5; ++i) w.frame(uint64_t(round) * 10 + i);
    REQUIRE(eventually([&] { return reader.frames() == uint64_t(round + 1) * 5; }));
  }
  CHECK(log->head() == 15);
  CHECK(reader.garbage_bytes() == 0);
}

TEST_CASE("pipe reader refuses a path that is not a FIFO", "[logger]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(32), {"A"});
  { std::ofstream(dir.file("plain")) << "x"; }
  PipeReader reader(dir.file("plain"), *log);
  CHECK_THROWS_AS(reader.start(), std::runtime_error);
}

TEST_CASE("pipe reader stops promptly with no writer", "[logger]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(32), {"A"});
  PipeReader reader(dir.file("pipe"), *log);
  reader.start();
  auto t0 = std::chrono::steady_clock::now();
  reader.stop();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::milliseconds(500));
}

TEST_CASE("pipe reader takes frames of an older asd (version 1) and Marks between them", "[logger]") {
  TempDir dir;
  auto log = DigestLog::open(dir.file("dlog"), size_for(256), {"A"});
  PipeReader reader(dir.file("pipe"), *log);
  reader.start();
  {
    Writer w(dir.file("pipe"));
    w.write(proto::encode_xdr_frame_v1(make_frame("ns", 1, 1)));
    w.write(proto::encode_xdr_frame(proto::make_mark(5)));
    proto::XdrFrame replica = make_frame("ns", 2, 2);
    replica.flags = proto::kXdrFlagReplica;
    replica.master_id = common::NodeId(0xA2);
    w.write(proto::encode_xdr_frame(replica));
    w.write(proto::encode_xdr_frame_v1(make_frame("ns", 3, 3)));
  }
  REQUIRE(eventually([&] { return reader.frames() == 4; }));
  CHECK(reader.garbage_bytes() == 0);
  CHECK(reader.marks() == 1);
  auto entries = log->read(0, 10);
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].frame == make_frame("ns", 1, 1));
  CHECK(entries[1].frame.is_mark());
  CHECK(entries[2].frame.master_id == common::NodeId(0xA2));
  CHECK(entries[3].frame.lut == 3);
  CHECK(log->latest_mark()->lut == 5);
  reader.stop();
}
