// The daemon's block in /etc/hosts. Lines outside the markers belong to the
// operator and are kept byte for byte.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

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

// Lines outside the block that name one of `names` (the BMCs' NAME-ipmi),
// as "SOURCE:LINE: 'TEXT'": the resolver returns the first match, so such a
// line before the block would send a tenant's tunnels elsewhere.
std::vector<std::string> foreign_bmc_lines(std::string_view source, std::string_view hosts,
                                           const std::set<std::string>& names);
std::set<std::string> bmc_host_names(const State& state);

}  // namespace ij
