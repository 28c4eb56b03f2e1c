#include "daemon/core/admin.h"

#include <algorithm>
#include <set>

#include "common/base/log.h"
#include "common/base/strings.h"
#include "common/model/names.h"
#include "daemon/model/fields.h"

namespace ij {

Result<std::vector<SshKey>> Admin::new_keys(const std::string& user, const std::vector<KeySource>& sources) const {
  std::vector<SshKey> keys;
  std::set<std::string> seen;
  auto it = jh_.state.tenants.find(user);
  if (it != jh_.state.tenants.end())
    for (const SshKey& k : it->second.keys) seen.insert(k.fingerprint);
  for (const KeySource& source : sources) {
    IJ_TRY(validate_text("key source name", source.label, 256, true));
    auto parsed = parse_ssh_key_file(source.label, source.text);
    if (!parsed) return parsed.error();
    for (SshKey& k : *parsed) {
      if (!seen.insert(k.fingerprint).second)
        return make_error(Errc::exists, source.label + ": key " + k.fingerprint + " is already a key of " + user);
      keys.push_back(std::move(k));
    }
  }
  size_t existing = it == jh_.state.tenants.end() ? 0 : it->second.keys.size();
  if (existing + keys.size() > kMaxKeysPerTenant)
    return make_error(Errc::invalid_argument, "tenant " + user + " would have more than " + std::to_string(kMaxKeysPerTenant) + " keys");
  return keys;
}

Status Admin::check_address_free(const Ipv4Cidr& bmc) const {
  for (const auto& [name, e] : jh_.state.enrollments)
    if (e.bmc_address.overlaps(bmc))
      return make_error(Errc::exists, "address " + bmc.str() + " overlaps the subnet " +
                                          Ipv4Cidr{e.bmc_address.network(), e.bmc_address.prefix}.str() +
                                          " of BMC " + name);
  return ok_status();
}

std::string host_network_overlap(const Ipv4Cidr& subnet, const std::map<std::string, LinkInfo>& links,
                                 const State& state) {
  std::set<std::string> ours;
  for (const auto& [name, e] : state.enrollments) ours.insert(e.link);
  for (const auto& [name, link] : links) {
    if (ours.count(name)) continue;
    for (const Ipv4Cidr& a : link.addresses)
      if (Ipv4Cidr net{a.network(), a.prefix}; net.overlaps(subnet))
        return net.str() + " of interface " + name + " (address " + a.str() + ")";
    for (const Ipv4Cidr& r : link.routes)
      if (r.prefix > 0 && r.overlaps(subnet))  // a default route is no claim on a network
        return "the route to " + r.str() + " through interface " + name;
  }
  return "";
}

Status Admin::check_host_networks(const Ipv4Cidr& bmc, const std::map<std::string, LinkInfo>& links) const {
  const Ipv4Cidr subnet{bmc.network(), bmc.prefix};
  if (std::string special = special_range_of(subnet); !special.empty())
    return make_error(Errc::invalid_argument, "BMC subnet " + subnet.str() + " overlaps " + special +
                                                  ": choose another --bmc-ip");
  if (std::string host = host_network_overlap(subnet, links, jh_.state); !host.empty())
    return make_error(Errc::exists, "BMC subnet " + subnet.str() + " overlaps " + host + ": choose another --bmc-ip");
  return ok_status();
}

Result<Ipv4Cidr> Admin::allocate_subnet(const std::map<std::string, LinkInfo>& links) const {
  const Ipv4Cidr& pool = jh_.config.address_pool;
  if (jh_.config.pool_prefix < pool.prefix)
    return make_error(Errc::failed, "config: pool_prefix is shorter than address_pool's prefix");
  // Every range already claimed (the BMCs' subnets, the networks and routes
  // of the host's other links), merged into disjoint sorted ranges once, so
  // each candidate costs a binary search, not a pass over every BMC.
  std::set<std::string> ours;
  std::vector<std::pair<uint64_t, uint64_t>> claimed;
  auto claim = [&](const Ipv4Cidr& c) {
    const Ipv4Cidr net{c.network(), c.prefix};
    claimed.emplace_back(net.network().value, net.broadcast().value);
  };
  for (const auto& [name, e] : jh_.state.enrollments) {
    claim(e.bmc_address);
    ours.insert(e.link);
  }
  for (const auto& [name, link] : links) {
    if (ours.count(name)) continue;
    for (const Ipv4Cidr& a : link.addresses) claim(a);
    for (const Ipv4Cidr& r : link.routes)
      if (r.prefix > 0) claim(r);  // a default route is no claim on a network
  }
  std::sort(claimed.begin(), claimed.end());
  std::vector<std::pair<uint64_t, uint64_t>> merged;
  for (const auto& r : claimed) {
    if (!merged.empty() && r.first <= merged.back().second + 1) merged.back().second = std::max(merged.back().second, r.second);
    else merged.push_back(r);
  }
  auto taken = [&](uint64_t first, uint64_t last) {
    // The first merged range that ends at or after `first`.
    auto it = std::lower_bound(merged.begin(), merged.end(), first,
                               [](const std::pair<uint64_t, uint64_t>& r, uint64_t v) { return r.second < v; });
    return it != merged.end() && it->first <= last;
  };
  uint64_t count = uint64_t{1} << (jh_.config.pool_prefix - pool.prefix);
  uint32_t step = uint32_t{1} << (32 - jh_.config.pool_prefix);
  for (uint64_t i = 0; i < count; ++i) {
    Ipv4Cidr candidate{Ipv4{pool.network().value + static_cast<uint32_t>(i) * step + 2}, jh_.config.pool_prefix};
    const uint64_t first = candidate.network().value, last = candidate.broadcast().value;
    if (taken(first, last)) continue;
    // The full checks, once, for the one chosen (they say why, were it refused).
    if (check_address_free(candidate) && check_host_networks(candidate, links)) return candidate;
  }
  return make_error(Errc::failed, "the address pool " + pool.str() + " is exhausted: give --bmc-ip or widen address_pool");
}

Status Admin::check_released_port(const std::string& port, const std::string& trunk) const {
  auto r = jh_.state.released_ports.find(port);
  if (r == jh_.state.released_ports.end()) return ok_status();
  const std::string its = r->second.trunk.empty() ? jh_.config.trunk : r->second.trunk;
  if (its == trunk) return ok_status();  // the port is taken again: switch-config puts it in its new VLAN
  // Released ports are known by their label: one label on two switches
  // would make a BMC on one switch forget the other switch's released port.
  return make_error(Errc::exists, "switch port " + port + " is the released port of BMC " + r->second.bmc +
                                      " on trunk " + its + "'s switch: give each switch's ports labels of their own "
                                      "(e.g. sw2-" + port + ")");
}

Result<Enrollment> Admin::build_enrollment(const EnrollRequest& r, const std::string& who) const {
  Enrollment e;
  e.name = r.name;
  e.vlan = static_cast<unsigned>(r.vlan);
  e.owner = r.owner.empty() ? r.name : r.owner;
  e.ports = r.ports.value_or(jh_.config.default_ports);
  e.bmc_user = r.bmc_user;
  e.bmc_password = Secret(std::string(r.bmc_password));
  e.switch_port = r.switch_port;
  e.ipmi = r.ipmi;
  e.console_log = r.console_log;
  IJ_TRY(validate_operator_fields(e));
  if (e.console_log == ConsoleLogMode::always && e.bmc_password.empty())
    return make_error(Errc::invalid_argument, "--console-log always needs a stored BMC password (--bmc-password-file): "
                                              "without one the console opens only when its tenant types it");

  if (r.check && e.bmc_password.empty())
    return make_error(Errc::invalid_argument, "--check needs the BMC's password (--bmc-password-file): "
                                              "without one there is nothing to check");
  if (jh_.state.find(e.name)) return make_error(Errc::exists, "BMC " + e.name + " is already enrolled");
  const std::string trunk = r.trunk.empty() ? jh_.config.trunk : r.trunk;
  if (!jh_.config.has_trunk(trunk))
    return make_error(Errc::invalid_argument, "--trunk '" + quote_for_message(trunk) + "'" +
                                                  " is not a trunk of this jumphost (trunks: " +
                                                  join(jh_.config.trunks, " ") + ")");
  // A VLAN ID is unique per trunk when each trunk has a switch of its own
  // (vlan_scope = trunk), else on the whole jumphost: trunks to one switch
  // share its VLANs. 802.1Q has 4,094 of them.
  const bool per_trunk = jh_.config.vlan_per_trunk;
  size_t in_scope = 0;
  const std::string* holder = nullptr;  // the BMC on this VLAN ID in scope
  for (const auto& [name, other] : jh_.state.enrollments) {
    const bool same_space = !per_trunk || other.trunk() == trunk;
    in_scope += same_space;
    if (same_space && other.vlan == e.vlan) holder = &name;
    if (!e.switch_port.empty() && other.switch_port == e.switch_port)
      return make_error(Errc::exists, "switch port " + e.switch_port + " is already the port of BMC " + name);
  }
  if (!e.switch_port.empty()) IJ_TRY(check_released_port(e.switch_port, trunk));
  if (in_scope >= kMaxVlan) {
    if (!per_trunk)
      return make_error(Errc::exists,
                        "this jumphost has a BMC on each of the " + std::to_string(kMaxVlan) +
                            " VLAN IDs 802.1Q has, and its trunks share one switch's VLANs (vlan_scope = jumphost): "
                            "connect a second switch to another port of the jumphost, add that port to 'trunks' in "
                            "jumphost.conf, set vlan_scope = trunk, and enroll with --trunk IFNAME");
    std::vector<std::string> others;
    for (const std::string& t : jh_.config.trunks)
      if (t != trunk) others.push_back(t);
    return make_error(Errc::exists, "the trunk " + trunk + " carries " + std::to_string(kMaxVlan) +
                                        " BMC VLANs, every VLAN ID 802.1Q has: " +
                                        (others.empty() ? std::string()
                                                        : "enroll on another trunk (--trunk " + join(others, "|") + "), or ") +
                                        "connect a second switch to another port of the jumphost, add that port to "
                                        "'trunks' in jumphost.conf and enroll with --trunk IFNAME");
  }
  if (holder)
    return make_error(Errc::exists, "VLAN " + std::to_string(e.vlan) + " is already used by BMC " + *holder +
                                        (per_trunk && jh_.config.trunks.size() > 1 ? " on trunk " + trunk
                                                                                     : std::string()));

  // One netlink dump for every check against the host's links and routes.
  auto links = jh_.host.links.inspect_all();
  if (!links) return links.error();
  if (r.bmc_address.empty()) {
    auto a = allocate_subnet(*links);
    if (!a) return a.error();
    e.bmc_address = *a;
  } else {
    auto a = parse_ipv4_cidr(r.bmc_address);
    if (!a) return a.error();
    e.bmc_address = *a;
  }
  auto jh = jumphost_address_for(e.bmc_address);
  if (!jh) return jh.error();
  e.jumphost_address = *jh;
  IJ_TRY(check_address_free(e.bmc_address));
  IJ_TRY(check_host_networks(e.bmc_address, *links));

  auto link = vlan_link_name(trunk, e.vlan);
  if (!link) return link.error();
  e.link = *link;

  if (!jh_.state.tenants.count(e.owner)) {
    auto uid = jh_.host.users.lookup(e.owner);
    if (!uid) return uid.error();
    if (uid->has_value())
      return make_error(Errc::exists, "user " + e.owner + " already exists and was not created by ipmi-jumphost: "
                                      "choose another --owner");
    // A tenant named like a group (jumphost-admin, sudo) would confuse every
    // tool that takes either.
    auto group = jh_.host.users.group_exists(e.owner);
    if (!group) return group.error();
    if (*group)
      return make_error(Errc::exists, "a group named " + e.owner + " exists: choose another --owner");
  }
  auto trunk_link = links->find(trunk);
  if (trunk_link == links->end())
    return make_error(Errc::not_found, "trunk interface " + trunk +
                                           " does not exist: set 'trunk' (or 'trunks') in the configuration");
  // Closing the trunk to untagged traffic would cut the host's own traffic
  // on it: say so rather than lock an operator out.
  if (!jh_.config.trunk_untagged_allowed && trunk_link->second.has_host_address())
    return make_error(Errc::invalid_argument,
                      "the trunk " + trunk + " has " +
                          (trunk_link->second.addresses.empty() ? std::string("an IPv6 address")
                                                           : "the address " + trunk_link->second.addresses.front().str()) +
                          " and trunk_untagged = drop would cut the host's untagged traffic on it: move the address to "
                          "another interface, or set trunk_untagged = allow in the configuration");
  if (links->count(e.link))
    return make_error(Errc::exists, "a link named " + e.link + " already exists and is not ipmi-jumphost's");

  e.enrolled_at = rfc3339(jh_.clock.now());
  e.enrolled_by = who;
  return e;
}

Result<Enrollment> Admin::enroll(const EnrollRequest& request, const std::string& who) {
  const auto began = std::chrono::steady_clock::now();
  auto built = build_enrollment(request, who);
  if (!built) return built.error().with_context("enroll " + quote_for_message(request.name));
  const Enrollment e = *built;
  auto keys = new_keys(e.owner, request.keys);
  if (!keys) return keys.error().with_context("enroll " + e.name);
  if (Status s = check_sshd_order(); !s) return s.error().with_context("enroll " + e.name);

  State next = jh_.state;
  next.enrollments[e.name] = e;
  next.released_ports.erase(e.switch_port);  // the port is in use again
  const bool new_tenant = !jh_.state.tenants.count(e.owner);
  Tenant& tenant = next.tenants[e.owner];
  tenant.user = e.owner;
  for (SshKey& k : *keys) tenant.keys.push_back(k);

  auto t = touch({e.name}, {e.owner});
  if (!t) return t.error().with_context("enroll " + e.name);
  const Snapshots snap = snapshots(next);
  Plan plan;
  plan.add(link_step(snap, e, true, *t));
  // The BMC is reachable from here on: its answer decides, before any
  // user, key or state is written.
  plan.add(request.check ? check_step(e) : no_op_step("IPMI check"));
  plan.add(new_tenant ? user_step(snap, e.owner, true, *t) : no_op_step("Unix user"));
  plan.add(hosts_step(next));
  plan.add(keys_step(next, e.owner));
  plan.add(dropin_step(next, e.owner, true));
  plan.add(state_step(next));

  Intent intent{"enroll", e.name, {e.link}, {}};
  if (new_tenant) intent.users.push_back(e.owner);
  Status s = run_recorded(plan, intent, began);
  const std::string what = "enroll " + e.name + " vlan=" + std::to_string(e.vlan) + " owner=" + e.owner +
                           " bmc=" + e.bmc_address.str() + " link=" + e.link + " by=" + who;
  log::Fields f{"enroll", e.name, e.owner, who, "done"};
  if (!s) {
    f.result = "failed";
    log::warning(what + ": FAILED: " + s.error().message, f);
    return s.error().with_context("enroll " + e.name);
  }
  log::notice(what + ": done" + (keys->empty() ? "" : ", " + std::to_string(keys->size()) + " key(s) added"), f);
  if (const char* weak = cipher_suite_weakness(e.ipmi.cipher_suite))
    log::warning("BMC " + e.name + " uses IPMI cipher suite " + std::to_string(e.ipmi.cipher_suite) + ", which " + weak +
                     ": prefer 3 or 17 where the BMC has them",
                 {"enroll", e.name, e.owner, who, ""});
  return e;
}

Result<Enrollment> Admin::set(const SetRequest& r, const std::string& who) {
  const auto began = std::chrono::steady_clock::now();
  const std::string context = "set " + quote_for_message(r.name);
  const Enrollment* found = jh_.state.find(r.name);
  if (!found) return make_error(Errc::not_found, context + ": no BMC of that name is enrolled");
  const Enrollment old = *found;
  Enrollment e = old;
  std::vector<std::string> changed;  // for the journal: which fields, never a value of a secret
  auto note = [&](bool differs, const char* field) {
    if (differs) changed.push_back(field);
  };
  if (r.owner) {
    if (*r.owner != e.owner) changed.push_back("owner=" + e.owner + "->" + *r.owner);
    e.owner = *r.owner;
  }
  if (r.ports) {
    note(*r.ports != e.ports, "ports");
    e.ports = *r.ports;
  }
  if (r.bmc_user) {
    note(*r.bmc_user != e.bmc_user, "bmc_user");
    e.bmc_user = *r.bmc_user;
  }
  if (r.bmc_password) {
    note(*r.bmc_password != e.bmc_password.reveal(), "bmc_password");
    e.bmc_password = Secret(std::string(*r.bmc_password));
  }
  if (r.switch_port) {
    note(*r.switch_port != e.switch_port, "switch_port");
    e.switch_port = *r.switch_port;
  }
  if (r.privilege) {
    note(*r.privilege != e.ipmi.privilege, "ipmi_privilege");
    e.ipmi.privilege = *r.privilege;
  }
  if (r.cipher_suite) {
    note(*r.cipher_suite != e.ipmi.cipher_suite, "cipher_suite");
    e.ipmi.cipher_suite = *r.cipher_suite;
  }
  if (r.workarounds) {
    note(*r.workarounds != e.ipmi.workarounds, "ipmi_workarounds");
    e.ipmi.workarounds = *r.workarounds;
  }
  if (r.console_log) {
    note(r.console_log != e.console_log, "console_log");
    e.console_log = *r.console_log;
  }
  if (Status v = validate_operator_fields(e); !v) return v.error().with_context(context);
  if (e.console_log.value_or(jh_.config.console_log) == ConsoleLogMode::always && e.bmc_password.empty() &&
      e.console_log)
    return make_error(Errc::invalid_argument, context + ": --console-log always needs a stored BMC password");
  if (r.check && e.bmc_password.empty())
    return make_error(Errc::invalid_argument, context + ": --check needs a stored BMC password: there is none to check");
  if (!e.switch_port.empty() && e.switch_port != old.switch_port) {
    for (const auto& [name, other] : jh_.state.enrollments)
      if (other.switch_port == e.switch_port)
        return make_error(Errc::exists, context + ": switch port " + e.switch_port + " is already the port of BMC " + name);
    if (Status rp = check_released_port(e.switch_port, e.trunk()); !rp) return rp.error().with_context(context);
  }
  const bool new_owner = e.owner != old.owner;
  const bool new_tenant = new_owner && !jh_.state.tenants.count(e.owner);
  if (new_tenant) {
    auto uid = jh_.host.users.lookup(e.owner);
    if (!uid) return uid.error().with_context(context);
    if (uid->has_value())
      return make_error(Errc::exists, context + ": user " + e.owner +
                                          " already exists and was not created by ipmi-jumphost: choose another --owner");
    auto group = jh_.host.users.group_exists(e.owner);
    if (!group) return group.error().with_context(context);
    if (*group) return make_error(Errc::exists, context + ": a group named " + e.owner + " exists: choose another --owner");
  }
  if (changed.empty() && !r.check) return old;  // nothing to do, nothing written
  // A new owner gets the tenants' block as an enroll's owner does: refused
  // while sshd would read another Match first.
  if (new_owner)
    if (Status order = check_sshd_order(); !order) return order.error().with_context(context);

  State next = jh_.state;
  next.enrollments[e.name] = e;
  if (e.switch_port != old.switch_port) {
    next.released_ports.erase(e.switch_port);
    if (!old.switch_port.empty())
      next.released_ports[old.switch_port] =
          ReleasedPort{old.switch_port, old.vlan, old.name, rfc3339(jh_.clock.now()), old.trunk()};
  }
  const bool old_owner_leaves = new_owner && next.owned_by(old.owner).empty();
  if (new_owner) {
    Tenant& t = next.tenants[e.owner];
    t.user = e.owner;
    if (old_owner_leaves) next.tenants.erase(old.owner);
  }

  auto t = touch({e.name}, {e.owner, old.owner});
  if (!t) return t.error().with_context(context);
  Plan plan;
  // The new credentials must work before anything is kept.
  plan.add(r.check ? check_step(e) : no_op_step("IPMI check"));
  // Access the change takes away goes first: the old owner's keys lose the
  // BMC (or go, with the old owner's last BMC).
  const bool ports_change = e.ports != old.ports;
  plan.add(new_owner ? keys_step(next, old.owner) : no_op_step("authorized keys"));
  std::optional<Snapshots> snap;  // only when a step needs them
  auto snaps = [&]() -> const Snapshots& {
    if (!snap) snap = snapshots(next);
    return *snap;
  };
  plan.add(new_tenant ? user_step(snaps(), e.owner, true, *t) : no_op_step("Unix user"));
  plan.add(new_owner || ports_change ? firewall_step(snaps(), *t) : no_op_step("firewall"));
  plan.add(new_owner || ports_change ? keys_step(next, e.owner) : no_op_step("authorized keys"));
  // As for an enroll: sshd must give the new owner the tenants' block (the
  // drop-in itself never changes here: one tenant comes for one that goes
  // at most, so the set of tenants neither fills nor empties).
  plan.add(new_owner ? dropin_step(next, e.owner, true) : no_op_step("sshd drop-in"));
  plan.add(old_owner_leaves ? user_step(snaps(), old.owner, false, *t) : no_op_step("Unix user"));
  plan.add(state_step(next));
  Intent intent{"set", e.name, {}, {}};
  if (new_tenant) intent.users.push_back(e.owner);
  Status s = run_recorded(plan, intent, began);
  const std::string what = "set " + e.name + " " + (changed.empty() ? std::string("(nothing changed)") : join(changed, " ")) +
                           (r.check ? " checked" : "") + " by=" + who;
  log::Fields f{"set", e.name, e.owner, who, "done"};
  if (!s) {
    f.result = "failed";
    log::warning(what + ": FAILED: " + s.error().message, f);
    return s.error().with_context(context);
  }
  log::notice(what + ": done" + (old_owner_leaves ? ", user " + old.owner + " removed" : ""), f);
  // The old owner's forwards and console end (the console server moves the
  // log aside when it sees the new owner).
  if (new_owner) {
    after_commit([this, old] { end_live_access(old, "set", "the BMC has another owner now"); });
  } else if (e.ports != old.ports) {
    // A forward already open to a port no longer allowed would live on
    // (the firewall lets established connections be): the BMC's
    // connections end, and the tenant's tunnels open again as allowed now.
    after_commit([this, e, who] {
      if (Status c = jh_.host.sockets.close_to(e.bmc_address.address); !c)
        log::error("set " + e.name + ": cannot close the connections to " + e.bmc_address.address.str() + ": " +
                       c.error().message,
                   {"set", e.name, e.owner, who, "failed"});
    });
  }
  if (r.cipher_suite)
    if (const char* weak = cipher_suite_weakness(e.ipmi.cipher_suite))
      log::warning("BMC " + e.name + " uses IPMI cipher suite " + std::to_string(e.ipmi.cipher_suite) + ", which " +
                       weak + ": prefer 3 or 17 where the BMC has them",
                   {"set", e.name, e.owner, who, ""});
  return e;
}

Status Admin::revoke(const std::string& name, const std::string& who) {
  const auto began = std::chrono::steady_clock::now();
  const Enrollment* found = jh_.state.find(name);
  if (!found)
    return make_error(Errc::not_found, "revoke " + quote_for_message(name) + ": no BMC of that name is enrolled");
  const Enrollment e = *found;
  State next = jh_.state;
  next.enrollments.erase(name);
  if (!e.switch_port.empty())
    next.released_ports[e.switch_port] = ReleasedPort{e.switch_port, e.vlan, e.name, rfc3339(jh_.clock.now()), e.trunk()};
  const bool last = next.owned_by(e.owner).empty();
  std::optional<Tenant> removed_tenant;
  if (last) {
    removed_tenant = next.tenants[e.owner];
    next.tenants.erase(e.owner);
  }

  auto t = touch({e.name}, {e.owner});
  if (!t) return t.error().with_context("revoke " + name);
  // Access goes first: a failure half-way leaves the tenant with less, not more.
  Plan plan;
  plan.add(dropin_step(next, e.owner, false));
  plan.add(keys_step(next, e.owner));
  plan.add(hosts_step(next));
  const Snapshots snap = snapshots(next);
  plan.add(last ? user_step(snap, e.owner, false, *t) : no_op_step("Unix user"));
  plan.add(link_step(snap, e, false, *t));
  plan.add(state_step(next));
  Status s = run_recorded(plan, Intent{"revoke", e.name, {}, {}}, began);
  const std::string what = "revoke " + name + " owner=" + e.owner + " by=" + who;
  log::Fields f{"revoke", name, e.owner, who, "done"};
  if (!s) {
    f.result = "failed";
    log::warning(what + ": FAILED: " + s.error().message, f);
    return s.error().with_context("revoke " + name);
  }
  log::notice(what + ": done" + (last ? ", user " + e.owner + " removed" : ""), f);
  end_live_access(e, "revoke", "the BMC was revoked");
  return ok_status();
}

Status Admin::run_recorded(Plan& plan, const Intent& intent, std::chrono::steady_clock::time_point began) {
  const auto ms = [](auto d) { return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()); };
  const auto checked = std::chrono::steady_clock::now();
  // A record left by a change whose rollback was incomplete names what the
  // next start must take off the host: a new change would overwrite it.
  auto kept = jh_.host.files.read(intent_path(jh_.config));
  if (!kept) return kept.error();
  if (kept->has_value())
    return make_error(Errc::failed, "an earlier change could not be undone completely (" + intent_path(jh_.config) +
                                        "): restart ipmi-jumphostd, which puts the host in line with the state, then "
                                        "try again; nothing was changed");
  IJ_TRY(write_intent(jh_.host.files, jh_.config, intent));
  Status s = plan.run();
  // A rollback that could not undo everything leaves the record: the next
  // start takes off what the state does not name (a link left up, a user).
  const auto done = std::chrono::steady_clock::now();
  log::debug(intent.operation + " " + intent.bmc + " took " + ms(done - began) + " ms: checks " + ms(checked - began) +
             " ms, then " + plan.timings());
  if (s || !plan.rollback_incomplete()) clear_intent(jh_.host.files, jh_.config);
  else log::error("the record of " + intent.operation + " " + intent.bmc + " stays in " + intent_path(jh_.config) +
                  ": the next start puts the host in line with the state");
  return s;
}

