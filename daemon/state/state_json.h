// The state file (/var/lib/ipmi-jumphost/state.json). It holds BMC
// passwords, so it is written 0600; what clients see are the views of
// common/bus/views.h, which never contain them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/base/result.h"
#include "daemon/config/config.h"
#include "daemon/model/enrollment.h"

namespace ij {

constexpr int kStateVersion = 1;

// The file's text: nlohmann's dump(2) of the state, written without its DOM.
std::string serialize_state(const State& state);
// The same through nlohmann's DOM, for the tests that compare the two.
std::string serialize_state_reference(const State& state);
// Parses and re-validates everything (the file is input like any other:
// an edited or corrupted file must not become a drop-in or a hosts line).
Result<State> parse_state(std::string_view source, std::string_view text);

// What the state must agree with in the configuration, checked at start: each
// link is TRUNK.VID (an edited "eth0" would put the host's own interface
// under the BMC links' rules, and a revoke would delete it), the BMC subnets
// are disjoint and none is a special-purpose range.
Status check_state_for(std::string_view source, const Config& config, const State& state);

}  // namespace ij
