// sindex-create, sindex-delete, sindex-list, sindex, sindex/<ns>[/<name>] and
// sindex-exists (wire-protocol §9.7), answered as the real server does. Definitions are
// cluster-wide metadata (smd module "sindex"): created through any node, applied by
// every node (node.cpp's listener builds or drops the index), given to a node that joins.

#include <cctype>

#include "common/log.h"
#include "index/namespace.h"
#include "index/sindex.h"
#include "proto/info.h"
#include "service/info_values.h"
#include "service/node_context.h"
#include "common/base64.h"
#include "base/cdt.h"
#include "smd/metadata_store.h"

namespace asd {

namespace {

constexpr size_t kMaxIndexesPerNamespace = 256;
constexpr size_t kMaxIndexNameLength = 63;

std::string with_case(std::string_view text, int (*convert)(int)) {
  std::string out(text);
  for (char& c : out) c = char(convert(static_cast<unsigned char>(c)));
  return out;
}
std::string upper(std::string_view text) { return with_case(text, ::toupper); }
std::string lower(std::string_view text) { return with_case(text, ::tolower); }

std::string describe(const SecondaryIndex& index) {
  const SindexDef& d = index.def();
  // An expression index shows its expression (base64) as the 8.1 server does.
  std::string exp = d.exp.empty() ? std::string() : ":exp=" + common::base64_encode(d.exp);
  return "ns=" + d.ns + ":indexname=" + d.name + ":set=" + (d.set.empty() ? "NULL" : d.set) +
         ":bin=" + (d.bin.empty() ? "NULL" : d.bin) + ":type=" + lower(sindex_type_name(d.type)) +
         ":indextype=" + lower(sindex_collection_name(d.collection)) +
         ":context=" + (d.context.empty() ? std::string("NULL") : common::base64_encode(d.context)) + exp +
         ":state=" + (index.readable() ? "RW" : "WO");
}

std::string list_indexes(NodeContext& node, std::string_view only_ns) {
  std::string out;
  for (const auto& ns : node.namespaces()) {
    if (!only_ns.empty() && ns->name() != only_ns) continue;
    for (const auto& index : *ns->sindexes()) out += describe(*index) + ";";
  }
  return out;
}

std::string index_statistics(NodeContext& node, std::string_view ns_name, std::string_view name) {
  Namespace* ns = node.find_namespace(ns_name);
  if (!ns) return "ERROR:4:invalid namespace";
  auto index = ns->find_sindex(name);
  if (!index) return "ERROR:201:no index";
  uint64_t load_pct = uint64_t(index->built_partitions()) * 100 / common::kPartitions;
  return "entries=" + std::to_string(index->entries_total()) + ";load_pct=" + std::to_string(load_pct) +
         ";loadtime=0;queries=" + std::to_string(index->queries()) + ";state=" + (index->readable() ? "RW" : "WO");
}

}  // namespace

std::string sindex_create_value(NodeContext& node, const proto::InfoCommand& cmd) {
  SindexDef def;
  def.ns = info_param(cmd, "ns");
  def.name = info_param(cmd, "indexname");
  def.set = info_param(cmd, "set");
  Namespace* ns = node.find_namespace(def.ns);
  if (!ns) return "ERROR:4:invalid namespace";
  if (def.name.empty() || def.name.size() > kMaxIndexNameLength || def.name.find_first_of("|;:=,") != std::string::npos) {
    return "ERROR:4:invalid indexname";
  }
  // Before 8.1: indexdata=BIN,TYPE; 8.1 and later: bin=BIN;type=TYPE, or exp=EXP;type=TYPE
  // for an expression index (clients also send an empty bin then).
  std::string type_text;
  if (info_has_param(cmd, "indexdata")) {
    std::string data = info_param(cmd, "indexdata");
    size_t comma = data.find(',');
    if (comma == std::string::npos) return "ERROR:4:invalid indexdata";
    def.bin = data.substr(0, comma);
    type_text = upper(data.substr(comma + 1));
  } else {
    def.bin = info_param(cmd, "bin");
    type_text = upper(info_param(cmd, "type"));
  }
  if (info_has_param(cmd, "exp")) {
    if (!def.bin.empty()) return "ERROR:4:both 'bin' and 'exp' are specified";
    auto bytes = common::base64_decode(info_param(cmd, "exp"));
    if (!bytes || bytes->empty() || !exp::Expression::parse(*bytes)) return "ERROR:4:bad 'exp'";
    def.exp = std::move(*bytes);
  } else if (def.bin.empty()) {
    return "ERROR:4:both 'bin' and 'exp' are missing";
  }
  if (def.bin.size() > 15) return "ERROR:4:invalid bin";
  if (type_text == "NUMERIC" || type_text == "INTEGER") def.type = SindexType::Numeric;
  else if (type_text == "STRING") def.type = SindexType::String;
  else if (type_text == "BLOB") def.type = SindexType::Blob;
  else if (type_text == "GEO2DSPHERE") def.type = SindexType::Geo;
  else return "ERROR:4:invalid type";
  std::string itype = upper(info_param(cmd, "indextype"));
  if (itype.empty() || itype == "DEFAULT") def.collection = SindexCollection::Default;
  else if (itype == "LIST") def.collection = SindexCollection::List;
  else if (itype == "MAPKEYS") def.collection = SindexCollection::MapKeys;
  else if (itype == "MAPVALUES") def.collection = SindexCollection::MapValues;
  else return "ERROR:4:invalid indextype";
  if (!def.exp.empty()) {
    if (info_has_param(cmd, "context")) return "ERROR:4:both 'context' and 'exp' are specified";
    exp::Type expected = sindex_expression_type(def.type, def.collection);
    exp::Type got = exp::Expression::parse(def.exp)->result_type();
    if (got != expected) {
      return std::string("ERROR:4:bad 'exp' - expression type '") + expression_type_name(got) +
             "' does not match expected type '" + expression_type_name(expected) + "'";
    }
  }
  if (info_has_param(cmd, "context")) {
    // base64 of the msgpack context the clients build ([type, value, ...]).
    auto ctx = common::base64_decode(info_param(cmd, "context"));
    if (!ctx || !base::valid_index_context(*ctx)) return "ERROR:4:invalid context";
    def.context = std::move(*ctx);
  }
  if (auto existing = ns->find_sindex(def.name)) {
    if (existing->def() == def) return "ok";
    return "ERROR:200:'" + def.name + "' already exists with different definition";
  }
  if (ns->sindexes()->size() >= kMaxIndexesPerNamespace) return "ERROR:206:too many indexes";
  if (!ns->set_id(def.set, true)) return "ERROR:4:the namespace's set table is full";
  auto item = node.metadata().set(kSindexMetadataModule, sindex_metadata_key(def.ns, def.name), encode_sindex_def(def));
  if (!item.ok()) {
    common::logger("sindex")->warn("sindex-create {} not stored: {}", def.name, item.error().message);
    return "ERROR:1:" + item.error().message;
  }
  common::logger("sindex")->info("sindex-create ns={} indexname={} set={} {}={} type={}", def.ns, def.name, def.set,
                                 def.exp.empty() ? "bin" : "exp", def.exp.empty() ? def.bin : info_param(cmd, "exp"),
                                 sindex_type_name(def.type));
  return "ok";
}

std::string sindex_delete_value(NodeContext& node, const proto::InfoCommand& cmd) {
  std::string ns_name = info_param(cmd, "ns");
  std::string name = info_param(cmd, "indexname");
  if (!node.find_namespace(ns_name)) return "ERROR:4:invalid namespace";
  if (name.empty()) return "ERROR:4:invalid indexname";
  smd::Item existing;
  std::string key = sindex_metadata_key(ns_name, name);
  if (!node.metadata().get(kSindexMetadataModule, key, &existing)) return "ok";
  auto item = node.metadata().remove(kSindexMetadataModule, key);
  if (!item.ok()) return "ERROR:1:" + item.error().message;
  common::logger("sindex")->info("sindex-delete ns={} indexname={}", ns_name, name);
  return "ok";
}

std::string sindex_list_value(NodeContext& node, const proto::InfoCommand& cmd) {
  return list_indexes(node, info_param(cmd, "ns"));
}

// `sindex`, `sindex/<ns>` (lists) and `sindex/<ns>/<name>` (statistics).
std::string sindex_value(NodeContext& node, const proto::InfoCommand& cmd) {
  if (cmd.path.empty()) return list_indexes(node, {});
  if (cmd.path.size() == 1) {
    if (!node.find_namespace(cmd.path[0])) return "ERROR:4:invalid namespace";
    return list_indexes(node, cmd.path[0]);
  }
  return index_statistics(node, cmd.path[0], cmd.path[1]);
}

// The 8.1 form of the statistics: sindex-stat:ns=<ns>;indexname=<name>.
std::string sindex_stat_value(NodeContext& node, const proto::InfoCommand& cmd) {
  return index_statistics(node, info_param(cmd, "ns"), info_param(cmd, "indexname"));
}

std::string sindex_exists_value(NodeContext& node, const proto::InfoCommand& cmd) {
  Namespace* ns = node.find_namespace(info_param(cmd, "ns"));
  if (!ns) return "ERROR:4:invalid namespace";
  return ns->find_sindex(info_param(cmd, "indexname")) ? "true" : "false";
}

}  // namespace asd
