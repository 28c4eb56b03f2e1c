#include "daemon/core/jumphost.h"

#include <ctime>
#include <set>

#include "common/base/log.h"
#include "common/base/strings.h"
#include "common/model/names.h"
#include "daemon/render/sshd.h"
#include "daemon/render/switch_config.h"
#include "daemon/state/state_json.h"

namespace ij {
namespace {

Error invalid(std::string m) { return make_error(Errc::invalid_argument, std::move(m)); }

// Free-text fields an operator gives: printable ASCII, bounded.
Status check_text(const char* what, const std::string& v, size_t max, bool allow_space) {
  if (v.size() > max) return invalid(std::string(what) + " is longer than " + std::to_string(max) + " characters");
  for (char c : v) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f || (!allow_space && c == ' '))
      return invalid(std::string(what) + " '" + quote_for_message(v) + "' contains a character that is not allowed");
  }
  return ok_status();
}

}  // namespace

std::string utc_now_rfc3339() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Jumphost::Jumphost(Config config, State state, Host host, Clock clock)
    : config_(std::move(config)), state_(std::move(state)), host_(host), clock_(std::move(clock)) {}

Result<std::vector<SshKey>> Jumphost::new_keys(const std::string& user, const std::vector<KeySource>& sources) const {
  std::vector<SshKey> keys;
  std::set<std::string> seen;
  auto it = state_.tenants.find(user);
  if (it != state_.tenants.end())
    for (const SshKey& k : it->second.keys) seen.insert(k.fingerprint);
  for (const KeySource& source : sources) {
    IJ_TRY(check_text("key source name", source.label, 256, true));
    auto parsed = parse_ssh_key_file(source.label, source.text);
    if (!parsed) return parsed.error();
    for (SshKey& k : *parsed) {
      if (!seen.insert(k.fingerprint).second)
        return make_error(Errc::exists, source.label + ": key " + k.fingerprint + " is already a key of " + user);
      keys.push_back(std::move(k));
    }
  }
  size_t existing = it == state_.tenants.end() ? 0 : it->second.keys.size();
  if (existing + keys.size() > kMaxKeysPerTenant)
    return invalid("tenant " + user + " would have more than " + std::to_string(kMaxKeysPerTenant) + " keys");
  return keys;
}

Status Jumphost::check_address_free(const Ipv4Cidr& bmc) const {
  for (const auto& [name, e] : state_.enrollments)
    if (e.bmc_address.overlaps(bmc))
      return make_error(Errc::exists, "address " + bmc.str() + " overlaps the subnet " +
                                          Ipv4Cidr{e.bmc_address.network(), e.bmc_address.prefix}.str() +
                                          " of BMC " + name);
  return ok_status();
}

Result<Ipv4Cidr> Jumphost::allocate_subnet() const {
  const Ipv4Cidr& pool = config_.address_pool;
  if (config_.pool_prefix < pool.prefix)
    return make_error(Errc::failed, "config: pool_prefix is shorter than address_pool's prefix");
  uint64_t count = uint64_t{1} << (config_.pool_prefix - pool.prefix);
  uint32_t step = uint32_t{1} << (32 - config_.pool_prefix);
  for (uint64_t i = 0; i < count; ++i) {
    Ipv4Cidr candidate{Ipv4{pool.network().value + static_cast<uint32_t>(i) * step + 2}, config_.pool_prefix};
    if (check_address_free(candidate)) return candidate;
  }
  return make_error(Errc::failed, "the address pool " + pool.str() + " is exhausted: give --bmc-ip or widen address_pool");
}

