#pragma once
// Server-side bit operations on blob bins: op types 12 (BIT_READ) and 13 (BIT_MODIFY) of
// wire-protocol.md §5.6, and the bit calls (system 1) of expressions.
//
// The payload is the msgpack array the clients send (as_bit_operations.c): the op code,
// then its arguments, then for modify ops the policy flags. Semantics (bit numbering from
// the most significant bit of byte 0, resize/insert/remove flags, the overflow actions of
// add/subtract, result values, error codes, the no-fail and partial flags) follow the
// real server's particle_blob.c. Stateless and thread-safe.

#include <string_view>

#include "base/cdt.h"
#include "common/result_code.h"

namespace asd::base {

// Applies one bit op. current == nullptr when the bin does not exist; is_modify selects
// BIT_MODIFY (13) vs BIT_READ (12) semantics. Modify ops set out->bin_changed and
// out->new_bin (a blob, particle 4); read ops set out->result (integer or blob).
// Returns Ok, or the server's code: Parameter (malformed payload, bad offsets or sizes,
// unknown op, a read op sent as modify or the reverse), IncompatibleType (the bin is not
// a blob), BinNotFound (a modify op on a missing bin that cannot create it), OpNotApplicable
// (overflow with the fail action, an update-only/create-only flag that does not hold).
// On error *out is left empty.
common::ResultCode apply_bit_op(const BinValue* current, std::string_view payload,
                                bool is_modify, CdtOutcome* out);

}  // namespace asd::base
