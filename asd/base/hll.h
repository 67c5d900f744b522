#pragma once
// Server-side HyperLogLog operations: op types 15 (HLL_READ) and 16 (HLL_MODIFY) of
// wire-protocol.md §5.6, and the HLL calls (system 2) of expressions.
//
// An HLL bin (particle 18) holds the real server's bytes (particle_hll.c): the index-bit
// and minhash-bit counts, the cached count, then the packed registers, so a bin written
// here reads the same through any client, through XDR and on the real server. The payload
// is the msgpack array the clients send (as_hll_operations.c): the op code, its arguments,
// and for modify ops the policy flags. Results, error codes and the create-only,
// update-only, no-fail and allow-fold flags follow particle_hll.c, estimates included
// (same hash, same floating-point steps), so counts equal the real server's. Parts:
//   hll.cpp            payload parsing, flags, per-op rules and results
//   hll_sketch.h/.cpp  the byte format, element hashing, register union/intersection
//   hll_estimate.h/.cpp count, union, intersection and similarity estimates
//   murmur3.h/.cpp     the element hash
// Stateless and thread-safe.

#include <string_view>

#include "base/cdt.h"
#include "common/result_code.h"

namespace asd::base {

// Applies one HLL op. current == nullptr when the bin does not exist; is_modify selects
// HLL_MODIFY (16) vs HLL_READ (15) semantics. Modify ops set out->bin_changed and
// out->new_bin (particle 18); add and refresh_count also return an integer in
// out->result, init, set_union and fold nothing. Read ops set out->result: integers for
// the counts and may_contain (code 56, which the server has and clients do not send), a
// float for similarity, an HLL for get_union, the list [index bits, minhash bits] for
// describe. A read of a missing bin returns Ok and no result without parsing, as the
// server never reaches its HLL code then. Codes, checked in the server's order (op code,
// bin, arguments, flags, op rules): Parameter (malformed payload, unknown op, a read op
// sent as modify or the reverse, wrong argument count, bad bit counts or flags, bad
// sketch arguments), IncompatibleType (the bin is not an HLL), ServerError (an HLL bin
// whose bytes are malformed), BinExists / BinNotFound (create-only / update-only without
// no-fail; refresh_count and fold on a missing bin), OpNotApplicable (no index bits to
// create with, bit counts a union or fold cannot reach, mismatched minhash bits in an
// intersection of more than two). No-fail turns the flag refusals into Ok with nothing
// done. On error *out is left empty.
common::ResultCode apply_hll_op(const BinValue* current, std::string_view payload,
                                bool is_modify, CdtOutcome* out);

}  // namespace asd::base
