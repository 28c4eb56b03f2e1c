// What sshd reads for tenants: one authorized_keys file per tenant, whose
// per-key options carry the tenant's own host:port list, and one drop-in
// with a single Match Group block for every tenant.
//
// Why one block and not one per tenant: sshd re-reads its configuration and
// evaluates every Match block for each connection, so per-tenant blocks make
// every login slower as tenants grow (tests/bench/sshd_layout_bench.sh:
// 10 ms with one tenant, 37 ms with 1,000, 119 ms with 4,000), and listing
// every tenant's targets in one block's PermitOpen is slower still (141 ms
// at 1,000). The block stays the same size whatever the number of tenants;
// the per-tenant limits are the keys' permitopen= options (sshd refuses a
// forward that the key does not list) and, below sshd, the firewall's
// per-uid rules (daemon/render/firewall.h).
#pragma once

#include <string>

#include "daemon/config/config.h"
#include "daemon/model/enrollment.h"

namespace ij {

// "NAME-ipmi:PORT" for each port of each BMC the tenant owns, in order.
std::vector<std::string> permit_open_targets(const State& state, const std::string& user);

// One line per key:
// restrict,pty,port-forwarding,command="W",permitopen="N-ipmi:22",... KEY
std::string render_authorized_keys(const State& state, const Tenant& tenant, const std::string& wrapper);

std::string authorized_keys_path(const Config& config, const std::string& user);
// The one drop-in; it exists while there is at least one tenant. sshd reads
// the drop-in directory in byte order and a Match block read earlier wins
// over ours (sshd_order.h), so the name sorts before the usual "NN-..."
// drop-ins (50-cloud-init.conf, 00-site.conf); a Match in one that still
// sorts first (00-access.conf) makes enroll refuse and the doctor report it.
inline constexpr const char* kDropinName = "00-ipmi-jumphost.conf";
std::string dropin_path(const Config& config);
// Earlier layouts, which the reconcile removes: the per-tenant drop-ins of
// the first ("ipmi-jumphost-USER.conf") and the one drop-in's old name
// (sorted after "50-cloud-init.conf" and most site files).
inline constexpr const char* kLegacyDropinPrefix = "ipmi-jumphost-";
inline constexpr const char* kPreviousDropinName = "ipmi-jumphost.conf";

// The Match Group block for config.tenant_group: keys from keys_dir/%u,
// public key only, the wrapper forced, local forwarding only, nothing else.
std::string render_sshd_dropin(const Config& config);

// The tenant's ~/.ssh/config block and shell aliases for one BMC.
std::string render_client_config(const Config& config, const Enrollment& e);

}  // namespace ij
