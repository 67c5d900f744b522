#include "udf/udf_modules.h"

#include <openssl/evp.h>

#include <filesystem>
#include <lua.hpp>

#include "common/atomic_file.h"
#include "common/bytes.h"
#include "common/log.h"
#include "smd/metadata_store.h"

namespace asd::udf {

namespace {

std::string sha1_hex(std::string_view content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(content.data(), content.size(), digest, &n, EVP_sha1(), nullptr);
  return common::to_hex(std::string_view(reinterpret_cast<const char*>(digest), n));
}

// "name.lua:12: unexpected symbol near 'x'" -> line 12 and the text after it.
void split_lua_error(std::string_view filename, std::string_view text, PutError* out) {
  std::string prefix = std::string(filename) + ":";
  if (text.substr(0, prefix.size()) == prefix) {
    std::string_view rest = text.substr(prefix.size());
    size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    if (digits > 0 && rest.substr(digits, 2) == ": ") {
      out->line = std::stoi(std::string(rest.substr(0, digits)));
      out->message = std::string(rest.substr(digits + 2));
      return;
    }
  }
  out->message = std::string(text);
}

}  // namespace

bool valid_module_filename(std::string_view filename) {
  if (filename.empty() || filename.size() > kMaxFileNameLength) return false;
  // As the real server: an extension is required ("abc", ".abc" and "abc." are refused),
  // which also keeps "." and ".." out.
  size_t dot = filename.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == filename.size()) return false;
  for (char c : filename) {
    if (c == '/' || c == '\\' || c == '\0' || c == ';' || c == ',' || c == '=') return false;
  }
  return true;
}

std::optional<PutError> check_lua_source(std::string_view filename, std::string_view content) {
  lua_State* L = luaL_newstate();
  if (!L) return PutError{"compile_error", std::string(filename), 0, "out of memory"};
  // "@name": messages say "name:line:"; mode "t": precompiled chunks are refused.
  std::string chunk = "@" + std::string(filename);
  int rc = luaL_loadbufferx(L, content.data(), content.size(), chunk.c_str(), "t");
  std::optional<PutError> error;
  if (rc != LUA_OK) {
    PutError e{"compile_error", std::string(filename), 0, {}};
    const char* text = lua_tostring(L, -1);
    split_lua_error(filename, text ? text : "unknown error", &e);
    error = std::move(e);
  }
  lua_close(L);
  return error;
}

UdfModules::UdfModules(std::string user_path, smd::MetadataStore& store)
    : user_path_(std::move(user_path)), store_(store) {}

common::Status UdfModules::start() {
  std::error_code ec;
  std::filesystem::create_directories(user_path_, ec);
  if (ec) return {common::ResultCode::ServerError, "mod-lua user-path " + user_path_ + ": " + ec.message()};
  // Files of modules removed while this node was down go; the others are written below.
  for (const auto& entry : std::filesystem::directory_iterator(user_path_, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".lua") continue;
    smd::Item item;
    if (!store_.get(kMetadataModule, entry.path().filename().string(), &item)) {
      std::filesystem::remove(entry.path(), ec);
    }
  }
  store_.listen(std::string(kMetadataModule), [this](const smd::Item& item) { on_change(item); });
  return {};
}

void UdfModules::on_change(const smd::Item& item) {
  if (!valid_module_filename(item.key)) return;  // never a path outside user-path
  write_module_file(item.key);
}

// The file follows the store's current state of the module, whatever order changes are
// reported in.
void UdfModules::write_module_file(const std::string& filename) {
  std::lock_guard lock(mu_);
  std::string path = user_path_ + "/" + filename;
  smd::Item current;
  if (!store_.get(kMetadataModule, filename, &current)) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    if (ec) common::logger("udf")->warn("cannot remove {}: {}", path, ec.message());
    installed_.erase(filename);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    return;
  }
  common::Status st = common::replace_file(path, current.value);
  if (!st.ok()) {
    common::logger("udf")->warn("module {} not written: {}", filename, st.message());
    return;
  }
  installed_[filename] = current.value;
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

common::Result<UdfModules::Put> UdfModules::put(std::string_view filename, std::string content) {
  Put out;
  if (!valid_module_filename(filename)) {
    out.refused = PutError{"invalid_filename", {}, 0, {}};
    return out;
  }
  if (auto error = check_lua_source(filename, content)) {
    out.refused = std::move(error);
    return out;
  }
  auto item = store_.set(kMetadataModule, filename, std::move(content));
  if (!item.ok()) return item.error();
  out.item = std::move(*item);
  return out;
}

common::Result<std::optional<smd::Item>> UdfModules::remove(std::string_view filename) {
  smd::Item existing;
  if (!valid_module_filename(filename) || !store_.get(kMetadataModule, filename, &existing)) {
    return std::optional<smd::Item>();
  }
  auto item = store_.remove(kMetadataModule, filename);
  if (!item.ok()) return item.error();
  return std::optional<smd::Item>(std::move(*item));
}

std::vector<ModuleInfo> UdfModules::list() const {
  std::lock_guard lock(mu_);
  std::vector<ModuleInfo> out;
  for (const auto& [name, source] : installed_) out.push_back({name, sha1_hex(source)});
  return out;
}

std::optional<std::string> UdfModules::content(std::string_view filename) const {
  std::lock_guard lock(mu_);
  auto it = installed_.find(filename);
  if (it == installed_.end()) return std::nullopt;
  return it->second;
}

}  // namespace asd::udf
