#include "index/sindex.h"

#include <algorithm>

#include "base/geo_cells.h"
#include "base/cdt.h"
#include "base/geojson.h"
#include "common/base64.h"
#include "index/namespace.h"
#include "common/bytes.h"
#include "proto/info.h"
#include "proto/msgpack.h"

namespace asd {

namespace {

constexpr uint8_t kParticleInteger = 1;
constexpr uint8_t kParticleString = 3;
constexpr uint8_t kParticleBlob = 4;
constexpr uint8_t kParticleGeoJson = 23;
constexpr uint8_t kParticleMap = 19;
constexpr uint8_t kParticleList = 20;

std::optional<SindexType> type_named(std::string_view name) {
  if (name == "NUMERIC") return SindexType::Numeric;
  if (name == "STRING") return SindexType::String;
  if (name == "BLOB") return SindexType::Blob;
  if (name == "GEO2DSPHERE") return SindexType::Geo;
  return std::nullopt;
}

std::optional<SindexCollection> collection_named(std::string_view name) {
  if (name.empty() || name == "DEFAULT") return SindexCollection::Default;
  if (name == "LIST") return SindexCollection::List;
  if (name == "MAPKEYS") return SindexCollection::MapKeys;
  if (name == "MAPVALUES") return SindexCollection::MapValues;
  return std::nullopt;
}

// A GeoJSON value's keys: a point's cell, or the cells covering a region.
void add_geo_keys(std::string_view text, std::vector<int64_t>& keys) {
  std::optional<base::Geometry> g = base::parse_geometry(text);
  if (!g) return;
  if (!g->is_region()) keys.push_back(base::geo_point_key(g->point));
  else for (int64_t k : base::geo_cover_keys(*g)) keys.push_back(k);
}

bool geo_text_matches(std::string_view text, const base::Geometry& query) {
  std::optional<base::Geometry> g = base::parse_geometry(text);
  if (!g) return false;
  // A point query asks for the regions holding it; a region query for the points inside.
  if (!query.is_region()) return g->is_region() && base::region_contains(*g, query.point);
  return !g->is_region() && base::region_contains(query, g->point);
}

// The key of one element of a list or map, when it has the index's type.
std::optional<int64_t> element_key(const proto::msgpack::Value& v, SindexType type) {
  using proto::msgpack::Kind;
  switch (type) {
    case SindexType::Geo:
      return std::nullopt;  // elements may have several keys: see add_element_keys
    case SindexType::Numeric:
      if (v.kind == Kind::Int) return v.i;
      return std::nullopt;
    case SindexType::String:
      if (v.kind == Kind::String) return sindex_hash(v.bytes);
      return std::nullopt;
    case SindexType::Blob:
      if (v.kind == Kind::Blob) return sindex_hash(v.bytes);
      return std::nullopt;
  }
  return std::nullopt;
}

bool element_holds(const proto::msgpack::Value& v, SindexType type, std::string_view bytes) {
  using proto::msgpack::Kind;
  return v.bytes == bytes && ((type == SindexType::String && v.kind == Kind::String) ||
                              (type == SindexType::Blob && v.kind == Kind::Blob));
}

// The elements of a decoded collection this index looks at; false when the value is not
// the collection the index needs.
template <typename Visit>
bool visit_value_elements(const proto::msgpack::Value& v, SindexCollection c, Visit visit) {
  if (c == SindexCollection::List) {
    if (v.kind != proto::msgpack::Kind::List) return false;
    for (const auto& e : v.list) visit(e);
  } else {
    if (v.kind != proto::msgpack::Kind::Map) return false;
    for (const auto& [k, val] : v.map) visit(c == SindexCollection::MapKeys ? k : val);
  }
  return true;
}

// The elements of a collection bin this index looks at, decoded; false when the bin is
// not the collection the index needs.
template <typename Visit>
bool visit_elements(const Bin& b, SindexCollection c, Visit visit) {
  uint8_t want = c == SindexCollection::List ? kParticleList : kParticleMap;
  if (b.particle != want) return false;
  proto::msgpack::Value v;
  if (!proto::msgpack::decode(b.value, &v)) return false;
  return visit_value_elements(v, c, visit);
}

}  // namespace

const char* sindex_collection_name(SindexCollection c) {
  switch (c) {
    case SindexCollection::Default:
      return "DEFAULT";
    case SindexCollection::List:
      return "LIST";
    case SindexCollection::MapKeys:
      return "MAPKEYS";
    case SindexCollection::MapValues:
      return "MAPVALUES";
  }
  return "DEFAULT";
}

const char* sindex_type_name(SindexType type) {
  switch (type) {
    case SindexType::Numeric:
      return "NUMERIC";
    case SindexType::String:
      return "STRING";
    case SindexType::Blob:
      return "BLOB";
    case SindexType::Geo:
      return "GEO2DSPHERE";
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
    case SindexType::Geo:
      return kParticleGeoJson;
  }
  return kParticleInteger;
}

std::string sindex_metadata_key(std::string_view ns, std::string_view name) {
  return std::string(ns) + "|" + std::string(name);
}

std::string encode_sindex_def(const SindexDef& def) {
  std::string out = "set=" + def.set + ";bin=" + def.bin + ";type=" + sindex_type_name(def.type) +
                    ";itype=" + sindex_collection_name(def.collection) + ";";
  if (!def.context.empty()) out += "ctx=" + common::base64_encode(def.context) + ";";
  if (!def.exp.empty()) out += "exp=" + common::base64_encode(def.exp) + ";";
  return out;
}

std::optional<SindexDef> decode_sindex_def(std::string_view key, std::string_view value) {
  size_t bar = key.find('|');
  if (bar == std::string_view::npos || bar == 0 || bar + 1 == key.size()) return std::nullopt;
  SindexDef def;
  def.ns = std::string(key.substr(0, bar));
  def.name = std::string(key.substr(bar + 1));
  std::string_view set, bin, type;
  if (!proto::find_info_param(value, "set", &set) || !proto::find_info_param(value, "bin", &bin) ||
      !proto::find_info_param(value, "type", &type)) {
    return std::nullopt;
  }
  auto t = type_named(type);
  if (!t) return std::nullopt;
  std::string_view itype;
  proto::find_info_param(value, "itype", &itype);
  auto c = collection_named(itype);
  if (!c) return std::nullopt;
  def.collection = *c;
  std::string_view ctx;
  if (proto::find_info_param(value, "ctx", &ctx) && !ctx.empty()) {
    auto bytes = common::base64_decode(ctx);
    if (!bytes || !base::valid_index_context(*bytes)) return std::nullopt;
    def.context = std::move(*bytes);
  }
  std::string_view exp_text;
  if (proto::find_info_param(value, "exp", &exp_text) && !exp_text.empty()) {
    auto bytes = common::base64_decode(exp_text);
    if (!bytes || !exp::Expression::parse(*bytes)) return std::nullopt;
    def.exp = std::move(*bytes);
  }
  // Exactly one of a bin and an expression says what is indexed.
  if (bin.empty() == def.exp.empty()) return std::nullopt;
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

exp::Type sindex_expression_type(SindexType type, SindexCollection collection) {
  switch (collection) {
    case SindexCollection::List: return exp::Type::List;
    case SindexCollection::MapKeys:
    case SindexCollection::MapValues: return exp::Type::Map;
    case SindexCollection::Default: break;
  }
  switch (type) {
    case SindexType::Numeric: return exp::Type::Int;
    case SindexType::String: return exp::Type::Str;
    case SindexType::Blob: return exp::Type::Blob;
    case SindexType::Geo: return exp::Type::Geo;
  }
  return exp::Type::Int;
}

const char* expression_type_name(exp::Type type) {
  switch (type) {
    case exp::Type::Nil: return "nil";
    case exp::Type::Bool: return "bool";
    case exp::Type::Int: return "integer";
    case exp::Type::Str: return "string";
    case exp::Type::List: return "list";
    case exp::Type::Map: return "map";
    case exp::Type::Blob: return "blob";
    case exp::Type::Float: return "float";
    case exp::Type::Geo: return "geojson";
    case exp::Type::Hll: return "hll";
    default: return "unknown";
  }
}

SecondaryIndex::SecondaryIndex(SindexDef def, uint16_t set_id) : def_(std::move(def)), set_id_(set_id) {
  if (!def_.exp.empty()) {
    if (auto parsed = exp::Expression::parse(def_.exp)) {
      expression_ = std::make_shared<const exp::Expression>(std::move(*parsed));
    }
  }
}

const Bin* SecondaryIndex::source(const Record& r, const common::Digest& d, Bin* scratch) const {
  if (def_.exp.empty()) return r.find_bin(def_.bin);
  if (!expression_) return nullptr;
  exp::RecordView view = ns_ ? ns_->expression_view(r, d) : exp::RecordView{&r, &d, {}, 0, 0, 0};
  exp::Particle value;
  if (!expression_->evaluate(view, &value) || value.type == 0) return nullptr;
  scratch->particle = value.type;
  scratch->value = std::move(value.value);
  return scratch;
}

std::optional<proto::msgpack::Value> SecondaryIndex::context_value(const Bin& b) const {
  if (b.particle != kParticleList && b.particle != kParticleMap) return std::nullopt;
  proto::msgpack::Value v;
  if (!base::context_element(b.value, def_.context, &v)) return std::nullopt;
  return v;
}

std::vector<int64_t> SecondaryIndex::keys_of(const Record& r, const common::Digest& d) const {
  std::vector<int64_t> keys;
  if (r.tombstone) return keys;
  if (!def_.set.empty() && r.set_id != set_id_) return keys;
  Bin scratch;
  const Bin* b = source(r, d, &scratch);
  if (!b) return keys;
  if (!def_.context.empty()) {
    // The element the context addresses stands for the bin.
    auto v = context_value(*b);
    if (!v) return keys;
    auto add = [&](const proto::msgpack::Value& e) {
      if (def_.type == SindexType::Geo) {
        if (e.kind == proto::msgpack::Kind::GeoJson) add_geo_keys(e.bytes, keys);
      } else if (auto k = element_key(e, def_.type)) {
        keys.push_back(*k);
      }
    };
    if (def_.collection == SindexCollection::Default) add(*v);
    else visit_value_elements(*v, def_.collection, add);
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
  }
  if (def_.collection == SindexCollection::Default) {
    if (b->particle != sindex_particle(def_.type)) return keys;
    if (def_.type == SindexType::Numeric) {
      if (b->value.size() == 8) keys.push_back(int64_t(common::load_be64(common::as_bytes(b->value))));
    } else if (def_.type == SindexType::Geo) {
      if (auto text = base::geojson_particle_text(b->value)) add_geo_keys(*text, keys);
    } else {
      keys.push_back(sindex_hash(b->value));
    }
    return keys;
  }
  visit_elements(*b, def_.collection, [&](const proto::msgpack::Value& e) {
    if (def_.type == SindexType::Geo) {
      if (e.kind == proto::msgpack::Kind::GeoJson) add_geo_keys(e.bytes, keys);
    } else if (auto k = element_key(e, def_.type)) {
      keys.push_back(*k);
    }
  });
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

bool SecondaryIndex::holds_bytes(const Record& r, const common::Digest& d, std::string_view bytes) const {
  Bin scratch;
  const Bin* b = source(r, d, &scratch);
  if (!b) return false;
  if (!def_.context.empty()) {
    auto v = context_value(*b);
    if (!v) return false;
    if (def_.collection == SindexCollection::Default) return element_holds(*v, def_.type, bytes);
    bool found = false;
    visit_value_elements(*v, def_.collection, [&](const proto::msgpack::Value& e) {
      found = found || element_holds(e, def_.type, bytes);
    });
    return found;
  }
  if (def_.collection == SindexCollection::Default) return b->value == bytes;
  bool found = false;
  visit_elements(*b, def_.collection, [&](const proto::msgpack::Value& e) {
    found = found || element_holds(e, def_.type, bytes);
  });
  return found;
}

bool SecondaryIndex::geo_matches(const Record& r, const common::Digest& d, const base::Geometry& query) const {
  Bin scratch;
  const Bin* b = source(r, d, &scratch);
  if (!b) return false;
  if (!def_.context.empty()) {
    auto v = context_value(*b);
    if (!v) return false;
    auto one = [&](const proto::msgpack::Value& e) {
      return e.kind == proto::msgpack::Kind::GeoJson && geo_text_matches(e.bytes, query);
    };
    if (def_.collection == SindexCollection::Default) return one(*v);
    bool found = false;
    visit_value_elements(*v, def_.collection, [&](const proto::msgpack::Value& e) { found = found || one(e); });
    return found;
  }
  if (def_.collection == SindexCollection::Default) {
    auto text = b->particle == kParticleGeoJson ? base::geojson_particle_text(b->value) : std::nullopt;
    return text && geo_text_matches(*text, query);
  }
  bool found = false;
  visit_elements(*b, def_.collection, [&](const proto::msgpack::Value& e) {
    found = found || (e.kind == proto::msgpack::Kind::GeoJson && geo_text_matches(e.bytes, query));
  });
  return found;
}

bool SecondaryIndex::has_key(const Record& r, const common::Digest& d, int64_t key) const {
  std::vector<int64_t> keys = keys_of(r, d);
  return std::binary_search(keys.begin(), keys.end(), key);
}

void SecondaryIndex::update(uint32_t pid, const common::Digest& digest, const std::vector<int64_t>& before,
                            const std::vector<int64_t>& after) {
  if (before == after) return;
  PartitionEntries& part = parts_[pid];
  // Both sorted: walk them together, removing what left and adding what came.
  size_t i = 0, j = 0;
  while (i < before.size() || j < after.size()) {
    if (j == after.size() || (i < before.size() && before[i] < after[j])) {
      if (part.erase({before[i], digest}) > 0) entries_.fetch_sub(1, std::memory_order_relaxed);
      ++i;
    } else if (i == before.size() || after[j] < before[i]) {
      if (part.insert({after[j], digest}).second) entries_.fetch_add(1, std::memory_order_relaxed);
      ++j;
    } else {
      ++i;
      ++j;
    }
  }
}

void SecondaryIndex::mark_built(uint32_t pid) {
  if (!built_flags_[pid].exchange(true, std::memory_order_acq_rel)) built_count_.fetch_add(1);
}

}  // namespace asd
