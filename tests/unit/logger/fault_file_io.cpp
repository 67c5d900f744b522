// FaultFileIo: unsynced writes live in an overlay until sync() (see fault_file_io.h).

#include "fault_file_io.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace logger::test {

namespace {

class FaultFile final : public File {
 public:
  FaultFile(std::unique_ptr<File> base, std::shared_ptr<FaultFileIo::Shared> shared)
      : base_(std::move(base)), shared_(std::move(shared)) {}

  common::Result<size_t> pread(uint64_t offset, void* buf, size_t n) override {
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

  common::Status pwrite(uint64_t offset, const void* buf, size_t n) override {
    std::lock_guard lk(shared_->mu);
    if (shared_->failing) return {common::ResultCode::ServerError, "injected write error"};
    if (shared_->crashed) return {};  // the machine is off: nothing reaches the disk
    const auto* p = static_cast<const uint8_t*>(buf);
    pending_.push_back({offset, std::vector<uint8_t>(p, p + n)});
    return {};
  }

  common::Status sync() override {
    std::lock_guard lk(shared_->mu);
    if (shared_->failing) return {common::ResultCode::ServerError, "injected sync error"};
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

  common::Result<uint64_t> size() override { return base_->size(); }
  common::Status allocate(uint64_t size) override { return base_->allocate(size); }
  const std::string& path() const override { return base_->path(); }

 private:
  struct Write {
    uint64_t offset;
    std::vector<uint8_t> bytes;
  };
  std::unique_ptr<File> base_;
  std::shared_ptr<FaultFileIo::Shared> shared_;
  std::vector<Write> pending_;
};

}  // namespace

FaultFileIo::FaultFileIo() : shared_(std::make_shared<Shared>()) {}

common::Result<std::unique_ptr<File>> FaultFileIo::open(const std::string& path) {
  auto base = posix_file_io()->open(path);
  if (!base.ok()) return base.error();
  return std::unique_ptr<File>(std::make_unique<FaultFile>(std::move(*base), shared_));
}

void FaultFileIo::crash() {
  std::lock_guard lk(shared_->mu);
  shared_->crashed = true;
}

void FaultFileIo::reset() {
  std::lock_guard lk(shared_->mu);
  shared_->crashed = false;
  shared_->failing = false;
}

void FaultFileIo::fail_io(bool on) {
  std::lock_guard lk(shared_->mu);
  shared_->failing = on;
}

}  // namespace logger::test