Result<Enrollment> Jumphost::build_enrollment(const EnrollRequest& r, const std::string& who) const {
  Enrollment e;
  IJ_TRY(validate_bmc_name(r.name));
  IJ_TRY(validate_vlan(r.vlan));
  e.name = r.name;
  e.vlan = static_cast<unsigned>(r.vlan);
  e.owner = r.owner.empty() ? r.name : r.owner;
  IJ_TRY(validate_user_name(e.owner));
  e.ports = r.ports.value_or(config_.default_ports);
  IJ_TRY(validate_ports(e.ports));
  // IPMI v2.0 section 22.28: user names are at most 16 bytes, passwords 20.
  IJ_TRY(check_text("BMC user", r.bmc_user, 16, false));
  if (r.bmc_password.size() > 20) return invalid("the BMC password is longer than 20 bytes (IPMI 2.0 limit)");
  for (char ch : r.bmc_password)  // never quoted in a message: it is a secret
    if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7f)
      return invalid("the BMC password contains a control or non-ASCII character");
  if (!r.bmc_password.empty() && r.bmc_user.empty()) return invalid("a BMC password needs a BMC user");
  if (!r.switch_port.empty()) IJ_TRY(validate_switch_port(r.switch_port));
  e.bmc_user = r.bmc_user;
  e.bmc_password = r.bmc_password;
  e.switch_port = r.switch_port;
  IJ_TRY(validate_ipmi_settings(r.ipmi));
  e.ipmi = r.ipmi;

  if (state_.find(e.name)) return make_error(Errc::exists, "BMC " + e.name + " is already enrolled");
  for (const auto& [name, other] : state_.enrollments) {
    if (other.vlan == e.vlan)
      return make_error(Errc::exists, "VLAN " + std::to_string(e.vlan) + " is already used by BMC " + name);
    if (!e.switch_port.empty() && other.switch_port == e.switch_port)
      return make_error(Errc::exists, "switch port " + e.switch_port + " is already the port of BMC " + name);
  }

  if (r.bmc_address.empty()) {
    auto a = allocate_subnet();
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

  auto link = vlan_link_name(config_.trunk, e.vlan);
  if (!link) return link.error();
  e.link = *link;

  if (!state_.tenants.count(e.owner)) {
    auto uid = host_.users.lookup(e.owner);
    if (!uid) return uid.error();
    if (uid->has_value())
      return make_error(Errc::exists, "user " + e.owner + " already exists and was not created by ipmi-jumphost: "
                                      "choose another --owner");
  }
  auto trunk = host_.links.inspect(config_.trunk);
  if (!trunk) return trunk.error();
  if (!trunk->has_value())
    return make_error(Errc::not_found, "trunk interface " + config_.trunk +
                                           " does not exist: set 'trunk' in the configuration");
  auto existing = host_.links.inspect(e.link);
  if (!existing) return existing.error();
  if (existing->has_value())
    return make_error(Errc::exists, "a link named " + e.link + " already exists and is not ipmi-jumphost's");

  e.enrolled_at = clock_();
  e.enrolled_by = who;
  return e;
}

Result<Enrollment> Jumphost::enroll(const EnrollRequest& request, const std::string& who) {
  auto built = build_enrollment(request, who);
  if (!built) return built.error().with_context("enroll " + quote_for_message(request.name));
  const Enrollment e = *built;
  auto keys = new_keys(e.owner, request.keys);
  if (!keys) return keys.error().with_context("enroll " + e.name);

  State next = state_;
  next.enrollments[e.name] = e;
  next.released_ports.erase(e.switch_port);  // the port is in use again
  const bool new_tenant = !state_.tenants.count(e.owner);
  Tenant& tenant = next.tenants[e.owner];
  tenant.user = e.owner;
  for (SshKey& k : *keys) tenant.keys.push_back(k);

  Plan plan;
  plan.add(link_step(next, e, true));
  plan.add(new_tenant ? user_step(next, e.owner, true) : no_op_step("Unix user"));
  plan.add(hosts_step(next));
  plan.add(keys_step(next, e.owner));
  plan.add(dropin_step(next, e.owner));
  plan.add(state_step(next));

  Status s = plan.run();
  const std::string what = "enroll " + e.name + " vlan=" + std::to_string(e.vlan) + " owner=" + e.owner +
                           " bmc=" + e.bmc_address.str() + " link=" + e.link + " by=" + who;
  if (!s) {
    log::warning(what + ": FAILED: " + s.error().message);
    return s.error().with_context("enroll " + e.name);
  }
  log::notice(what + ": done" + (keys->empty() ? "" : ", " + std::to_string(keys->size()) + " key(s) added"));
  return e;
}