void Admin::after_commit(std::function<void()> f) {
  if (commit_) commit_->after.push_back(std::move(f));
  else f();
}

void Admin::end_live_access(const Enrollment& e, const std::string& operation, const std::string& why) {
  // The forwards a session opened before the revoke outlive the keys, the
  // hosts line, the rules and even the link (their packets just stall):
  // abort them, and the console with them.
  if (sessions_) sessions_->end_console(e.name, why);
  if (Status s = jh_.host.sockets.close_to(e.bmc_address.address); !s)
    log::error(operation + " " + e.name + ": cannot close the connections to " + e.bmc_address.address.str() + ": " +
                   s.error().message,
               {operation, e.name, e.owner, "", "failed"});
}

Result<std::vector<std::string>> Admin::add_keys(const std::string& user, const KeySource& source,
                                                    const std::string& who) {
  if (!jh_.state.tenants.count(user))
    return make_error(Errc::not_found, "key add: " + quote_for_message(user) + " is not a tenant");
  auto keys = new_keys(user, {source});
  if (!keys) return keys.error().with_context("key add " + user);
  State next = jh_.state;
  std::vector<std::string> fingerprints;
  for (SshKey& k : *keys) {
    fingerprints.push_back(k.fingerprint);
    next.tenants[user].keys.push_back(std::move(k));
  }
  Plan plan;
  plan.add(keys_step(next, user));
  plan.add(state_step(next));
  Status s = plan.run();
  if (!s) {
    log::warning("key add user=" + user + " by=" + who + ": FAILED: " + s.error().message,
                 {"key-add", "", user, who, "failed"});
    return s.error().with_context("key add " + user);
  }
  log::notice("key add user=" + user + " keys=" + join(fingerprints, ",") + " by=" + who + ": done",
              {"key-add", "", user, who, "done"});
  return fingerprints;
}

