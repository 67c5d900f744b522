#include "smd/metadata_store.h"

#include <algorithm>
#include <filesystem>

#include "common/atomic_file.h"
#include "common/base64.h"
#include "common/clock.h"
#include "common/node_id.h"

namespace asd::smd {

namespace {

constexpr std::string_view kFileSuffix = ".smd";
constexpr int kCounterBits = 12;

std::string first_line(std::string_view module) { return "asd-smd 1 " + std::string(module); }

// Module names become file names: letters, digits, '-' and '_' only.
bool valid_module_name(std::string_view module) {
  if (module.empty() || module.size() > 64) return false;
  return std::all_of(module.begin(), module.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

bool parse_u64(const std::string& text, int base, uint64_t* out) {
  if (text.empty()) return false;
  try {
    size_t used = 0;
    *out = std::stoull(text, &used, base);
    return used == text.size();
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

std::string encode_module_file(std::string_view module, const std::vector<Item>& items) {
  std::string body = first_line(module) + "\n";
  for (const Item& item : items) {
    body += "item " + common::base64_encode(item.key) + " " + std::to_string(item.version) + " " +
            common::node_id_hex(item.origin) + " " + (item.removed ? "1" : "0") + " " +
            (item.value.empty() ? "-" : common::base64_encode(item.value)) + "\n";
  }
  return common::with_crc_line(std::move(body));
}

common::Result<std::vector<Item>> decode_module_file(const std::string& text, std::string_view module) {
  std::vector<Item> items;
  common::Status st = common::parse_state_text(text, first_line(module), [&](const std::vector<std::string>& f) {
    if (f.size() != 6 || f[0] != "item") return std::string("expected: item KEY VERSION ORIGIN REMOVED VALUE");
    Item item;
    item.module = std::string(module);
    auto key = common::base64_decode(f[1]);
    if (!key) return std::string("key is not base64");
    item.key = std::move(*key);
    if (!parse_u64(f[2], 10, &item.version)) return std::string("bad version");
    if (!parse_u64(f[3], 16, &item.origin)) return std::string("bad origin node id");
    if (f[4] != "0" && f[4] != "1") return std::string("removed must be 0 or 1");
    item.removed = f[4] == "1";
    if (f[5] != "-") {
      auto value = common::base64_decode(f[5]);
      if (!value) return std::string("value is not base64");
      item.value = std::move(*value);
    }
    items.push_back(std::move(item));
    return std::string();
  });
  if (!st.ok()) return common::Error{st.code(), st.message()};
  return items;
}

MetadataStore::MetadataStore(std::string dir, uint64_t self) : dir_(std::move(dir)), self_(self) {}

common::Status MetadataStore::load() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return {common::ResultCode::ServerError, "cannot create " + dir_ + ": " + ec.message()};
  std::lock_guard lock(mu_);
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::filesystem::path& path = entry.path();
    if (path.extension() != kFileSuffix) continue;
    std::string module = path.stem().string();
    auto text = common::read_whole_file(path.string());
    if (!text.ok()) return {text.code(), text.error().message};
    if (!*text) continue;
    auto items = decode_module_file(**text, module);
    if (!items.ok()) return {items.code(), path.string() + ": " + items.error().message};
    Module& m = modules_[module];
    for (Item& item : *items) {
      last_version_ = std::max(last_version_, item.version);
      std::string key = item.key;
      m[key] = std::move(item);
    }
  }
  if (ec) return {common::ResultCode::ServerError, "cannot list " + dir_ + ": " + ec.message()};
  return {};
}

uint64_t MetadataStore::next_version() {
  uint64_t v = std::max(common::now_cl_ms() << kCounterBits, last_version_ + 1);
  last_version_ = v;
  return v;
}

common::Status MetadataStore::persist(const std::string& module, const Module& items) const {
  std::vector<Item> list;
  list.reserve(items.size());
  for (const auto& [key, item] : items) list.push_back(item);
  return common::replace_file(dir_ + "/" + module + std::string(kFileSuffix), encode_module_file(module, list));
}

// The module's file is rewritten with the item first: memory never holds what the disk
// would lose at a crash.
common::Status MetadataStore::keep_locked(const Item& item) {
  auto m = modules_.find(item.module);
  Module copy = m == modules_.end() ? Module{} : m->second;
  copy[item.key] = item;
  common::Status st = persist(item.module, copy);
  if (st.ok()) modules_[item.module] = std::move(copy);
  return st;
}

common::Result<Item> MetadataStore::change(std::string_view module, std::string_view key, std::string value,
                                           bool removed) {
  if (!valid_module_name(module)) return common::Error{common::ResultCode::Parameter, "bad metadata module name"};
  Item item;
  {
    std::lock_guard lock(mu_);
    item.module = std::string(module);
    item.key = std::string(key);
    item.value = std::move(value);
    item.removed = removed;
    item.version = next_version();
    item.origin = self_;
    common::Status st = keep_locked(item);
    if (!st.ok()) return common::Error{st.code(), st.message()};
  }
  notify(item);
  Listener publish;
  {
    std::lock_guard lock(listeners_mu_);
    publish = publish_;
  }
  if (publish) publish(item);
  return item;
}

common::Result<Item> MetadataStore::set(std::string_view module, std::string_view key, std::string value) {
  return change(module, key, std::move(value), false);
}

common::Result<Item> MetadataStore::remove(std::string_view module, std::string_view key) {
  return change(module, key, {}, true);
}

common::Result<bool> MetadataStore::merge(const Item& item) {
  if (!valid_module_name(item.module)) return common::Error{common::ResultCode::Parameter, "bad metadata module name"};
  {
    std::lock_guard lock(mu_);
    // Our own next changes must sort after everything seen, whatever the clocks say.
    last_version_ = std::max(last_version_, item.version);
    auto m = modules_.find(item.module);
    if (m != modules_.end()) {
      auto it = m->second.find(item.key);
      if (it != m->second.end() && !item.newer_than(it->second)) return false;
    }
    common::Status st = keep_locked(item);
    if (!st.ok()) return common::Error{st.code(), st.message()};
  }
  notify(item);
  return true;
}

std::vector<Item> MetadataStore::items(std::string_view module) const {
  std::lock_guard lock(mu_);
  std::vector<Item> out;
  auto m = modules_.find(module);
  if (m == modules_.end()) return out;
  for (const auto& [key, item] : m->second) {
    if (!item.removed) out.push_back(item);
  }
  return out;
}

bool MetadataStore::get(std::string_view module, std::string_view key, Item* out) const {
  std::lock_guard lock(mu_);
  auto m = modules_.find(module);
  if (m == modules_.end()) return false;
  auto it = m->second.find(key);
  if (it == m->second.end() || it->second.removed) return false;
  *out = it->second;
  return true;
}

std::vector<Item> MetadataStore::snapshot() const {
  std::lock_guard lock(mu_);
  std::vector<Item> out;
  for (const auto& [name, m] : modules_) {
    for (const auto& [key, item] : m) out.push_back(item);
  }
  return out;
}

void MetadataStore::set_publisher(Listener publish) {
  std::lock_guard lock(listeners_mu_);
  publish_ = std::move(publish);
}

void MetadataStore::listen(std::string module, Listener listener) {
  {
    std::lock_guard lock(listeners_mu_);
    listeners_[module].push_back(listener);
  }
  for (const Item& item : items(module)) listener(item);
}

void MetadataStore::notify(const Item& item) {
  std::vector<Listener> targets;
  {
    std::lock_guard lock(listeners_mu_);
    auto it = listeners_.find(item.module);
    if (it != listeners_.end()) targets = it->second;
  }
  for (const Listener& l : targets) l(item);
}

}  // namespace asd::smd