Status Jumphost::revoke(const std::string& name, const std::string& who) {
  const Enrollment* found = state_.find(name);
  if (!found)
    return make_error(Errc::not_found, "revoke " + quote_for_message(name) + ": no BMC of that name is enrolled");
  const Enrollment e = *found;
  State next = state_;
  next.enrollments.erase(name);
  if (!e.switch_port.empty()) next.released_ports[e.switch_port] = ReleasedPort{e.switch_port, e.vlan, e.name, clock_()};
  const bool last = next.owned_by(e.owner).empty();
  std::optional<Tenant> removed_tenant;
  if (last) {
    removed_tenant = next.tenants[e.owner];
    next.tenants.erase(e.owner);
  }

  // Access goes first: a failure half-way leaves the tenant with less, not more.
  Plan plan;
  plan.add(dropin_step(next, e.owner));
  plan.add(keys_step(next, e.owner));
  plan.add(hosts_step(next));
  plan.add(last ? user_step(next, e.owner, false) : no_op_step("Unix user"));
  plan.add(link_step(next, e, false));
  plan.add(state_step(next));
  Status s = plan.run();
  const std::string what = "revoke " + name + " owner=" + e.owner + " by=" + who;
  if (!s) {
    log::warning(what + ": FAILED: " + s.error().message);
    return s.error().with_context("revoke " + name);
  }
  log::notice(what + ": done" + (last ? ", user " + e.owner + " removed" : ""));
  return ok_status();
}

Result<std::vector<std::string>> Jumphost::add_keys(const std::string& user, const KeySource& source,
                                                    const std::string& who) {
  if (!state_.tenants.count(user))
    return make_error(Errc::not_found, "key add: " + quote_for_message(user) + " is not a tenant");
  auto keys = new_keys(user, {source});
  if (!keys) return keys.error().with_context("key add " + user);
  State next = state_;
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
    log::warning("key add user=" + user + " by=" + who + ": FAILED: " + s.error().message);
    return s.error().with_context("key add " + user);
  }
  log::notice("key add user=" + user + " keys=" + join(fingerprints, ",") + " by=" + who + ": done");
  return fingerprints;
}

Status Jumphost::remove_key(const std::string& user, const std::string& fingerprint, const std::string& who) {
  auto it = state_.tenants.find(user);
  if (it == state_.tenants.end())
    return make_error(Errc::not_found, "key remove: " + quote_for_message(user) + " is not a tenant");
  State next = state_;
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
    log::warning("key remove user=" + user + " key=" + fingerprint + " by=" + who + ": FAILED: " + s.error().message);
    return s.error().with_context("key remove " + user);
  }
  log::notice("key remove user=" + user + " key=" + fingerprint + " by=" + who + ": done");
  return ok_status();
}

nlohmann::json Jumphost::list() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [name, e] : state_.enrollments) out.push_back(enrollment_view(e));
  return out;
}

Result<nlohmann::json> Jumphost::show(const std::string& name) const {
  const Enrollment* e = state_.find(name);
  if (!e) return make_error(Errc::not_found, "no BMC named " + quote_for_message(name) + " is enrolled");
  nlohmann::json j = enrollment_view(*e);
  j["tenant"] = tenant_view(state_.tenants.at(e->owner));
  std::vector<std::string> shared;
  for (const Enrollment* o : state_.owned_by(e->owner)) shared.push_back(o->name);
  j["owner_bmcs"] = shared;
  return j;
}

Result<std::string> Jumphost::switch_config(const std::string& vendor, const std::vector<std::string>& names) const {
  auto plan = make_switch_plan(config_, state_, vendor, names);
  if (!plan) return plan.error().with_context("switch-config");
  return render_switch_config(*plan);
}

Result<std::string> Jumphost::client_config(const std::string& name) const {
  const Enrollment* e = state_.find(name);
  if (!e) return make_error(Errc::not_found, "no BMC named " + quote_for_message(name) + " is enrolled");
  return render_client_config(config_, *e);
}

}  // namespace ij