Status Admin::remove_key(const std::string& user, const std::string& fingerprint, const std::string& who) {
  auto it = jh_.state.tenants.find(user);
  if (it == jh_.state.tenants.end())
    return make_error(Errc::not_found, "key remove: " + quote_for_message(user) + " is not a tenant");
  State next = jh_.state;
  auto& keys = next.tenants[user].keys;
  auto before = keys.size();
  std::erase_if(keys, [&](const SshKey& k) { return k.fingerprint == fingerprint; });
  if (keys.size() == before)
    return make_error(Errc::not_found,
                      "key remove: " + user + " has no key " + quote_for_message(fingerprint) +
                          " (jumpctl show lists the fingerprints)");
  Plan plan;
  plan.add(keys_step(next, user));
  plan.add(state_step(next));
  Status s = plan.run();
  if (!s) {
    log::warning("key remove user=" + user + " key=" + fingerprint + " by=" + who + ": FAILED: " + s.error().message,
                 {"key-remove", "", user, who, "failed"});
    return s.error().with_context("key remove " + user);
  }
  log::notice("key remove user=" + user + " key=" + fingerprint + " by=" + who + ": done",
              {"key-remove", "", user, who, "done"});
  // sshd does not say which session logged in with which key, so every
  // session of the user ends; the keys left let them back in.
  if (Status s = jh_.host.users.end_sessions(user); !s)
    log::error("key remove user=" + user + ": cannot end the user's sessions: " + s.error().message,
               {"key-remove", "", user, who, "failed"});
  return ok_status();
}

}  // namespace ij
