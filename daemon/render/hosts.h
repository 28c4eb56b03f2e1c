// The daemon's block in /etc/hosts. Lines outside the markers belong to the
// operator and are kept byte for byte.
#pragma once

#include <string>
#include <string_view>

#include "common/base/result.h"
#include "daemon/model/enrollment.h"

namespace ij {

inline constexpr std::string_view kHostsBegin = "# BEGIN ipmi-jumphost (managed by ipmi-jumphostd, do not edit)";
inline constexpr std::string_view kHostsEnd = "# END ipmi-jumphost";

// The block for all enrollments, markers included; empty when there are none.
std::string render_hosts_block(const State& state);

// Replaces the block in `hosts` (or appends it). Refuses a file whose markers
// are broken rather than guess which lines are the operator's.
Result<std::string> merge_hosts_block(std::string_view source, std::string_view hosts, const std::string& block);

}  // namespace ij
