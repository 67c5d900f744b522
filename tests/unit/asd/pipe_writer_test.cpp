// The asd end of the xdr pipe: never blocks, delivers frames once a reader is there,
// and covers whatever it had to drop with a gap.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "common/clock.h"
#include "xdr_pipe/gap_store.h"
#include "xdr_pipe/pipe_writer.h"

using asd::PipeWriter;
using asd::PipeWriterOptions;

namespace {

proto::XdrFrame frame(const std::string& ns, uint64_t lut, int64_t key) {
  proto::XdrFrame f;
  f.ns = ns;
  f.set = "s";
  f.lut = lut;
  f.digest = common::compute_digest("s", key);
  return f;
}

PipeWriterOptions capacity(size_t n) {
  PipeWriterOptions o;
  o.capacity = n;
  return o;
}

std::string temp_path(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / ("pipewriter-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

// Reads whole frames from the FIFO until `done(frames so far)` or 5 s have passed.
std::vector<proto::XdrFrame> read_frames(int fd, const std::function<bool(const std::vector<proto::XdrFrame>&)>& done) {
  std::vector<proto::XdrFrame> frames;
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done(frames) && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, 100);
    char buf[8192];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) got.append(buf, size_t(n));
    while (got.size() >= proto::kXdrFrameSize) {
      auto f = proto::decode_xdr_frame(reinterpret_cast<const uint8_t*>(got.data()));
      REQUIRE(f);
      frames.push_back(*f);
      got.erase(0, proto::kXdrFrameSize);
    }
  }
  return frames;
}

bool wait_for_state(const std::function<bool()>& ready) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!ready()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace

TEST_CASE("without a reader, frames queue and overflow becomes a gap with the smallest LUT", "[pipe]") {
  PipeWriter writer(temp_path("absent-fifo"), capacity(10));
  writer.start();
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 10; ++i) writer.submit(frame("test", 1000 + i, i));
  writer.submit(frame("test", 500, 100));
  writer.submit(frame("test", 700, 101));
  writer.submit(frame("bar", 42, 102));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(100));
  CHECK(writer.depth() == 10);
  CHECK(writer.dropped() == 3);
  CHECK_FALSE(writer.connected());
  CHECK(writer.gaps_value() == "ns=bar:since=42;ns=test:since=500;");
  CHECK_FALSE(writer.ack_gap("test", 501));
  CHECK(writer.ack_gap("test", 500));
  CHECK(writer.gaps_value() == "ns=bar:since=42;");
  writer.stop();
  // Whatever was still queued at stop is covered by a gap too.
  CHECK(writer.gaps_value() == "ns=bar:since=42;ns=test:since=1000;");
}

