// Target digest_log: the digest-log reader, i.e. DigestLog::open recovering a log from
// its file (both header copies, the tail scan, resize and format checks) and then reads,
// Mark searches and one append, over a damaged file image.
//
// A raw image would spend the fuzzer on 32 KiB of mostly zero headers that fail their
// CRC, so an input is patches over a real log the target writes at start-up:
//
//   byte 0   mode: bit 0 re-seal the header CRCs after patching, bit 1 re-seal the entry
//            CRCs (with the log id of the newer header), bit 2 open with another size
//            (the resize path), bit 3 cut the last entry off the file, bit 4 configure
//            one DC fewer and one new
//   then     patches until the input ends: 2 bytes offset (big-endian, modulo the
//            image size), 1 byte length n, n bytes written there
//
// With the CRCs re-sealed the damage passes the checksums, so open() meets header
// fields that contradict each other, which only a bug could write. Whatever the damage,
// open() either refuses the file (std::runtime_error, the startup edge) or yields a log
// whose positions are consistent: tail <= every cursor <= head, head - tail <= capacity.

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/crc32.h"
#include "common/digest.h"
#include "common/log.h"
#include "fuzz.h"
#include "logger/digest_log.h"
#include "mem_file_io.h"

namespace {

constexpr uint64_t kHeaderCopy = 16384;
constexpr uint64_t kEntries = 2 * kHeaderCopy;
constexpr uint64_t kEntry = 156;
constexpr uint64_t kCapacity = 24;
constexpr uint64_t kSize = kEntries + kCapacity * kEntry;
const std::string kPath = "dlog";

proto::XdrFrame frame(const std::string& ns, uint64_t lut, int64_t key) {
  proto::XdrFrame f;
  f.ns = ns;
  f.set = "demo";
  f.lut = lut;
  f.generation = uint16_t(key);
  f.digest = common::compute_digest("demo", key);
  return f;
}

// A log that has wrapped once, with Marks, two DCs at different cursors and a pending
// lost window: every part of the format holds something.
fuzz::MemFileIo::Image base_image() {
  auto io = std::make_shared<fuzz::MemFileIo>();
  {
    auto log = logger::DigestLog::open(kPath, kSize, {"DC2", "DC3"}, io);
    for (int64_t k = 0; k < 30; ++k) {
      log->append(frame(k % 3 ? "test" : "bar", 1000 + uint64_t(k), k));
      if (k % 7 == 0) log->append(proto::make_mark(1000 + uint64_t(k)));
    }
    log->commit_cursor("DC2", log->head() - 3);
    log->add_lost_window("DC3", {"bar", 1005});
    log->flush();
  }
  return io->get(kPath);
}

void seal_headers(fuzz::MemFileIo::Image& image) {
  for (uint64_t copy : {uint64_t(0), kHeaderCopy}) {
    uint8_t* h = image.data() + copy;
    common::store_be32(h + kHeaderCopy - 4, common::crc32(0, h, kHeaderCopy - 4));
  }
}

void seal_entries(fuzz::MemFileIo::Image& image) {
  const uint8_t* a = image.data();
  const uint8_t* b = image.data() + kHeaderCopy;
  const uint8_t* newer = common::load_be64(a + 32) >= common::load_be64(b + 32) ? a : b;
  uint32_t seed = common::crc32(0, newer + 40, 8);  // the log id, big-endian as stored
  for (uint64_t at = kEntries; at + kEntry <= image.size(); at += kEntry) {
    uint8_t* e = image.data() + at;
    common::store_be32(e + kEntry - 4, common::crc32(seed, e, kEntry - 4));
  }
}

void check_consistent(const logger::DigestLog& log, const std::vector<std::string>& dcs) {
  const uint64_t head = log.head(), tail = log.tail();
  FUZZ_CHECK(tail <= head && head - tail <= log.capacity_entries());
  for (const std::string& dc : dcs) {
    uint64_t cursor = log.cursor(dc);
    FUZZ_CHECK(tail <= cursor && cursor <= head);
    FUZZ_CHECK(log.used_pct(dc) >= 0 && log.used_pct(dc) <= 100);
  }
  uint64_t last = 0;
  bool first = true;
  for (const logger::Entry& e : log.read(0, kCapacity * 2)) {
    FUZZ_CHECK(e.seq >= tail && e.seq < head && (first || e.seq > last));
    last = e.seq;
    first = false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  common::set_log_level("any", "critical");  // every damaged file is logged otherwise
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fuzz::MemFileIo::Image base = base_image();
  fuzz::FuzzInput in(data, size);
  uint8_t mode = in.byte();
  fuzz::MemFileIo::Image image = base;
  for (std::string_view patch; !(patch = in.take(3)).empty();) {
    if (patch.size() < 3) break;
    size_t at = common::load_be16(common::as_bytes(patch)) % image.size();
    std::string_view bytes = in.take(uint8_t(patch[2]));
    size_t n = std::min(bytes.size(), image.size() - at);
    std::memcpy(image.data() + at, bytes.data(), n);
  }
  if (mode & 1) seal_headers(image);
  if (mode & 2) seal_entries(image);
  if (mode & 8) image.resize(image.size() - kEntry);
  const uint64_t open_size = (mode & 4) ? kSize + 8 * kEntry : kSize;
  const std::vector<std::string> dcs = (mode & 16) ? std::vector<std::string>{"DC2", "DC4"}
                                                   : std::vector<std::string>{"DC2", "DC3"};

  auto io = std::make_shared<fuzz::MemFileIo>();
  io->set(kPath, std::move(image));
  std::unique_ptr<logger::DigestLog> log;
  try {
    log = logger::DigestLog::open(kPath, open_size, dcs, io);
  } catch (const std::runtime_error&) {
    return 0;  // refused at start-up, as it should be for a file it cannot trust
  }
  check_consistent(*log, dcs);
  (void)log->find_mark_before(UINT64_MAX);
  (void)log->find_mark_before(1010);
  for (const std::string& dc : dcs) (void)log->lost_windows(dc);
  log->append(frame("test", 5000, 99));
  check_consistent(*log, dcs);
  return 0;
}
