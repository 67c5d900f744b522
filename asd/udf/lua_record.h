#pragma once
// Internal to udf/: the record a UDF is called with, and the `record` and `aerospike`
// objects that read and change it. The UDF works on a copy; what it asked for
// (aerospike:create/update/remove, record.set_ttl, record.drop_key) becomes one
// UdfOutcome that the transaction commits when the call returns.

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/record.h"
#include "transaction/record_udf.h"
#include "udf/lua_value.h"

struct lua_State;

namespace asd::udf {

struct RecordContext {
  RecordContext() = default;
  explicit RecordContext(const UdfTarget& t) { reset(t); }
  // Starts over on another record (an aggregation reuses one record object).
  void reset(const UdfTarget& t);

  UdfTarget target;
  bool exists = false;   // as the UDF sees it now
  bool changed = false;  // create or update made the working copy the record's new state
  bool removed = false;  // remove deleted it (a later create may bring it back)
  Record working;        // bins as create/update left them
  // Bins assigned since the last create/update: rec[bin] = v (a nil element removes).
  std::map<std::string, Elem, std::less<>> pending;
  // Lists and maps read from stored bins, so every read returns the same object.
  std::map<std::string, Elem, std::less<>> loaded;
  std::optional<uint32_t> ttl;
  bool drop_key = false;
};

// Registers the `record` functions, the `aerospike` object and the record metatable.
void open_record_lib(lua_State* L);

// Pushes the record userdata for `ctx`; detach_record() makes it refuse any later use
// (a UDF may keep it in a global past the call).
void push_record(lua_State* L, RecordContext* ctx);
void detach_record(lua_State* L, int index);

// What the call asked for, as the transaction's outcome (change, bins, ttl, drop_key).
void fill_outcome(const RecordContext& ctx, UdfOutcome* out);

}  // namespace asd::udf
