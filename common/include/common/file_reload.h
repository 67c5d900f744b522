#pragma once
// FileReload<T>: an object built from files (a TLS context) and built again when the
// files change, as `service { tls-refresh-period }` keeps certificates current: asd's
// TLS listener (asd/service/tls_context.h) and xdr's DC links (shipper/link_tls.h).
//
// Whether the files changed is decided by their fingerprint (files_fingerprint): size,
// modification time and inode of each path, and of each entry of a directory (ca-path).
// refresh() builds again when the fingerprint differs from the one of the last
// successful build. A build that fails leaves the previous object in use and is tried
// again at the next refresh() even when the fingerprint did not move (a chmod that
// makes a key readable changes no modification time). The fingerprint is taken before
// the build reads the files, so files changed during a build are built again next time.

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace common {

// `path:size@mtime_ns#inode;` for each non-empty path (a directory: one such field per
// entry, sorted by name), `path:?;` for one that cannot be stat'ed. Never fails.
std::string files_fingerprint(std::span<const std::string> paths);

enum class Reload { Unchanged, Reloaded, Failed };

template <typename T>
class FileReload {
 public:
  using Build = std::function<Result<std::shared_ptr<T>>()>;

  // Builds the first object now; when that fails, current() is null and error() says why.
  FileReload(std::vector<std::string> paths, Build build) : paths_(std::move(paths)), build_(std::move(build)) {
    if (refresh() == Reload::Reloaded) reloads_ = 0;  // the first build is not a reload
  }

  // The newest object that built, or null when none has yet. Thread-safe.
  std::shared_ptr<T> current() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  // Why the last build failed; empty once one succeeded after it. Thread-safe.
  std::string error() const {
    std::lock_guard lock(mu_);
    return error_;
  }
  // Objects built by refresh() after the first attempt (the constructor's). Thread-safe.
  uint64_t reloads() const {
    std::lock_guard lock(mu_);
    return reloads_;
  }

  // Builds again when the files changed since the last successful build, or when none
  // has succeeded yet. Blocks for the build (file reads); one at a time. Thread-safe.
  Reload refresh() {
    std::lock_guard one(build_mu_);
    std::string now = files_fingerprint(paths_);
    {
      std::lock_guard lock(mu_);
      if (current_ && now == built_fingerprint_) return Reload::Unchanged;
    }
    Result<std::shared_ptr<T>> built = build_();
    std::lock_guard lock(mu_);
    if (!built) {
      error_ = built.error().message;
      return Reload::Failed;
    }
    current_ = std::move(*built);
    built_fingerprint_ = std::move(now);
    error_.clear();
    ++reloads_;
    return Reload::Reloaded;
  }

 private:
  const std::vector<std::string> paths_;
  const Build build_;
  std::mutex build_mu_;    // one build at a time
  mutable std::mutex mu_;  // guards the fields below
  std::shared_ptr<T> current_;
  std::string built_fingerprint_;
  std::string error_;
  uint64_t reloads_ = 0;
};

}  // namespace common
