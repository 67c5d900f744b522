#include "failover/recovery_windows.h"

#include <algorithm>
#include <charconv>

namespace failover {

namespace {

std::optional<uint64_t> to_u64(std::string_view text) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

// "ns=<ns>:since=<lut>" -> window.
std::optional<logger::LostWindow> parse_gap(std::string_view item) {
  constexpr std::string_view kNs = "ns=";
  constexpr std::string_view kSince = ":since=";
  if (item.substr(0, kNs.size()) != kNs) return std::nullopt;
  size_t at = item.rfind(kSince);
  if (at == std::string_view::npos || at <= kNs.size()) return std::nullopt;
  auto since = to_u64(item.substr(at + kSince.size()));
  if (!since) return std::nullopt;
  return logger::LostWindow{std::string(item.substr(kNs.size(), at - kNs.size())), *since};
}

}  // namespace

std::vector<logger::LostWindow> parse_gaps(std::string_view answer) {
  std::vector<logger::LostWindow> gaps;
  while (!answer.empty()) {
    size_t end = answer.find(';');
    std::string_view item = answer.substr(0, end);
    if (auto gap = parse_gap(item)) gaps.push_back(std::move(*gap));
    if (end == std::string_view::npos) break;
    answer.remove_prefix(end + 1);
  }
  return gaps;
}

std::string gap_ack_command(const logger::LostWindow& gap) {
  return "xdr-gap-ack:namespace=" + gap.ns + ";since=" + std::to_string(gap.since_lut);
}

std::optional<uint64_t> rewind_since(std::string_view rewind, uint64_t now_cl_ms) {
  if (rewind == "all") return 0;
  auto seconds = to_u64(rewind);
  if (!seconds) return std::nullopt;
  uint64_t back = *seconds * 1000;
  return back >= now_cl_ms ? 0 : now_cl_ms - back;
}

std::vector<logger::LostWindow> merge_windows(const std::vector<logger::LostWindow>& windows) {
  std::vector<logger::LostWindow> merged;
  for (const logger::LostWindow& w : windows) {
    auto it = std::find_if(merged.begin(), merged.end(), [&](const auto& m) { return m.ns == w.ns; });
    if (it == merged.end()) merged.push_back(w);
    else {
      it->since_lut = std::min(it->since_lut, w.since_lut);
      it->revision = std::max(it->revision, w.revision);
    }
  }
  return merged;
}

}  // namespace failover
