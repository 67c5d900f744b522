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

// The records an aggregation streams through its UDF, one at a time.
class UdfRecordSource {
 public:
  virtual ~UdfRecordSource() = default;
  // The next record; null at the end. Valid until the next call.
  virtual const UdfTarget* next() = 0;
};

// Where an aggregation's output values go, each as one SUCCESS message.
class UdfValueSink {
 public:
  virtual ~UdfValueSink() = default;
  // False when the output cannot go on (the client is gone): the stream stops.
  virtual bool emit(uint8_t particle, std::string_view value) = 0;
};

class RecordUdfRunner {
 public:
  virtual ~RecordUdfRunner() = default;
  // Runs the stream function `module.function(stream, args...)` (wire-protocol §10.4):
  // the stages up to and including the first reduce run here over `source`, and every
  // value they produce goes to `sink`. Ok, or UdfExecution with the failure text.
  virtual UdfOutcome run_stream(std::string_view module, std::string_view function, std::string_view args,
                                UdfRecordSource& source, UdfValueSink& sink) = 0;
  // Runs `module.function(record, args...)`; `args` is the msgpack list of field 32.
  // Called with the record's partition locked, so it must not block on other records.
  virtual UdfOutcome run(std::string_view module, std::string_view function, std::string_view args,
                         const UdfTarget& target) = 0;
};

}  // namespace asd
