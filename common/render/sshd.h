// What sshd reads for a tenant: the authorized_keys file with the per-key
// restrictions, and the Match drop-in with the same limits server-side.
#pragma once

#include <string>

#include "common/config/config.h"
#include "common/model/enrollment.h"

namespace ij {

// "NAME-ipmi:PORT" for each port of each BMC the tenant owns, in order.
std::vector<std::string> permit_open_targets(const State& state, const std::string& user);

// One line per key:
// restrict,pty,port-forwarding,command="W",permitopen="N-ipmi:22",... KEY
std::string render_authorized_keys(const State& state, const Tenant& tenant, const std::string& wrapper);

std::string authorized_keys_path(const Config& config, const std::string& user);
std::string dropin_path(const Config& config, const std::string& user);
// File name prefix of our drop-ins, to find stale ones.
inline constexpr const char* kDropinPrefix = "ipmi-jumphost-";

std::string render_sshd_dropin(const Config& config, const State& state, const std::string& user);

// The tenant's ~/.ssh/config block and shell aliases for one BMC.
std::string render_client_config(const Config& config, const Enrollment& e);

}  // namespace ij
