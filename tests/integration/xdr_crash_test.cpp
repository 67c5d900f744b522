// XDR process faults: `xdr` killed with -9 (twice) and restarted under writes, with a
// reader on the destination checking that a record's version never goes backwards;
// garbage written into the named pipe, which xdr counts and skips.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <random>
#include <thread>

#include "proto/xdr_frame.h"
#include "xdr_helpers.h"

using support::Dc;
using support::Seeder;
using xdr_test::require_caught_up;
using xdr_test::require_converged;
using xdr_test::require_no_critical;

namespace {

// Reads `keys` records of `seeder` on `c` again and again, remembering the highest version
// seen per key; any lower version seen later is a violation (an older write overwrote a
// newer one at the destination).
class VersionSampler {
 public:
  VersionSampler(client::Client& c, const Seeder& seeder, int64_t keys)
      : max_seen_(size_t(keys), -1) {
    for (int64_t i = 0; i < keys; ++i) keys_.push_back(seeder.key(i));
    thread_ = std::thread([this, &c] {
      while (!stop_) {
        auto rows = c.batch_get(keys_);
        if (rows.ok()) {
          ++samples_;
          check(*rows);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  ~VersionSampler() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  uint64_t samples() const { return samples_; }
  size_t violations() const { return violations_; }
  std::string report() {
    std::lock_guard lock(mutex_);
    return report_;
  }

 private:
  void check(const std::vector<client::BatchRecord>& rows) {
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!rows[i].found()) continue;  // not shipped yet (records are never deleted here)
      const client::Value* v = rows[i].record.bin("v");
      int64_t version = v ? v->as_int().value_or(-1) : -1;
      if (version < max_seen_[i]) {
        ++violations_;
        std::lock_guard lock(mutex_);
        if (violations_ <= 20) {
          report_ += "key " + std::to_string(i) + ": saw version " + std::to_string(max_seen_[i]) +
                     ", then " + std::to_string(version) + "\n";
        }
      }
      max_seen_[i] = std::max(max_seen_[i], version);
    }
  }

  std::vector<client::Key> keys_;
  std::vector<int64_t> max_seen_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> samples_{0};
  std::atomic<size_t> violations_{0};
  std::mutex mutex_;
  std::string report_;
  std::thread thread_;
};

bool write_all_fd(int fd, const std::string& bytes) {
  size_t done = 0;
  for (int spins = 0; done < bytes.size() && spins < 5000; ++spins) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += size_t(n);
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      return false;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  return done == bytes.size();
}

std::string random_bytes(std::mt19937& rng, size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = char(rng() & 0xFF);
  return out;
}

}  // namespace

TEST_CASE("xdr killed with -9 and restarted: converges, versions never go backwards", "[xdr_kill9]") {
  support::XdrPair pair;
  Dc& dc1 = *pair.dc1;
  Dc& dc2 = *pair.dc2;
  auto c1 = dc1.connect();
  auto c1_once = dc1.connect();
  auto c2 = dc2.connect();
  Seeder hot("test", "hot");    // 200 keys rewritten with increasing versions
  Seeder once("test", "once");  // each key written once, all along: a lost frame shows
  std::atomic<bool> stop_once{false};
  std::thread once_writer([&] {
    for (int64_t i = 0; i < 20000 && !stop_once; ++i) {
      (void)once.write(*c1_once, i, 1);
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  });
  support::BackgroundWriter hot_writer(*c1, hot, 200, 1, 300);
  VersionSampler sampler(*c2, hot, 200);
  REQUIRE(support::eventually([&] { return xdr_test::count_records(dc2, "test", "hot") > 0; }, 20000, 100));

  std::this_thread::sleep_for(std::chrono::seconds(2));
  dc1.kill9_xdr();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  dc1.restart_xdr();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  dc1.kill9_xdr();
  // The last versions are written while xdr is dead: asd must queue their frames.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  hot_writer.stop();
  stop_once = true;
  once_writer.join();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  dc1.restart_xdr();

  require_converged(dc1, dc2, "test", "hot");
  require_converged(dc1, dc2, "test", "once");
  require_caught_up(dc1, "DC2");
  std::this_thread::sleep_for(std::chrono::seconds(1));
  sampler.stop();
  INFO("hot writes " << hot_writer.writes() << ", last full round " << hot_writer.last_full_version()
                     << ", samples " << sampler.samples() << "\n" << sampler.report());
  CHECK(sampler.violations() == 0);
  CHECK(sampler.samples() > 100);
  CHECK(hot_writer.errors() == 0);
  CHECK(support::eventually(
      [&] { return dc1.asd_info("statistics").find("xdr_pipe_connected=true") != std::string::npos; },
      10000, 100));
  require_no_critical(dc1);
  require_no_critical(dc2);
}

TEST_CASE("garbage written into the pipe is counted and skipped, xdr keeps shipping", "[xdr_pipe_garbage]") {
  support::XdrPair pair;
  Dc& dc1 = *pair.dc1;
  Dc& dc2 = *pair.dc2;
  auto c1 = dc1.connect();
  Seeder s("test", "garbage");
  REQUIRE(s.write_range(*c1, 0, 500, 1) == 0);
  require_converged(dc1, dc2, "test", "garbage");
  support::InfoMap base = dc1.xdr_statistics();
  INFO("DC1 statistics before: " << base.raw);
  REQUIRE(base.num("pipe_garbage_bytes") == 0);
  REQUIRE(base.num("pipe_frames") >= 500);

  int fd = ::open(dc1.pipe_path().c_str(), O_WRONLY | O_NONBLOCK);
  REQUIRE(fd >= 0);
  std::mt19937 rng(20240601);
  // Round 1, no other writer: random bytes, a frame with a broken CRC, random bytes.
  proto::XdrFrame fake;
  fake.ns = "test";
  fake.set = "garbage";
  fake.lut = 1;
  fake.digest = Seeder("test", "garbage").key(999999).digest();
  std::string bad = proto::encode_xdr_frame(fake);
  bad[proto::kXdrFrameSize - 1] = char(bad[proto::kXdrFrameSize - 1] ^ 0x5A);
  REQUIRE(write_all_fd(fd, random_bytes(rng, 1000)));
  REQUIRE(write_all_fd(fd, bad));
  REQUIRE(write_all_fd(fd, random_bytes(rng, 3000)));
  uint64_t garbage = 1000 + proto::kXdrFrameSize + 3000;
  REQUIRE(s.write_range(*c1, 500, 1000, 1) == 0);  // real frames after the garbage
  require_converged(dc1, dc2, "test", "garbage");

  // Round 2: small garbage chunks while asd announces writes (each write(2) is atomic, so
  // frames stay whole and garbage sits between them).
  std::thread writer([&] { (void)s.write_range(*c1, 1000, 3000, 1, 0, 2); });
  for (int chunk = 0; chunk < 50; ++chunk) {
    size_t n = 1 + rng() % 200;
    REQUIRE(write_all_fd(fd, random_bytes(rng, n)));
    garbage += n;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  writer.join();
  REQUIRE(s.write_range(*c1, 3000, 3100, 1) == 0);  // frames after the last chunk
  ::close(fd);

  require_converged(dc1, dc2, "test", "garbage");
  require_caught_up(dc1, "DC2");
  support::InfoMap after;
  bool counted = support::eventually(
      [&] { return (after = dc1.xdr_statistics()).num("pipe_garbage_bytes") == double(garbage); },
      10000, 100);
  INFO("DC1 statistics after: " << after.raw << "; garbage bytes written: " << garbage);
  CHECK(counted);
  CHECK(after.num("pipe_frames") >= base.num("pipe_frames") + 2600);
  CHECK(dc1.xdr_running());
  CHECK(dc1.xdr_info("status") == "ok");
  CHECK(xdr_test::count_records(dc2, "test", "garbage") == 3100);
  require_no_critical(dc1);
}
