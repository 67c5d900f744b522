#include "index/sindex.h"

#include "common/bytes.h"
#include "proto/info.h"

namespace asd {

namespace {

constexpr uint8_t kParticleInteger = 1;
constexpr uint8_t kParticleString = 3;
constexpr uint8_t kParticleBlob = 4;

std::optional<SindexType> type_named(std::string_view name) {
  if (name == "NUMERIC") return SindexType::Numeric;
  if (name == "STRING") return SindexType::String;
  if (name == "BLOB") return SindexType::Blob;
  return std::nullopt;
}

}  // namespace

const char* sindex_type_name(SindexType type) {
  switch (type) {
    case SindexType::Numeric:
      return "NUMERIC";
    case SindexType::String:
      return "STRING";
    case SindexType::Blob:
      return "BLOB";
  }
  return "NUMERIC";
}

uint8_t sindex_particle(SindexType type) {
  switch (type) {
    case SindexType::Numeric:
      return kParticleInteger;
    case SindexType::String:
      return kParticleString;
    case SindexType::Blob:
      return kParticleBlob;
  }
  return kParticleInteger;
}

std::string sindex_metadata_key(std::string_view ns, std::string_view name) {
  return std::string(ns) + "|" + std::string(name);
}

std::string encode_sindex_def(const SindexDef& def) {
  return "set=" + def.set + ";bin=" + def.bin + ";type=" + sindex_type_name(def.type) + ";";
}

std::optional<SindexDef> decode_sindex_def(std::string_view key, std::string_view value) {
  size_t bar = key.find('|');
  if (bar == std::string_view::npos || bar == 0 || bar + 1 == key.size()) return std::nullopt;
  SindexDef def;
  def.ns = std::string(key.substr(0, bar));
  def.name = std::string(key.substr(bar + 1));
  std::string_view set, bin, type;
  if (!proto::find_info_param(value, "set", &set) || !proto::find_info_param(value, "bin", &bin) ||
      !proto::find_info_param(value, "type", &type) || bin.empty()) {
    return std::nullopt;
  }
  auto t = type_named(type);
  if (!t) return std::nullopt;
  def.set = std::string(set);
  def.bin = std::string(bin);
  def.type = *t;
  return def;
}

int64_t sindex_hash(std::string_view bytes) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : bytes) {
    h ^= uint8_t(c);
    h *= 0x100000001b3ull;
  }
  return int64_t(h);
}

SecondaryIndex::SecondaryIndex(SindexDef def, uint16_t set_id) : def_(std::move(def)), set_id_(set_id) {}

std::optional<int64_t> SecondaryIndex::key_of(const Record& r) const {
  if (r.tombstone) return std::nullopt;
  if (!def_.set.empty() && r.set_id != set_id_) return std::nullopt;
  const Bin* b = r.find_bin(def_.bin);
  if (!b || b->particle != sindex_particle(def_.type)) return std::nullopt;
  if (def_.type == SindexType::Numeric) {
    if (b->value.size() != 8) return std::nullopt;
    return int64_t(common::load_be64(common::as_bytes(b->value)));
  }
  return sindex_hash(b->value);
}

void SecondaryIndex::update(uint32_t pid, const common::Digest& digest, std::optional<int64_t> before,
                            std::optional<int64_t> after) {
  if (before == after) return;
  PartitionEntries& part = parts_[pid];
  if (before && part.erase({*before, digest}) > 0) entries_.fetch_sub(1, std::memory_order_relaxed);
  if (after && part.insert({*after, digest}).second) entries_.fetch_add(1, std::memory_order_relaxed);
}

void SecondaryIndex::mark_built(uint32_t pid) {
  if (!built_flags_[pid].exchange(true, std::memory_order_acq_rel)) built_count_.fetch_add(1);
}

}  // namespace asd