TEST_CASE("frames reach a FIFO reader that appears later, intact and in order", "[pipe]") {
  std::string path = temp_path("fifo");
  std::filesystem::remove(path);
  PipeWriter writer(path, capacity(1000));
  writer.start();
  for (int i = 0; i < 50; ++i) writer.submit(frame("test", 2000 + i, i));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  REQUIRE(mkfifo(path.c_str(), 0600) == 0);
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(fd >= 0);
  // The 50 frames, then a Mark (the writer queues one behind them once xdr reads).
  std::vector<proto::XdrFrame> frames =
      read_frames(fd, [](const std::vector<proto::XdrFrame>& f) { return !f.empty() && f.back().is_mark(); });
  REQUIRE(frames.size() >= 51);
  for (int i = 0; i < 50; ++i) CHECK(frames[size_t(i)].lut == uint64_t(2000 + i));
  CHECK(frames[50].is_mark());
  uint64_t now = common::now_cl_ms();
  CHECK(frames[50].lut <= now);
  CHECK(frames[50].lut + 5000 > now);
  CHECK(writer.marks() >= 1);
  CHECK(writer.connected());
  CHECK(writer.gaps_value().empty());
  writer.stop();
  close(fd);
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST_CASE("spaced frames go straight into the FIFO, bursts through the queue, all in order", "[pipe]") {
  std::string path = temp_path("fifo-direct");
  std::filesystem::remove(path);
  REQUIRE(mkfifo(path.c_str(), 0600) == 0);
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(fd >= 0);
  PipeWriter writer(path, capacity(1000));
  writer.start();
  // The writer thread opens the FIFO for its first queued frame.
  int64_t key = 0;
  writer.submit(frame("test", 3000, key++));
  REQUIRE(wait_for_state([&] { return writer.connected() && writer.depth() == 0; }));
  // Spaced frames (the writer thread is idle; submit() writes them itself), then a burst
  // (queued behind each other), then spaced ones again.
  for (int i = 0; i < 20; ++i, ++key) {
    writer.submit(frame("test", 3000 + uint64_t(key), key));
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  for (int i = 0; i < 200; ++i, ++key) writer.submit(frame("test", 3000 + uint64_t(key), key));
  for (int i = 0; i < 20; ++i, ++key) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    writer.submit(frame("test", 3000 + uint64_t(key), key));
  }
  auto records = [](const std::vector<proto::XdrFrame>& frames) {
    std::vector<uint64_t> luts;
    for (const proto::XdrFrame& f : frames) {
      if (!f.is_mark()) luts.push_back(f.lut);
    }
    return luts;
  };
  std::vector<uint64_t> luts =
      records(read_frames(fd, [&](const std::vector<proto::XdrFrame>& f) { return records(f).size() >= size_t(key); }));
  REQUIRE(luts.size() == size_t(key));
  for (size_t i = 0; i < luts.size(); ++i) CHECK(luts[i] == 3000 + i);
  CHECK(writer.dropped() == 0);
  CHECK(writer.depth() == 0);
  writer.stop();
  close(fd);
  std::filesystem::remove(path);
}

TEST_CASE("gaps and pending frames survive a restart through the gap file", "[pipe]") {
  std::string dir = temp_path("gapdir");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  PipeWriterOptions o;
  o.capacity = 5;
  o.gap_file = dir + "/xdr-pipe.gaps";
  o.namespaces = {"test", "bar"};
  o.persist_interval_ms = 20;
  {
    PipeWriter writer(dir + "/no-fifo", o);
    writer.restore();
    writer.start();
    for (int i = 0; i < 5; ++i) writer.submit(frame("test", 9000 + i, i));
    writer.submit(frame("bar", 77, 50));  // queue full: a gap
    // The pending LUT of "test" and the gap of "bar" reach the file while the frames
    // wait in the queue. A write persisted between the submits can hold the first
    // without the second, so wait for a file that holds both.
    bool stored = false;
    for (int i = 0; i < 100 && !stored; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      auto state = asd::GapStore(o.gap_file).load();
      stored = state && state->pending.count("test") && state->pending.at("test") <= 9000 &&
               state->gaps.count("bar") && state->gaps.at("bar") == 77;
    }
    REQUIRE(stored);
    // A kill -9 now: the file as it is, while the writer still holds the frames.
    std::filesystem::copy_file(o.gap_file, dir + "/at-crash");
    writer.stop();
    CHECK(writer.gaps_value() == "ns=bar:since=77;ns=test:since=9000;");
  }
  SECTION("after a clean stop") {
    PipeWriter again(dir + "/no-fifo", o);
    again.restore();
    CHECK(again.gaps_value() == "ns=bar:since=77;ns=test:since=9000;");
    CHECK(again.ack_gap("bar", 77));
  }
  SECTION("after a crash: the pending frames became a gap") {
    std::filesystem::copy_file(dir + "/at-crash", o.gap_file, std::filesystem::copy_options::overwrite_existing);
    PipeWriter again(dir + "/no-fifo", o);
    again.restore();
    CHECK(again.gaps_value() == "ns=bar:since=77;ns=test:since=9000;");
    auto state = asd::GapStore(o.gap_file).load();
    REQUIRE(state);
    CHECK(state->pending.empty());
    CHECK(state->gaps.size() == 2);
  }
  SECTION("a damaged file means recovering every XDR namespace") {
    std::string text = asd::encode_gap_state(asd::GapState{{{"test", 5}}, {}});
    text[text.find("5")] = '6';
    std::ofstream(o.gap_file, std::ios::trunc) << text;
    PipeWriter again(dir + "/no-fifo", o);
    again.restore();
    CHECK(again.gaps_value() == "ns=bar:since=0;ns=test:since=0;");
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("the gap file format round trips and rejects what it cannot trust", "[pipe]") {
  asd::GapState state{{{"test", 12}, {"bar", 0}}, {{"test", 99}}};
  std::string text = asd::encode_gap_state(state);
  auto back = asd::decode_gap_state(text);
  REQUIRE(back);
  CHECK(*back == state);
  CHECK_FALSE(asd::decode_gap_state(""));
  CHECK_FALSE(asd::decode_gap_state(text.substr(0, text.size() / 2)));
  std::string edited = text;
  edited.replace(edited.find("99"), 2, "98");
  CHECK_FALSE(asd::decode_gap_state(edited));
}
