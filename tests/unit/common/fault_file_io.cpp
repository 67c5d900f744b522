// FaultFileIo: unsynced writes live in an overlay until sync() (see fault_file_io.h).

#include "fault_file_io.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

namespace common::test {

class FaultFile final : public File {
 public:
  FaultFile(std::unique_ptr<File> base, std::shared_ptr<FaultFileIo::Shared> shared)
      : base_(std::move(base)), shared_(std::move(shared)) {
    std::lock_guard lk(shared_->mu);
    shared_->open_files.push_back(this);
  }
  ~FaultFile() override {
    std::lock_guard lk(shared_->mu);
    std::erase(shared_->open_files, this);
  }

  Result<size_t> pread(uint64_t offset, void* buf, size_t n) override {
    auto r = base_->pread(offset, buf, n);
    if (!r.ok()) return r;
    std::lock_guard lk(shared_->mu);
    auto* out = static_cast<uint8_t*>(buf);
    for (const auto& w : pending_) {  // later writes win: apply in order
      uint64_t lo = std::max<uint64_t>(offset, w.offset);
      uint64_t hi = std::min<uint64_t>(offset + *r, w.offset + w.bytes.size());
      if (lo < hi) std::memcpy(out + (lo - offset), w.bytes.data() + (lo - w.offset), hi - lo);
    }
    return r;
  }

  Status pwrite(uint64_t offset, const void* buf, size_t n) override {
    std::unique_lock lk(shared_->mu);
    shared_->unstalled.wait(lk, [&] { return !shared_->stalled; });
    if (shared_->failing) return injected("pwrite", offset);
    if (shared_->crashed) return {};  // the machine is off: nothing reaches the disk
    const auto* p = static_cast<const uint8_t*>(buf);
    pending_.push_back({offset, std::vector<uint8_t>(p, p + n)});
    return {};
  }

  Status sync() override {
    std::lock_guard lk(shared_->mu);
    if (shared_->failing) return injected("fdatasync", 0);
    if (shared_->crashed) {
      pending_.clear();
      return {};
    }
    for (const auto& w : pending_) {
      auto st = base_->pwrite(w.offset, w.bytes.data(), w.bytes.size());
      if (!st.ok()) return st;
    }
    pending_.clear();
    return base_->sync();
  }

  Result<uint64_t> size() override { return base_->size(); }
  Status allocate(uint64_t size) override { return base_->allocate(size); }
  Status truncate(uint64_t size) override { return base_->truncate(size); }

  // The file's own extents plus whatever still waits in the overlay.
  std::vector<std::pair<uint64_t, uint64_t>> data_extents(uint64_t end) override {
    auto out = base_->data_extents(end);
    std::lock_guard lk(shared_->mu);
    for (const auto& w : pending_) {
      if (w.offset < end) out.emplace_back(w.offset, std::min<uint64_t>(end, w.offset + w.bytes.size()));
    }
    std::sort(out.begin(), out.end());
    std::vector<std::pair<uint64_t, uint64_t>> merged;
    for (const auto& e : out) {
      if (merged.empty() || e.first > merged.back().second) merged.push_back(e);
      else merged.back().second = std::max(merged.back().second, e.second);
    }
    return merged;
  }

  const std::string& path() const override { return base_->path(); }

  // shared_->mu held. Lands a random half of the overlay's sectors on the file, drops the rest.
  void tear(std::mt19937_64& rng) {
    constexpr uint64_t kSector = 512;
    for (const auto& w : pending_) {
      for (uint64_t at = w.offset; at < w.offset + w.bytes.size();) {
        uint64_t next = std::min<uint64_t>((at / kSector + 1) * kSector, w.offset + w.bytes.size());
        if (rng() % 2) (void)base_->pwrite(at, w.bytes.data() + (at - w.offset), next - at);
        at = next;
      }
    }
    pending_.clear();
  }

 private:
  struct Write {
    uint64_t offset;
    std::vector<uint8_t> bytes;
  };

  Status injected(const char* op, uint64_t offset) const {
    Error e = file_error(op, path(), offset, EIO);
    return {e.code, e.message + " (injected)"};
  }

  std::unique_ptr<File> base_;
  std::shared_ptr<FaultFileIo::Shared> shared_;
  std::vector<Write> pending_;
};

FaultFileIo::FaultFileIo() : shared_(std::make_shared<Shared>()) {}

Result<std::unique_ptr<File>> FaultFileIo::open(const std::string& path, OpenMode mode) {
  auto base = posix_file_io()->open(path, mode);
  if (!base.ok()) return base.error();
  return std::unique_ptr<File>(std::make_unique<FaultFile>(std::move(*base), shared_));
}

void FaultFileIo::crash() {
  std::lock_guard lk(shared_->mu);
  shared_->crashed = true;
}

void FaultFileIo::crash_tearing(uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lock_guard lk(shared_->mu);
  for (FaultFile* f : shared_->open_files) f->tear(rng);
  shared_->crashed = true;
}

void FaultFileIo::reset() {
  std::lock_guard lk(shared_->mu);
  shared_->crashed = false;
  shared_->failing = false;
}

void FaultFileIo::stall(bool on) {
  {
    std::lock_guard lk(shared_->mu);
    shared_->stalled = on;
  }
  shared_->unstalled.notify_all();
}

void FaultFileIo::fail_io(bool on) {
  std::lock_guard lk(shared_->mu);
  shared_->failing = on;
}

}  // namespace common::test
