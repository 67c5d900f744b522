#pragma once
// The cluster's Lua UDF modules (wire-protocol §10.1): registered through any node with
// udf-put, kept as system metadata (module "UDF", key = file name), so every member holds
// the same set, and written to `mod-lua { user-path }` on every node, where the Lua
// runtime loads them from. A module is compiled before it is accepted: a syntax error is
// refused with its line and message, as the real server does.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "smd/metadata_store.h"

namespace asd::udf {

inline constexpr std::string_view kMetadataModule = "UDF";
// The real server's limit on a module file name (udf_cask.c).
inline constexpr size_t kMaxFileNameLength = 127;

struct ModuleInfo {
  std::string filename;
  std::string sha1_hex;  // of the content, as udf-list shows it
};

// Why udf-put refused a module, in the real server's terms: `error` is the info answer's
// error= value; a compile error also has the line and the compiler's message.
struct PutError {
  std::string error;
  std::string file;
  int line = 0;
  std::string message;
};

// The compiler's verdict on a module's source (no state kept); nullopt when it compiles.
std::optional<PutError> check_lua_source(std::string_view filename, std::string_view content);
// A file name the server accepts: a base name of at most kMaxFileNameLength bytes with an
// extension (a '.' neither first nor last), no path separators or info delimiters.
bool valid_module_filename(std::string_view filename);

class UdfModules {
 public:
  // `user_path`: mod-lua user-path; created at start() when missing.
  UdfModules(std::string user_path, smd::MetadataStore& store);

  // Creates user-path, writes every module the store holds, removes module files the store
  // no longer lists, and follows later changes (start-up edge: an error says why).
  common::Status start();

  // udf-put: checks and compiles, then records the module (the caller broadcasts the item).
  // A refused module returns the PutError; a failure to persist an error.
  struct Put {
    std::optional<PutError> refused;
    std::optional<smd::Item> item;
  };
  common::Result<Put> put(std::string_view filename, std::string content);
  // udf-remove: a tombstone item to broadcast; nullopt when there was nothing to remove.
  common::Result<std::optional<smd::Item>> remove(std::string_view filename);

  // What is installed: a module shows here once its file is written under user-path, so a
  // client that sees it listed can run it (the store may already hold a newer change).
  std::vector<ModuleInfo> list() const;
  std::optional<std::string> content(std::string_view filename) const;

  const std::string& user_path() const { return user_path_; }
  // Changes whenever any installed module does: a Lua state built before holds stale code.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  void on_change(const smd::Item& item);
  void write_module_file(const std::string& filename);

  const std::string user_path_;
  smd::MetadataStore& store_;
  mutable std::mutex mu_;  // guards installed_ and serialises file writes
  std::map<std::string, std::string, std::less<>> installed_;  // filename -> content on disk
  std::atomic<uint64_t> generation_{0};
};

}  // namespace asd::udf
