#pragma once
// Info answers as aql shows them: `k=v:k=v;k=v:k=v` (sets, sindex-list) or
// `k=v,k=v;...` (udf-list) as one row per item and one column per key, in the order the
// keys first appear. Values that are whole integers show as numbers, the rest as
// strings. Also the error forms info commands answer with.

#include <optional>
#include <string_view>

#include "error_text.h"
#include "result_set.h"

namespace aql {

ResultSet info_items(std::string_view value, char pair_separator);

// One column named `column`, one row per `;`-separated item (namespaces).
ResultSet info_list(std::string_view value, const std::string& column);

// A real server's `bins` answer (`ns:bin_names=N,bin_names_quota=Q,name,...;ns:...`) as
// columns namespace and bin, one row per bin name.
ResultSet info_bin_names(std::string_view value);

// `ERROR:<code>:<message>` (sindex and most commands), `error=<reason>;...` (udf-put,
// udf-get; a compile error adds file, line and a base64 message), or nullopt for an
// answer that is not an error.
std::optional<Failure> info_failure(std::string_view value);

}  // namespace aql
