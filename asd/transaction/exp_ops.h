#pragma once
// The expression operations of operate: EXP_READ (7) returns an expression's value as the
// op's result bin; EXP_MODIFY (8) stores it in the op's bin. Flags and result codes as the
// real server's (wire-protocol.md §5.8): create-only on an existing bin is 6, update-only
// on a missing one 17, each a no-op with policy-no-fail; an expression that evaluates to
// unknown is 26, a no-op with eval-no-fail; nil deletes an existing bin only with
// allow-delete (else 26, or a no-op with policy-no-fail).

#include <optional>

#include "base/record.h"
#include "common/digest.h"
#include "common/result_code.h"
#include "proto/message.h"
#include "transaction/bin_ops.h"

namespace asd {

class Namespace;

common::ResultCode exp_read(Namespace& ns, const Record& record, const common::Digest& digest, const proto::Op& op,
                            std::optional<OpResult>* result);

common::ResultCode exp_modify(Namespace& ns, Record& work, const common::Digest& digest, const proto::Op& op);

}  // namespace asd
