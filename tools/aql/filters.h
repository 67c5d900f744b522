#pragma once
// From statement parts to client requests: keys and index filters.

#include <optional>

#include "client/key.h"
#include "client/policy.h"
#include "statement.h"

namespace aql {

// nullopt when the PK is neither an integer nor a string.
std::optional<client::Key> make_key(const Target& target, const client::Value& pk);

client::IndexRange index_filter(const Predicate& predicate, client::IndexCollection collection);

}  // namespace aql
