#include "common/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sstream>

namespace common {

namespace {

Status io_error(const std::string& path, const char* step, int err) {
  return Status(ResultCode::ServerError, path + ": " + step + ": " + std::strerror(err));
}


}  // namespace

Status replace_file(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return io_error(tmp, "open", errno);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return io_error(tmp, "write", err);
    }
    done += size_t(n);
  }
  if (::fdatasync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return io_error(tmp, "fdatasync", err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return io_error(path, "rename", errno);
  std::string dir = path.substr(0, path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/'));
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

Result<std::optional<std::string>> read_whole_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return Error{ResultCode::ServerError, path + ": open: " + std::strerror(errno)};
  }
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return Error{ResultCode::ServerError, path + ": read: " + std::strerror(err)};
    }
    if (n == 0) break;
    out.append(buf, size_t(n));
  }
  ::close(fd);
  return std::optional<std::string>(std::move(out));
}

std::string crc32_hex(std::string_view data) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x",
                unsigned(crc32(0L, reinterpret_cast<const Bytef*>(data.data()), uInt(data.size()))));
  return buf;
}

std::string with_crc_line(std::string body) {
  std::string crc = crc32_hex(body);
  return body + "crc " + crc + "\n";
}

Result<std::string> strip_crc_line(const std::string& text) {
  size_t at = text.rfind("crc ");
  if (at == std::string::npos || (at > 0 && text[at - 1] != '\n')) {
    return Error{ResultCode::Parameter, "no crc line"};
  }
  std::string_view crc(text.data() + at + 4, text.size() - at - 4);
  if (!crc.empty() && crc.back() == '\n') crc.remove_suffix(1);
  std::string body = text.substr(0, at);
  if (crc != crc32_hex(body)) return Error{ResultCode::Parameter, "crc mismatch (torn or edited file)"};
  return body;
}

Status parse_state_text(const std::string& text, std::string_view first_line, const StateItemFn& item) {
  auto body = strip_crc_line(text);
  if (!body) return Status(ResultCode::Parameter, body.error().message);
  std::istringstream in(*body);
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1) {
      if (line != first_line) return Status(ResultCode::Parameter, "line 1: expected '" + std::string(first_line) + "'");
      continue;
    }
    std::istringstream words(line);
    std::vector<std::string> fields;
    for (std::string w; words >> w;) fields.push_back(std::move(w));
    if (fields.empty()) continue;
    std::string problem = item(fields);
    if (!problem.empty()) return Status(ResultCode::Parameter, "line " + std::to_string(number) + ": " + problem);
  }
  if (number == 0) return Status(ResultCode::Parameter, "empty");
  return {};
}

}  // namespace common
