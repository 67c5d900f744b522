#include "storage/device_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
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

std::string errno_text() { return std::strerror(errno); }

}  // namespace

DeviceFile::DeviceFile(std::string path, bool raw_device, uint64_t size, uint32_t block_size, uint32_t index,
                       const std::string& ns_name)
    : path_(std::move(path)) {
  if (!raw_device) {
    // Like a work directory: created on first start, so a new node needs no setup.
    std::error_code ec;
    std::filesystem::path parent = std::filesystem::path(path_).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC | (raw_device ? 0 : O_CREAT), 0644);
  if (fd_ < 0) fail(path_, "cannot open: " + errno_text());
  struct stat st {};
  if (::fstat(fd_, &st) != 0) fail(path_, "cannot stat: " + errno_text());
  uint64_t existing = raw_device ? uint64_t(::lseek(fd_, 0, SEEK_END)) : uint64_t(st.st_size);
  if (raw_device) {
    size = existing;
  } else if (existing > size) {
    fail(path_, "is " + std::to_string(existing) + " bytes, larger than filesize " + std::to_string(size) +
                    " (a data file cannot shrink; raise filesize or move the file aside)");
  } else if (existing < size && ::ftruncate(fd_, off_t(size)) != 0) {
    fail(path_, "cannot grow to " + std::to_string(size) + " bytes: " + errno_text());
  }
  size_ = size / block_size * block_size;
  n_blocks_ = uint32_t(size_ / block_size);
  if (n_blocks_ < 2) fail(path_, "too small for one write block after the header");

  std::vector<uint8_t> head(kFileHeaderSize);
  if (!read(0, head)) fail(path_, "cannot read the file header: " + errno_text());
  FileHeader h;
  Decode d = decode_file_header(head, &h);
  if (d == Decode::Empty) {
    h = FileHeader{block_size, size_, index, ns_name};
    encode_file_header(h, head.data());
    if (!write(0, head) || !sync()) fail(path_, "cannot write the file header: " + errno_text());
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
    encode_file_header(h, head.data());
    if (!write(0, head) || !sync()) fail(path_, "cannot update the file header: " + errno_text());
  }
}

DeviceFile::~DeviceFile() {
  if (fd_ >= 0) ::close(fd_);
}

bool DeviceFile::read(uint64_t offset, std::span<uint8_t> out) const {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, off_t(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;  // past the end: the file shrank under us
      return false;
    }
    done += size_t(n);
  }
  return true;
}

bool DeviceFile::write(uint64_t offset, std::span<const uint8_t> data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, off_t(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

std::vector<std::pair<uint64_t, uint64_t>> DeviceFile::data_extents() const {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  off_t at = 0;
  while (uint64_t(at) < size_) {
    off_t data = ::lseek(fd_, at, SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) break;  // only a hole is left
      return {{0, size_}};        // no SEEK_DATA here: assume data everywhere
    }
    off_t hole = ::lseek(fd_, data, SEEK_HOLE);
    if (hole < 0) hole = off_t(size_);
    out.emplace_back(uint64_t(data), std::min<uint64_t>(uint64_t(hole), size_));
    at = hole;
  }
  return out;
}

bool DeviceFile::sync() {
  while (::fdatasync(fd_) != 0) {
    if (errno != EINTR) return false;
  }
  return true;
}

}  // namespace asd::storage
