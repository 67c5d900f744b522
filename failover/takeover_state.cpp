#include "failover/takeover_state.h"

#include <algorithm>
#include <charconv>

#include "common/atomic_file.h"
#include "common/digest.h"

namespace failover {

namespace {

constexpr std::string_view kFirstLine = "xdr-takeover-state 1";
// A write's LUT is stamped a moment before asd queues its frame (asd's kStampSlackMs in
// asd/xdr_pipe/pipe_writer.h): a Mark at T covers the writes stamped before T minus this.
constexpr uint64_t kFrontierSlackMs = 1000;
// Stored progress is not checked against the clock: it was checked when received.
constexpr uint64_t kNoFutureCheck = UINT64_MAX / 4;

bool to_u64(std::string_view text, uint64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

std::string ids_text(const std::vector<uint64_t>& ids) {
  if (ids.empty()) return "-";
  std::string out;
  for (uint64_t id : ids) out += (out.empty() ? "" : ",") + node_hex(id);
  return out;
}

bool parse_ids(std::string_view text, std::vector<uint64_t>* out) {
  if (text == "-") return true;
  while (!text.empty()) {
    size_t end = text.find(',');
    uint64_t id = parse_node_hex(text.substr(0, end));
    if (id == 0) return false;
    out->push_back(id);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return true;
}

std::string since_text(const std::map<uint32_t, uint64_t>& since) {
  if (since.empty()) return "-";
  std::string out;
  for (const auto& [pid, lut] : since) out += (out.empty() ? "" : ":") + std::to_string(pid) + "." + std::to_string(lut);
  return out;
}

bool parse_since(std::string_view text, std::map<uint32_t, uint64_t>* out) {
  if (text == "-") return true;
  while (!text.empty()) {
    size_t end = text.find(':');
    std::string_view item = text.substr(0, end);
    size_t dot = item.find('.');
    uint64_t pid = 0, lut = 0;
    if (dot == std::string_view::npos || !to_u64(item.substr(0, dot), &pid) || !to_u64(item.substr(dot + 1), &lut) ||
        pid >= common::kPartitions) {
      return false;
    }
    (*out)[uint32_t(pid)] = lut;
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return true;
}

bool contains(const std::vector<uint64_t>& ids, uint64_t id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

std::string encode_state(const TakeoverState& s) {
  std::string body = std::string(kFirstLine) + "\n";
  body += "self " + node_hex(s.self) + "\n";
  body += "next-task " + std::to_string(s.next_task_id) + "\n";
  for (uint64_t m : s.members) body += "member " + node_hex(m) + "\n";
  if (s.own) body += "own " + encode_progress(*s.own) + "\n";
  for (const auto& [id, p] : s.peers) body += "peer " + encode_progress(p) + "\n";
  for (const DepartedNode& d : s.departed) {
    body += "departed " + node_hex(d.node) + " " + std::to_string(d.detected_ms) + " " + ids_text(d.survivors) + " " +
            ids_text(d.confirmed) + " " + (d.progress ? encode_progress(*d.progress) : std::string("-")) + "\n";
  }
  for (const TakeoverTask& t : s.tasks) {
    body += "task " + std::to_string(t.id) + " " + t.dc + " " + t.ns + " " + node_hex(t.departed) + " " +
            (t.acting ? "1" : "0") + " " + std::to_string(t.registered_ms) + " " + since_text(t.since) + "\n";
  }
  for (const Registration& r : s.registered) body += "registered " + node_hex(r.node) + " " + std::to_string(r.at_ms) + "\n";
  return common::with_crc_line(std::move(body));
}

common::Result<TakeoverState> decode_state(const std::string& text) {
  TakeoverState s;
  auto progress_of = [](const std::string& t) { return decode_progress(t, kNoFutureCheck); };
  common::Status st = common::parse_state_text(text, kFirstLine, [&](const std::vector<std::string>& f) -> std::string {
    const std::string& kind = f[0];
    auto arity = [&](size_t n) { return f.size() == n; };
    if (kind == "self") {
      if (!arity(2) || (s.self = parse_node_hex(f[1])) == 0) return "bad self id";
    } else if (kind == "next-task") {
      if (!arity(2) || !to_u64(f[1], &s.next_task_id)) return "bad next-task";
    } else if (kind == "member") {
      uint64_t m = arity(2) ? parse_node_hex(f[1]) : 0;
      if (m == 0) return "bad member id";
      s.members.push_back(m);
    } else if (kind == "own" || kind == "peer") {
      if (!arity(2)) return "bad progress item";
      auto p = progress_of(f[1]);
      if (!p) return p.error().message;
      if (kind == "own") s.own = std::move(*p);
      else s.peers[p->node] = std::move(*p);
    } else if (kind == "departed") {
      DepartedNode d;
      if (!arity(6) || (d.node = parse_node_hex(f[1])) == 0 || !to_u64(f[2], &d.detected_ms) ||
          !parse_ids(f[3], &d.survivors) || !parse_ids(f[4], &d.confirmed)) {
        return "bad departed item";
      }
      if (f[5] != "-") {
        auto p = progress_of(f[5]);
        if (!p) return p.error().message;
        d.progress = std::move(*p);
      }
      s.departed.push_back(std::move(d));
    } else if (kind == "task") {
      TakeoverTask t;
      if (!arity(8) || !to_u64(f[1], &t.id) || (t.departed = parse_node_hex(f[4])) == 0 ||
          (f[5] != "0" && f[5] != "1") || !to_u64(f[6], &t.registered_ms) || !parse_since(f[7], &t.since)) {
        return "bad task item";
      }
      t.dc = f[2];
      t.ns = f[3];
      t.acting = f[5] == "1";
      s.tasks.push_back(std::move(t));
    } else if (kind == "registered") {
      Registration r;
      if (!arity(3) || (r.node = parse_node_hex(f[1])) == 0 || !to_u64(f[2], &r.at_ms)) return "bad registered item";
      s.registered.push_back(r);
    } else {
      return "unknown item '" + kind + "'";
    }
    return {};
  });
  if (!st.ok()) return common::Error{st.code(), st.message()};
  if (s.self == 0) return common::Error{common::ResultCode::Parameter, "no self line"};
  return s;
}

std::map<uint32_t, uint64_t> takeover_since(const DcNs& key, const PartitionSet& partitions, uint64_t departed,
                                            const std::optional<NodeProgress>& progress,
                                            const std::vector<DepartedNode>& retained) {
  std::map<uint32_t, uint64_t> since;
  for (uint32_t pid = 0; pid < partitions.size(); ++pid) {
    if (!partitions[pid]) continue;
    uint64_t lut = progress ? progress->lut(key, pid) : 0;
    for (const DepartedNode& x : retained) {
      if (x.node == departed || !contains(x.survivors, departed)) continue;
      uint64_t since_detected = x.detected_ms > kRegistrationSlackMs ? x.detected_ms - kRegistrationSlackMs : 0;
      if (progress && progress->registered_since(x.node, since_detected)) continue;
      lut = std::min(lut, x.progress ? x.progress->lut(key, pid) : 0);
    }
    since[pid] = lut > kTakeoverMarginMs ? lut - kTakeoverMarginMs : 0;
  }
  return since;
}

PartitionLuts compose_progress(const OwnInputs& in, const std::vector<const TakeoverTask*>& tasks,
                               const PartitionLuts* previous) {
  PartitionLuts out(common::kPartitions, 0);
  for (uint32_t pid = 0; pid < common::kPartitions; ++pid) {
    uint64_t lut = 0;
    if (in.frontier) lut = *in.frontier > kFrontierSlackMs ? *in.frontier - kFrontierSlackMs : 0;
    else if (previous && pid < previous->size()) lut = (*previous)[pid];
    if (pid < in.oldest.size()) lut = std::min(lut, in.oldest[pid]);
    if (in.window_since) lut = std::min(lut, *in.window_since);
    out[pid] = lut;
  }
  for (const TakeoverTask* t : tasks) {
    for (const auto& [pid, since] : t->since) out[pid] = std::min(out[pid], since);
  }
  return out;
}

}  // namespace failover
