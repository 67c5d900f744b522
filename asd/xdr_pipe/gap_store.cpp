#include "xdr_pipe/gap_store.h"

#include <charconv>

#include "common/atomic_file.h"

namespace asd {

namespace {

constexpr std::string_view kFirstLine = "asd-xdr-pipe-gaps 1";

bool to_u64(std::string_view text, uint64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

std::string encode_gap_state(const GapState& state) {
  std::string body = std::string(kFirstLine) + "\n";
  for (const auto& [ns, since] : state.gaps) body += "gap " + ns + " " + std::to_string(since) + "\n";
  for (const auto& [ns, since] : state.pending) body += "pending " + ns + " " + std::to_string(since) + "\n";
  return common::with_crc_line(std::move(body));
}

common::Result<GapState> decode_gap_state(const std::string& text) {
  GapState state;
  common::Status st = common::parse_state_text(text, kFirstLine, [&](const std::vector<std::string>& f) {
    uint64_t since = 0;
    if (f.size() != 3 || !to_u64(f[2], &since)) return std::string("malformed");
    if (f[0] == "gap") state.gaps[f[1]] = since;
    else if (f[0] == "pending") state.pending[f[1]] = since;
    else return "unknown item '" + f[0] + "'";
    return std::string();
  });
  if (!st.ok()) return common::Error{st.code(), st.message()};
  return state;
}

common::Result<GapState> GapStore::load() const {
  auto text = common::read_whole_file(path_);
  if (!text) return text.error();
  if (!*text) return GapState{};
  auto state = decode_gap_state(**text);
  if (!state) return common::Error{state.error().code, path_ + ": " + state.error().message};
  return state;
}

common::Status GapStore::save(const GapState& state) const { return common::replace_file(path_, encode_gap_state(state)); }

}  // namespace asd
