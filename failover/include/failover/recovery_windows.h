#pragma once
// Pure helpers of the recovery scanner: where lost windows come from (asd's `xdr-gaps`
// answer, a set-config rewind) and how windows of one namespace merge. No I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logger/digest_log.h"

namespace failover {

// `ns=<ns>:since=<lut>;...` (empty: no gaps) -> windows in answer order. Malformed
// items are skipped: a gap we cannot read is retried at the next poll.
std::vector<logger::LostWindow> parse_gaps(std::string_view answer);

// `xdr-gap-ack:namespace=<ns>;since=<lut>`: the command that clears a gap in asd.
std::string gap_ack_command(const logger::LostWindow& gap);

// `rewind=SECONDS|all` -> the since-LUT (ms since the CL epoch) of the window:
// now - SECONDS, or 0 for all. nullopt for anything else.
std::optional<uint64_t> rewind_since(std::string_view rewind, uint64_t now_cl_ms);

// One window per namespace, each with the smallest since (a scan from the earlier LUT
// covers the later one), in first-seen namespace order.
std::vector<logger::LostWindow> merge_windows(const std::vector<logger::LostWindow>& windows);

}  // namespace failover
