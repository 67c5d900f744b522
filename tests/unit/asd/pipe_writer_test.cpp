// The asd end of the xdr pipe: never blocks, delivers frames once a reader is there,
// and covers whatever it had to drop with a gap.

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "xdr_pipe/pipe_writer.h"

using asd::PipeWriter;

namespace {

proto::XdrFrame frame(const std::string& ns, uint64_t lut, int64_t key) {
  proto::XdrFrame f;
  f.ns = ns;
  f.set = "s";
  f.lut = lut;
  f.digest = common::compute_digest("s", key);
  return f;
}

std::string temp_path(const char* name) {
  auto dir = std::filesystem::temp_directory_path() / ("pipewriter-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

}  // namespace

TEST_CASE("without a reader, frames queue and overflow becomes a gap with the smallest LUT", "[pipe]") {
  PipeWriter writer(temp_path("absent-fifo"), 10);
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
  PipeWriter writer(path, 1000);
  writer.start();
  for (int i = 0; i < 50; ++i) writer.submit(frame("test", 2000 + i, i));
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  REQUIRE(mkfifo(path.c_str(), 0600) == 0);
  int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(fd >= 0);
  std::string got;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (got.size() < 50 * proto::kXdrFrameSize && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, 100);
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) got.append(buf, size_t(n));
  }
  REQUIRE(got.size() == 50 * proto::kXdrFrameSize);
  for (int i = 0; i < 50; ++i) {
    auto f = proto::decode_xdr_frame(reinterpret_cast<const uint8_t*>(got.data()) + i * proto::kXdrFrameSize);
    REQUIRE(f);
    CHECK(f->lut == uint64_t(2000 + i));
  }
  CHECK(writer.connected());
  CHECK(writer.gaps_value().empty());
  writer.stop();
  close(fd);
  std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}
