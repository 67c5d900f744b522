#pragma once
// A FileIo over memory for the digest-log target: each path is a byte vector that
// outlives the File, so an input's file image goes in without touching the disk and
// what the log wrote can be read back after it closed. Thread-safe (the log's flusher
// writes from its own thread).

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/file_io.h"

namespace fuzz {

class MemFileIo : public common::FileIo {
 public:
  using Image = std::vector<uint8_t>;

  common::Result<std::unique_ptr<common::File>> open(const std::string& path, common::OpenMode) override {
    std::lock_guard lock(mu_);
    auto& image = images_[path];
    if (!image) image = std::make_shared<Image>();
    return std::unique_ptr<common::File>(new MemFile(path, image, mu_));
  }

  void set(const std::string& path, Image bytes) {
    std::lock_guard lock(mu_);
    images_[path] = std::make_shared<Image>(std::move(bytes));
  }
  Image get(const std::string& path) {
    std::lock_guard lock(mu_);
    auto it = images_.find(path);
    return it == images_.end() ? Image() : *it->second;
  }

 private:
  class MemFile : public common::File {
   public:
    MemFile(std::string path, std::shared_ptr<Image> image, std::mutex& mu)
        : path_(std::move(path)), image_(std::move(image)), mu_(mu) {}

    common::Result<size_t> pread(uint64_t offset, void* buf, size_t n) override {
      std::lock_guard lock(mu_);
      if (offset >= image_->size()) return size_t(0);
      size_t got = std::min<uint64_t>(n, image_->size() - offset);
      std::memcpy(buf, image_->data() + offset, got);
      return got;
    }
    common::Status pwrite(uint64_t offset, const void* buf, size_t n) override {
      std::lock_guard lock(mu_);
      if (image_->size() < offset + n) image_->resize(offset + n);
      std::memcpy(image_->data() + offset, buf, n);
      return {};
    }
    common::Status sync() override { return {}; }
    common::Result<uint64_t> size() override {
      std::lock_guard lock(mu_);
      return uint64_t(image_->size());
    }
    common::Status allocate(uint64_t size) override { return truncate(size); }
    common::Status truncate(uint64_t size) override {
      std::lock_guard lock(mu_);
      image_->resize(size);
      return {};
    }
    std::vector<std::pair<uint64_t, uint64_t>> data_extents(uint64_t end) override { return {{0, end}}; }
    const std::string& path() const override { return path_; }

   private:
    const std::string path_;
    const std::shared_ptr<Image> image_;
    std::mutex& mu_;
  };

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Image>> images_;
};

}  // namespace fuzz
