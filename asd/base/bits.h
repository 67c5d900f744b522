#pragma once
// Server-side bit operations on blob bins: op types 12 (BIT_READ) and 13 (BIT_MODIFY) of
// wire-protocol.md §5.6, and the bit calls (system 1) of expressions.
//
// The payload is the msgpack array the clients send (as_bit_operations.c): the op code,
// then its arguments, then for modify ops the policy flags. Semantics (bit numbering from
// the most significant bit of byte 0, resize/insert/remove flags, the overflow actions of
// add/subtract, result values, error codes, the no-fail and partial flags) follow the
// real server's particle_blob.c. Stateless and thread-safe.
//
// Parts: bits.cpp parses the payload against the server's op table, checks the bin and
// the flags and places the op in the blob; bits_ops.cpp holds the bit kernels.
// The server's visible quirks are kept (rscan does not mask the bits ahead of the region
// in its first byte; signed overflow only sees strict sign flips). Where it reads or
// writes out of bounds instead (an empty buffer argument, an INT64_MIN offset, a partial
// shift whose region starts past the first byte and whose shift exceeds the cut region),
// the argument is refused or the op does what it means on the cut region.

#include <string_view>

#include "base/cdt.h"
#include "common/result_code.h"

namespace asd::base {

// Applies one bit op. current == nullptr when the bin does not exist; is_modify selects
// BIT_MODIFY (13) vs BIT_READ (12) semantics. Modify ops set out->bin_changed and
// out->new_bin (a blob, particle 4) and no result; read ops set out->result (a blob for
// get, an integer otherwise). A read of a missing bin returns Ok and nothing, without
// looking at the payload, as the server's read path does. The caller checks the wire op's
// particle type (the server wants 4 and answers IncompatibleType otherwise).
// Returns Ok, or the server's code:
//   Parameter: malformed payload, bad offsets or sizes, unknown op, a read op sent as
//     modify or the reverse, a flag the op does not take, a negative offset reaching
//     before the blob, resize against grow-only/shrink-only, remove past the end without
//     partial, a resulting blob of 128 MiB or more;
//   IncompatibleType: the bin is not a blob (particle 4);
//   BinExists: create-only on an existing bin;
//   BinNotFound: a modify op on a missing bin that cannot create it (only resize and
//     insert create), or update-only;
//   OpNotApplicable: a bit or integer op, or a read, outside the blob (bit ops may be cut
//     to the blob with partial), or an add/subtract overflow with the fail action.
// No-fail turns BinExists, BinNotFound, OpNotApplicable and the resize and remove refusals
// into Ok with the bin unchanged. On error *out is left empty.
common::ResultCode apply_bit_op(const BinValue* current, std::string_view payload,
                                bool is_modify, CdtOutcome* out);

}  // namespace asd::base
