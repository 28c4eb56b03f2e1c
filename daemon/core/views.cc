#include "daemon/core/views.h"

#include <set>

#include "common/base/strings.h"
#include "common/model/names.h"
#include "daemon/render/sshd.h"
#include "daemon/render/switch_config.h"

namespace ij {

bus::EnrollmentView enrollment_view(const Enrollment& e, ConsoleLogMode console_log) {
  bus::EnrollmentView v;
  v.name = e.name;
  v.vlan = e.vlan;
  v.owner = e.owner;
  v.link = e.link;
  v.bmc_address = e.bmc_address.str();
  v.jumphost_address = e.jumphost_address.str();
  v.host_name = bmc_host_name(e.name);
  v.ports = e.ports;
  v.bmc_user = e.bmc_user;
  v.bmc_password_stored = !e.bmc_password.empty();
  v.switch_port = e.switch_port;
  v.ipmi = bus::IpmiView{privilege_name(e.ipmi.privilege), e.ipmi.cipher_suite, e.ipmi.workarounds};
  v.console_log = std::string(console_log_mode_name(e.console_log.value_or(console_log)));
  v.enrolled_at = e.enrolled_at;
  v.enrolled_by = e.enrolled_by;
  return v;
}

std::vector<bus::EnrollmentView> list_view(const State& state, ConsoleLogMode console_log) {
  std::vector<bus::EnrollmentView> out;
  for (const auto& [name, e] : state.enrollments) out.push_back(enrollment_view(e, console_log));
  return out;
}

Result<bus::EnrollmentDetail> show_view(const State& state, const std::string& name, ConsoleLogMode console_log) {
  const Enrollment* e = state.find(name);
  if (!e) return make_error(Errc::not_found, "no BMC named " + quote_for_message(name) + " is enrolled");
  bus::EnrollmentDetail d;
  d.enrollment = enrollment_view(*e, console_log);
  const Tenant& t = state.tenants.at(e->owner);
  d.tenant.user = t.user;
  for (const SshKey& k : t.keys) d.tenant.keys.push_back(bus::KeyView{k.type, k.fingerprint, k.comment});
  for (const Enrollment* o : state.owned_by(e->owner)) d.owner_bmcs.push_back(o->name);
  return d;
}

Result<std::string> client_config(const Config& config, const State& state, const std::string& name) {
  const Enrollment* e = state.find(name);
  if (!e) return make_error(Errc::not_found, "no BMC named " + quote_for_message(name) + " is enrolled");
  return render_client_config(config, *e);
}

Result<std::string> switch_config(const Config& config, const State& state, const std::string& vendor,
                                  const std::vector<std::string>& names) {
  // One configuration per switch, that is per trunk: those of the named
  // BMCs, or every trunk with a BMC or a released port (the configuration's
  // trunk when there is none).
  std::set<std::string> wanted;
  for (const std::string& n : names) {
    const Enrollment* e = state.find(n);
    if (!e) return make_error(Errc::not_found, "switch-config: no BMC named " + quote_for_message(n) + " is enrolled");
    wanted.insert(e->trunk());
  }
  if (names.empty()) {
    for (const auto& [name, e] : state.enrollments) wanted.insert(e.trunk());
    for (const auto& [port, r] : state.released_ports) wanted.insert(r.trunk.empty() ? config.trunk : r.trunk);
    if (wanted.empty()) wanted.insert(config.trunk);
  }
  std::string out;
  for (const std::string& trunk : config.trunks) {
    if (!wanted.count(trunk)) continue;
    auto plan = make_switch_plan(config, state, vendor, names, trunk);
    if (!plan) return plan.error().with_context("switch-config");
    auto text = render_switch_config(*plan);
    if (!text) return text.error().with_context("switch-config");
    if (!out.empty()) out += "\n";
    out += *text;
  }
  return out;
}

}  // namespace ij
