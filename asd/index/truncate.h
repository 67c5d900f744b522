#pragma once
// Truncate: every record of a set (or of the whole namespace when set is empty) whose
// last-update time is at or before `before_lut` disappears at once (a threshold makes
// them invisible) and is then freed partition by partition.

#include <cstdint>
#include <string>

#include "common/result.h"

namespace asd {

class Namespace;

common::Status truncate_records(Namespace& ns, const std::string& set, uint64_t before_lut);

}  // namespace asd
