#pragma once
// Standard base64 with padding (info protocol: replicas bitmaps, UDF content).

#include <optional>
#include <string>
#include <string_view>

namespace common {

std::string base64_encode(std::string_view bytes);
// Returns nullopt on a character outside the alphabet or a bad length.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace common
