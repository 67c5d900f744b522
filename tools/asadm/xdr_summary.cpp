// summarize_dcs(): the per-DC lines of `show xdr` (rules in xdr_summary.h).

#include "xdr_summary.h"

#include <algorithm>
#include <charconv>

namespace asadm {

namespace {

struct SummaryKey {
  const char* key;
  bool max;
};
// The summary table's columns after the node counts, in this order.
constexpr SummaryKey kSummaryKeys[] = {
    {"lag", true},
    {"lag_p50_ms", true},
    {"lag_p99_ms", true},
    {"in_queue", false},
    {"takeovers", false},
    {"takeovers_pending", false},
    {"takeover_records", false},
    {"recoveries", false},
};

bool to_u64(std::string_view text, uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

bool is_down(NodeState state) {
  return state == NodeState::Unreachable || state == NodeState::XdrDown || state == NodeState::AsdUnreachable ||
         state == NodeState::SeenDown;
}

const XdrRow* dc_row(const NodeReport& node, const std::string& dc) {
  for (const auto& row : node.rows) {
    if (row.dc == dc && row.ns.empty()) return &row;
  }
  return nullptr;
}

// Whether a node that gave no rows belongs with `dc` (see the rules in the header).
bool in_scope(const NodeReport& node, const std::string& dc, const std::vector<NodeReport>& nodes) {
  if (node.cluster.empty()) return true;
  return std::any_of(nodes.begin(), nodes.end(), [&](const NodeReport& other) {
    return other.state == NodeState::Ok && other.cluster == node.cluster && dc_row(other, dc) != nullptr;
  });
}

void add_row(DcSummary& summary, const NodeReport& node, const XdrRow& row) {
  if (!row.error.empty()) {
    summary.error.push_back(node_label(node));
    return;
  }
  summary.answered.push_back(node_label(node));
  for (DcStat& stat : summary.stats) {
    uint64_t value = 0;
    if (!to_u64(field(row.fields, stat.key), value)) continue;
    stat.value = stat.reported == 0 ? value : stat.max ? std::max(stat.value, value) : stat.value + value;
    ++stat.reported;
  }
}

}  // namespace

std::string DcSummary::text(const DcStat& stat) const {
  if (stat.reported == 0) return "-";
  return (partial(stat) ? ">=" : "") + std::to_string(stat.value);
}

std::vector<DcSummary> summarize_dcs(const std::vector<NodeReport>& nodes) {
  std::vector<DcSummary> out;
  for (const auto& node : nodes) {
    if (node.state != NodeState::Ok) continue;
    for (const auto& row : node.rows) {
      if (!row.ns.empty()) continue;
      if (std::none_of(out.begin(), out.end(), [&](const DcSummary& s) { return s.dc == row.dc; })) {
        DcSummary summary;
        summary.dc = row.dc;
        for (const auto& key : kSummaryKeys) summary.stats.push_back({key.key, key.max, 0, 0});
        out.push_back(std::move(summary));
      }
    }
  }
  for (DcSummary& summary : out) {
    for (const auto& node : nodes) {
      if (node.state == NodeState::Ok) {
        if (const XdrRow* row = dc_row(node, summary.dc)) add_row(summary, node, *row);
      } else if (in_scope(node, summary.dc, nodes)) {
        (is_down(node.state) ? summary.down : summary.error).push_back(node_label(node));
      }
    }
  }
  return out;
}

}  // namespace asadm
