#pragma once
// Filter expressions (field 43) on transactions: parsing the field (what an expression
// sees of a record is Namespace::expression_view). A record that exists and
// does not pass answers FILTERED_OUT (27); a scan or query skips it.

#include <optional>

#include "base/exp/expression.h"
#include "base/record.h"
#include "common/digest.h"
#include "common/result.h"
#include "proto/message.h"

namespace asd {

// The message's filter (field 43), parsed; nullopt when it has none; Parameter when the
// expression is malformed.
common::Result<std::optional<exp::Expression>> parse_filter(const proto::Message& message);

}  // namespace asd
