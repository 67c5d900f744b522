#include "transaction/ttl.h"

namespace asd {

using common::ResultCode;

common::Result<uint32_t> resolve_void_time(uint32_t ttl_field, const conf::Namespace& config,
                                           const Record* existing, uint32_t set_default_ttl,
                                           uint32_t now_sec) {
  uint64_t ttl;
  if (ttl_field == kTtlNeverExpire) {
    return uint32_t(0);
  } else if (ttl_field == kTtlDontUpdate && existing) {
    return existing->void_time;
  } else if (ttl_field == 0 || ttl_field == kTtlDontUpdate) {
    ttl = set_default_ttl != 0 ? set_default_ttl : config.default_ttl;
    if (ttl == 0) return uint32_t(0);
  } else {
    ttl = ttl_field;
    uint64_t max_ttl = config.max_ttl == 0 ? 315360000 : config.max_ttl;
    if (ttl > max_ttl) return {ResultCode::Parameter, "ttl exceeds max-ttl"};
  }
  if (config.nsup_period == 0 && !config.allow_ttl_without_nsup) {
    return {ResultCode::Forbidden, "non-zero ttl needs nsup-period or allow-ttl-without-nsup"};
  }
  return uint32_t(now_sec + ttl);
}

}  // namespace asd
