#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ij {

// Strict RFC 4648 base64 with padding; nullopt on any other character,
// bad length or non-zero trailing bits.
std::optional<std::string> base64_decode(std::string_view text);
std::string base64_encode(std::string_view bytes, bool pad = true);

}  // namespace ij
