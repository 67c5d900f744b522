#pragma once
// What a record UDF ("apply", wire-protocol §10.2) needs from the layer that runs Lua.
// The transaction finds the record under its partition lock and hands it to a
// RecordUdfRunner; the runner says what the call changed and what it returned, and the
// transaction commits that change through the same path as any write. The runner is
// built above this layer (udf/) and reaches transactions through CommitWait.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/record.h"
#include "common/digest.h"
#include "common/result_code.h"

namespace asd {

// The record a call runs on.
struct UdfTarget {
  const common::Digest* digest = nullptr;
  std::string_view set;
  std::string_view key;            // user key: particle type byte + bytes; empty when unknown
  const Record* record = nullptr;  // with its bins; null when the record does not exist
};

struct UdfOutcome {
  enum class Change : uint8_t { None, Write, Delete };
  Change change = Change::None;
  std::vector<Bin> bins;          // Write: every bin of the record afterwards
  std::optional<uint32_t> ttl;    // record.set_ttl, in a request's record_ttl terms (§7.4)
  bool drop_key = false;          // record.drop_key: the stored user key goes
  // Ok, UdfExecution (with `failure`, the text for the FAILURE bin), or a code the
  // client gets with no bin.
  common::ResultCode code = common::ResultCode::Ok;
  std::string failure;
  uint8_t particle = 0;           // the returned value, for the SUCCESS bin (0: nil)
  std::string value;
};

class RecordUdfRunner {
 public:
  virtual ~RecordUdfRunner() = default;
  // Runs `module.function(record, args...)`; `args` is the msgpack list of field 32.
  // Called with the record's partition locked, so it must not block on other records.
  virtual UdfOutcome run(std::string_view module, std::string_view function, std::string_view args,
                         const UdfTarget& target) = 0;
};

}  // namespace asd
