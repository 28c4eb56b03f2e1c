#include "daemon/bus/bus_service.h"

#include "common/base/log.h"
#include "common/base/strings.h"
#include "daemon/core/access.h"
#include "daemon/core/doctor.h"
#include "daemon/core/views.h"
#include "daemon/host/users_real.h"

namespace ij {
namespace {

// The core's request from the bus's typed options.
EnrollRequest enroll_request(const std::string& name, uint32_t vlan, const bus::EnrollOptions& o,
                             IpmiPrivilege privilege) {
  EnrollRequest r;
  r.name = name;
  r.vlan = vlan;
  r.owner = o.owner.value_or("");
  r.bmc_address = o.bmc_address.value_or("");
  for (const bus::KeyFile& k : o.keys.value_or(std::vector<bus::KeyFile>{})) r.keys.push_back(KeySource{k.label, k.text});
  if (o.ports) r.ports = std::vector<unsigned>(o.ports->begin(), o.ports->end());
  r.bmc_user = o.bmc_user.value_or("");
  r.bmc_password = o.bmc_password.value_or("");
  r.switch_port = o.switch_port.value_or("");
  r.ipmi.privilege = privilege;
  if (o.cipher_suite) r.ipmi.cipher_suite = *o.cipher_suite;
  r.ipmi.workarounds = o.ipmi_workarounds.value_or(std::vector<std::string>{});
  return r;
}

}  // namespace

BusService::BusService(sdbus::IConnection& connection, Jumphost& jumphost, TenantService& tenants,
                       const Clock& clock)
    : object_(sdbus::createObject(connection, bus::kObjectPath)),
      dispatcher_(*object_, [this](bus::Role role, const char* method) { return authorize_call(role, method); }),
      jumphost_(jumphost),
      admin_(jumphost, &tenants),
      tenants_(tenants),
      denials_(clock) {
  serve_manager();
  serve_tenant();
  dispatcher_.finish();
}

Result<Caller> BusService::authorize_call(bus::Role role, const char* method) {
  const sdbus::Message* msg = object_->getCurrentlyProcessedMessage();
  Caller caller;
  // The uid comes from the bus daemon (SO_PEERCRED), not from the caller.
  caller.uid = msg->getCredsUid();
  caller.name = user_name_of(caller.uid).value_or("uid " + std::to_string(caller.uid));
  CallerFacts facts;
  facts.is_admin = user_in_group(caller.uid, jumphost_.config.admin_group);
  facts.is_tenant = jumphost_.state.tenants.count(caller.name) > 0;
  facts.admin_group = jumphost_.config.admin_group;
  if (Status s = authorize(role, method, caller.name, facts); !s) {
    denials_.denied(caller.name + " (uid " + std::to_string(caller.uid) + ")", method);
    return s.error();
  }
  return caller;
}

void BusService::serve_manager() {
  Dispatcher& d = dispatcher_;
  d.serve<bus::Enroll>([this](const Caller& c, const std::string& name, uint32_t vlan,
                              const bus::VariantMap& wire) -> Result<bus::EnrollmentView> {
    auto options = bus::decode_enroll_options(wire);
    if (!options) return options.error().with_context("enroll " + quote_for_message(name));
    auto privilege = parse_privilege(options->ipmi_privilege.value_or("admin"));
    if (!privilege) return privilege.error().with_context("enroll " + quote_for_message(name));
    auto e = admin_.enroll(enroll_request(name, vlan, *options, *privilege), c.name);
    if (!e) return e.error();
    return enrollment_view(*e);
  });
  d.serve<bus::Revoke>([this](const Caller& c, const std::string& name) { return admin_.revoke(name, c.name); });
  d.serve<bus::List>([this](const Caller&) -> Result<std::vector<bus::EnrollmentView>> {
    return list_view(jumphost_.state);
  });
  d.serve<bus::Show>([this](const Caller&, const std::string& name) { return show_view(jumphost_.state, name); });
  d.serve<bus::AddKeys>([this](const Caller& c, const std::string& user, const std::string& source,
                               const std::string& text) { return admin_.add_keys(user, KeySource{source, text}, c.name); });
  d.serve<bus::RemoveKey>([this](const Caller& c, const std::string& user, const std::string& fingerprint) {
    return admin_.remove_key(user, fingerprint, c.name);
  });
  d.serve<bus::Doctor>([this](const Caller&) -> Result<std::vector<bus::Finding>> { return doctor(jumphost_); });
  d.serve<bus::SwitchConfig>([this](const Caller&, const std::string& vendor, const std::vector<std::string>& names) {
    return switch_config(jumphost_.config, jumphost_.state, vendor, names);
  });
  d.serve<bus::ClientConfig>([this](const Caller&, const std::string& name) {
    return client_config(jumphost_.config, jumphost_.state, name);
  });
}

void BusService::serve_tenant() {
  Dispatcher& d = dispatcher_;
  d.serve<bus::ListMine>([this](const Caller& c) -> Result<bus::TenantBmcs> { return tenants_.list_mine(c.name); });
  // Power and Console open an IPMI session, which may take seconds: the
  // service answers through the Replier when the work is done, and the bus
  // serves others meanwhile.
  d.serve<bus::Power>([this](const Caller& c, Replier<std::string> reply, const std::string& bmc,
                             const std::string& action, std::string password) {
    tenants_.power(c.name, bmc, action, std::move(password), std::move(reply));
  });
  d.serve<bus::Console>([this](const Caller& c, Replier<sdbus::UnixFd> reply, const std::string& bmc,
                               std::string password) {
    tenants_.console(c.name, bmc, std::move(password), [reply = std::move(reply)](Result<int> fd) {
      if (fd) reply(sdbus::UnixFd(*fd, sdbus::adopt_fd));
      else reply(fd.error());
    });
  });
  d.serve<bus::ConsoleBreak>([this](const Caller& c, const std::string& bmc) {
    return tenants_.console_break(c.name, bmc);
  });
}

}  // namespace ij
