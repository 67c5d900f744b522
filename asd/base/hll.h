#pragma once
// Server-side HyperLogLog operations: op types 15 (HLL_READ) and 16 (HLL_MODIFY) of
// wire-protocol.md §5.6, and the HLL calls (system 2) of expressions.
//
// An HLL bin (particle 18) holds the real server's bytes (particle_hll.c): the index-bit
// and minhash-bit counts, the cached count, then the packed registers, so a bin written
// here reads the same through any client, through XDR and on the real server. The payload
// is the msgpack array the clients send (as_hll_operations.c): the op code, its arguments,
// and for modify ops the policy flags. Results, error codes and the create-only,
// update-only, no-fail and allow-fold flags follow particle_hll.c. Stateless and
// thread-safe.

#include <string_view>

#include "base/cdt.h"
#include "common/result_code.h"

namespace asd::base {

// Applies one HLL op. current == nullptr when the bin does not exist; is_modify selects
// HLL_MODIFY (16) vs HLL_READ (15) semantics. Modify ops set out->bin_changed and
// out->new_bin (particle 18) and, where the server returns one, out->result; read ops set
// out->result. Returns Ok, or the server's code (Parameter for malformed payloads and bad
// bit counts, IncompatibleType for a bin that is not an HLL, BinNotFound, BinExists,
// OpNotApplicable as particle_hll.c answers). On error *out is left empty.
common::ResultCode apply_hll_op(const BinValue* current, std::string_view payload,
                                bool is_modify, CdtOutcome* out);

}  // namespace asd::base
