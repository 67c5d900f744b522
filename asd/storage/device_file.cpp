#include "storage/device_file.h"

#include <filesystem>
#include <stdexcept>
#include <vector>

#include "common/log.h"
#include "storage/format.h"

namespace asd::storage {

namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error("device file " + path + ": " + what);
}

}  // namespace

DeviceFile::DeviceFile(common::FileIo& io, std::string path, bool raw_device, uint64_t size, uint32_t block_size,
                       uint32_t index, const std::string& ns_name)
    : path_(std::move(path)) {
  if (!raw_device) {
    // Like a work directory: created on first start, so a new node needs no setup.
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(path_).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  auto opened = io.open(path_, raw_device ? common::OpenMode::Existing : common::OpenMode::Create);
  if (!opened.ok()) fail(path_, "cannot open: " + opened.error().message);
  file_ = std::move(*opened);
  auto existing = file_->size();
  if (!existing.ok()) fail(path_, "cannot size: " + existing.error().message);
  if (raw_device) {
    size = *existing;
  } else if (*existing > size) {
    fail(path_, "is " + std::to_string(*existing) + " bytes, larger than filesize " + std::to_string(size) +
                    " (a data file cannot shrink; raise filesize or move the file aside)");
  } else if (*existing < size) {
    // Sparse: cold start skips the holes nothing was ever written to.
    if (common::Status st = file_->truncate(size); !st.ok()) {
      fail(path_, "cannot grow to " + std::to_string(size) + " bytes: " + st.message());
    }
  }
  size_ = size / block_size * block_size;
  n_blocks_ = uint32_t(size_ / block_size);
  if (n_blocks_ < 2) fail(path_, "too small for one write block after the header");

  std::vector<uint8_t> head(kFileHeaderSize);
  if (common::Status st = read(0, head); !st.ok()) fail(path_, "cannot read the file header: " + st.message());
  FileHeader h;
  Decode d = decode_file_header(head, &h);
  auto store_header = [&](const char* what) {
    encode_file_header(h, head.data());
    common::Status st = write(0, head);
    if (st.ok()) st = sync();
    if (!st.ok()) fail(path_, std::string("cannot ") + what + " the file header: " + st.message());
  };
  if (d == Decode::Empty) {
    h = FileHeader{block_size, size_, index, ns_name};
    store_header("write");
    common::logger("storage")->info("initialised {} size={} write-block-size={}", path_, size_, block_size);
    return;
  }
  if (d != Decode::Ok) {
    fail(path_, std::string("file header at offset 0: ") + decode_name(d) +
                    " (not a data file of this server, or damaged; move it aside to start empty)");
  }
  if (h.ns_name != ns_name) fail(path_, "belongs to namespace '" + h.ns_name + "', not '" + ns_name + "'");
  if (h.write_block_size != block_size) {
    fail(path_, "was written with write-block-size " + std::to_string(h.write_block_size) + ", config says " +
                    std::to_string(block_size));
  }
  if (h.file_size != size_) {
    // Grown through a larger filesize: record the new size.
    h.file_size = size_;
    h.file_index = index;
    store_header("update");
  }
}

common::Status DeviceFile::read(uint64_t offset, std::span<uint8_t> out) const {
  auto n = file_->pread(offset, out.data(), out.size());
  if (!n.ok()) return {n.error().code, n.error().message};
  if (*n < out.size()) {
    return {common::ResultCode::ServerError, "short read path=" + path_ + " offset=" + std::to_string(offset) +
                                                 " wanted=" + std::to_string(out.size()) + " got=" + std::to_string(*n)};
  }
  return {};
}

common::Status DeviceFile::write(uint64_t offset, std::span<const uint8_t> data) {
  return file_->pwrite(offset, data.data(), data.size());
}

common::Status DeviceFile::sync() { return file_->sync(); }

std::vector<std::pair<uint64_t, uint64_t>> DeviceFile::data_extents() const { return file_->data_extents(size_); }

}  // namespace asd::storage
