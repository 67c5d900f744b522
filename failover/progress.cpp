#include "failover/progress.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "common/digest.h"

namespace failover {

namespace {

common::Error refuse(const std::string& why) { return common::Error{common::ResultCode::Parameter, why}; }

bool to_u64(std::string_view text, uint64_t* out, int base = 10) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, base);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

// Splits on `sep`, keeping empty pieces.
std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t at = text.find(sep, start);
    out.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

bool valid_name(std::string_view name) {
  return !name.empty() && name.size() <= 31 &&
         name.find_first_of("/;:=,@ \t\n") == std::string_view::npos;
}

// The base is the most common LUT, so a quiet cluster publishes no exceptions at all.
uint64_t base_of(const PartitionLuts& luts) {
  std::vector<uint64_t> sorted(luts);
  std::sort(sorted.begin(), sorted.end());
  uint64_t best = sorted.empty() ? 0 : sorted.front();
  size_t best_run = 0;
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    if (j - i > best_run) {
      best_run = j - i;
      best = sorted[i];
    }
    i = j;
  }
  return best;
}

common::Result<std::pair<DcNs, PartitionLuts>> decode_group(std::string_view text, uint64_t limit) {
  std::vector<std::string_view> parts = split(text, '/');
  if (parts.size() != 4) return refuse("progress group '" + std::string(text.substr(0, 64)) + "' malformed");
  if (!valid_name(parts[0]) || !valid_name(parts[1])) return refuse("bad dc or namespace name");
  uint64_t base = 0;
  if (!to_u64(parts[2], &base)) return refuse("bad base LUT");
  if (base > limit) return refuse("base LUT " + std::to_string(base) + " is in the future");
  PartitionLuts luts(common::kPartitions, base);
  std::vector<bool> seen(common::kPartitions, false);
  if (!parts[3].empty()) {
    for (std::string_view item : split(parts[3], ':')) {
      size_t dot = item.find('.');
      uint64_t pid = 0, lut = 0;
      if (dot == std::string_view::npos || !to_u64(item.substr(0, dot), &pid) ||
          !to_u64(item.substr(dot + 1), &lut)) {
        return refuse("bad partition item '" + std::string(item.substr(0, 40)) + "'");
      }
      if (pid >= common::kPartitions || seen[pid]) return refuse("partition " + std::to_string(pid) + " out of range or repeated");
      if (lut > limit) return refuse("partition " + std::to_string(pid) + " LUT is in the future");
      seen[pid] = true;
      luts[pid] = lut;
    }
  }
  return std::pair{DcNs{std::string(parts[0]), std::string(parts[1])}, std::move(luts)};
}

}  // namespace

uint64_t NodeProgress::lut(const DcNs& key, uint32_t pid) const {
  auto it = luts.find(key);
  return it == luts.end() || pid >= it->second.size() ? 0 : it->second[pid];
}

bool NodeProgress::registered_since(uint64_t id, uint64_t since_ms) const {
  return std::any_of(registered.begin(), registered.end(),
                     [&](const Registration& r) { return r.node == id && r.at_ms >= since_ms; });
}

std::string node_hex(uint64_t id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%lX", static_cast<unsigned long>(id));
  return buf;
}

uint64_t parse_node_hex(std::string_view text) {
  uint64_t id = 0;
  return to_u64(text, &id, 16) ? id : 0;
}

std::string encode_progress(const NodeProgress& p) {
  std::string out = "v=1;node=" + node_hex(p.node) + ";epoch=" + std::to_string(p.epoch) +
                    ";stamped=" + std::to_string(p.stamped_ms) + ";registered=";
  for (size_t i = 0; i < p.registered.size(); ++i) {
    if (i) out += ',';
    out += node_hex(p.registered[i].node) + "@" + std::to_string(p.registered[i].at_ms);
  }
  for (const auto& [key, luts] : p.luts) {
    uint64_t base = base_of(luts);
    out += ";p=" + key.first + "/" + key.second + "/" + std::to_string(base) + "/";
    bool first = true;
    for (uint32_t pid = 0; pid < luts.size(); ++pid) {
      if (luts[pid] == base) continue;
      if (!first) out += ':';
      first = false;
      out += std::to_string(pid) + "." + std::to_string(luts[pid]);
    }
  }
  return out;
}

common::Result<NodeProgress> decode_progress(std::string_view text, uint64_t now_cl_ms) {
  const uint64_t limit = now_cl_ms + kMaxClockSkewMs;
  NodeProgress p;
  bool version = false, node = false;
  for (std::string_view item : split(text, ';')) {
    size_t eq = item.find('=');
    if (eq == std::string_view::npos) return refuse("item without '=': '" + std::string(item.substr(0, 40)) + "'");
    std::string_view key = item.substr(0, eq), value = item.substr(eq + 1);
    if (key == "v") {
      if (value != "1") return refuse("unknown progress version " + std::string(value.substr(0, 10)));
      version = true;
    } else if (key == "node") {
      p.node = parse_node_hex(value);
      if (p.node == 0) return refuse("bad node id");
      node = true;
    } else if (key == "epoch") {
      if (!to_u64(value, &p.epoch)) return refuse("bad epoch");
    } else if (key == "stamped") {
      if (!to_u64(value, &p.stamped_ms)) return refuse("bad stamp");
      if (p.stamped_ms > limit) return refuse("stamped in the future");
    } else if (key == "registered") {
      if (value.empty()) continue;
      for (std::string_view reg : split(value, ',')) {
        size_t at = reg.find('@');
        Registration r;
        if (at == std::string_view::npos || (r.node = parse_node_hex(reg.substr(0, at))) == 0 ||
            !to_u64(reg.substr(at + 1), &r.at_ms)) {
          return refuse("bad registration '" + std::string(reg.substr(0, 40)) + "'");
        }
        p.registered.push_back(r);
      }
    } else if (key == "p") {
      auto group = decode_group(value, limit);
      if (!group) return group.error();
      if (!p.luts.emplace(std::move(group->first), std::move(group->second)).second) {
        return refuse("a (dc, namespace) published twice");
      }
    } else {
      return refuse("unknown item '" + std::string(key.substr(0, 20)) + "'");
    }
  }
  if (!version || !node) return refuse("no version or node id");
  return p;
}

}  // namespace failover
