#pragma once
// Server-side application of CDT (list/map) operations: op types 3 (CDT_READ) and
// 4 (CDT_MODIFY) of wire-protocol.md §5.6.
//
// Parts:
//   cdt_common.cpp  — entry point: payload parsing, context ([0xff, ctx, op]) navigation
//                     and creation, bin decode/encode, result conversion.
//   cdt_select.cpp  — shared selection helpers (index/rank/value ranges) and the
//                     return-type engine (index, rank, count, value, key-value, ...).
//   cdt_list.cpp    — list op codes 0-13, 16-27, 32-40.
//   cdt_map.cpp     — map op codes 64-70, 73-79, 81-89, 96-110.
//   cdt_path.cpp    — path operations (op 0xfe, SELECT): select and modify by path, with
//                     all-children, filter and key-list contexts; filters and modify
//                     expressions run through asd/base/exp on loop variables.
//
// Design: the bin's msgpack is decoded into a proto::msgpack::Value tree, the op works on
// the tree, and a changed tree is encoded back. That trades the real server's in-place
// packed editing for code that is short and obviously bounds-safe; bins are small.
// Semantics (result values, error codes, write flags, ordering) follow the real server's
// cdt.c / particle_list.c / particle_map.c. Thread-safe; the only state is a per-thread
// budget that bounds path operations nested through their filters.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result_code.h"
#include "proto/msgpack.h"

namespace asd::base {

// A bin's particle type plus its stored bytes: lists/maps are msgpack, integers 8 bytes
// big-endian, doubles 8 bytes big-endian IEEE, strings/blobs raw, bools one byte,
// GeoJSON the wire form (flags byte, 2-byte cell count, cells, JSON text).
struct BinValue {
  uint8_t particle = 0;
  std::string bytes;
};

struct CdtOutcome {
  bool bin_changed = false;          // modify ops: whether the bin must be rewritten
  std::optional<BinValue> new_bin;   // the new bin when bin_changed (nullopt = delete the bin)
  std::optional<BinValue> result;    // value to return for this op (nullopt = nothing)
};

// Applies one CDT op. current == nullptr when the bin does not exist; payload is the op's
// value (msgpack); is_modify selects CDT_MODIFY (4) vs CDT_READ (3) semantics.
// Returns Ok, or: Parameter (malformed payload, bad arguments, unknown op, read op sent as
// modify or the reverse), IncompatibleType (bin/element is not the op's list or map),
// ElementNotFound, ElementExists, OpNotApplicable; path operations also ServerError (a
// modify expression evaluated to unknown) and RecordTooBig (replacements past any record's
// size). On error *out is left empty.
common::ResultCode apply_cdt_op(const BinValue* current, std::string_view payload,
                                bool is_modify, CdtOutcome* out);

// Secondary indexes on an element inside a list or map bin (CDT context indexes): the
// context is the msgpack array [ctx_type, ctx_value, ...] the clients send. Only
// selecting contexts: one that would create an element is refused.
bool valid_index_context(std::string_view context);
// The element `context` addresses in the list or map `bin_msgpack`; false when it
// addresses nothing (or either does not parse).
bool context_element(std::string_view bin_msgpack, std::string_view context, proto::msgpack::Value* out);

}  // namespace asd::base
