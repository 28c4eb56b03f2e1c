#include "daemon/bus/bus_service.h"

#include <map>

#include "common/base/log.h"
#include "common/bus/names.h"
#include "common/base/strings.h"
#include "daemon/host/users_real.h"
#include "daemon/core/access.h"

namespace ij {
namespace {

using Options = std::map<std::string, sdbus::Variant>;
using KeyPair = sdbus::Struct<std::string, std::string>;

[[noreturn]] void throw_error(const Error& e) { throw sdbus::Error(bus::error_name(e.code), e.message); }

template <class T>
T value_or_throw(Result<T> r) {
  if (!r) throw_error(r.error());
  return std::move(r).value();
}

void check_or_throw(const Status& s) {
  if (!s) throw_error(s.error());
}

template <class T>
T option(const Options& options, const char* key, const char* signature) {
  const sdbus::Variant& v = options.at(key);
  if (!v.containsValueOfType<T>())
    throw_error(make_error(Errc::invalid_argument, std::string("option '") + key + "' must have D-Bus type " + signature));
  return v.get<T>();
}

EnrollRequest decode_enroll(const std::string& name, uint32_t vlan, const Options& options) {
  EnrollRequest r;
  r.name = name;
  r.vlan = static_cast<long>(vlan);
  for (const auto& [key, value] : options) {
    if (key == "owner") r.owner = option<std::string>(options, "owner", "s");
    else if (key == "bmc_address") r.bmc_address = option<std::string>(options, "bmc_address", "s");
    else if (key == "bmc_user") r.bmc_user = option<std::string>(options, "bmc_user", "s");
    else if (key == "bmc_password") r.bmc_password = option<std::string>(options, "bmc_password", "s");
    else if (key == "switch_port") r.switch_port = option<std::string>(options, "switch_port", "s");
    else if (key == "ipmi_privilege") r.ipmi.privilege = option<std::string>(options, "ipmi_privilege", "s");
    else if (key == "cipher_suite") r.ipmi.cipher_suite = option<uint32_t>(options, "cipher_suite", "u");
    else if (key == "ipmi_workarounds") {
      auto names = parse_workarounds(option<std::string>(options, "ipmi_workarounds", "s"));
      if (!names) throw_error(names.error());
      r.ipmi.workarounds = *names;
    }
    else if (key == "ports") {
      std::vector<unsigned> ports;
      for (uint16_t p : option<std::vector<uint16_t>>(options, "ports", "aq")) ports.push_back(p);
      r.ports = ports;
    } else if (key == "keys") {
      for (const KeyPair& k : option<std::vector<KeyPair>>(options, "keys", "a(ss)"))
        r.keys.push_back(KeySource{std::get<0>(k), std::get<1>(k)});
    } else {
      throw_error(make_error(Errc::invalid_argument, "unknown enroll option '" + key + "'"));
    }
  }
  return r;
}

}  // namespace

BusService::BusService(sdbus::IConnection& connection, Jumphost& jumphost, Bmc& bmc, Completions& completions)
    : object_(sdbus::createObject(connection, bus::kObjectPath)),
      jumphost_(jumphost),
      bmc_(bmc),
      completions_(completions) {
  register_manager();
  register_tenant();
  object_->finishRegistration();
}

Caller BusService::authorize_call(const std::string& interface, const std::string& method) {
  const sdbus::Message* msg = object_->getCurrentlyProcessedMessage();
  Caller caller;
  // The uid comes from the bus daemon (SO_PEERCRED), not from the caller.
  caller.uid = msg->getCredsUid();
  caller.name = user_name_of(caller.uid).value_or("uid " + std::to_string(caller.uid));
  CallerFacts facts;
  facts.is_admin = user_in_group(caller.uid, jumphost_.config().admin_group);
  facts.is_tenant = jumphost_.state().tenants.count(caller.name) > 0;
  Status s = authorize(interface, method, caller, facts);
  if (!s) {
    log::warning("denied: " + caller.name + " (uid " + std::to_string(caller.uid) + ") called " + method);
    throw_error(s.error());
  }
  return caller;
}

void BusService::register_manager() {
  const char* m = bus::kManagerInterface;
  object_->registerMethod("Enroll")
      .onInterface(m)
      .withInputParamNames("name", "vlan", "options")
      .withOutputParamNames("enrollment")
      .implementedAs([this, m](const std::string& name, uint32_t vlan, const Options& options) {
        Caller c = authorize_call(m, "Enroll");
        Enrollment e = value_or_throw(jumphost_.enroll(decode_enroll(name, vlan, options), c.name));
        return jumphost_.show(e.name).value().dump();
      });
  object_->registerMethod("Revoke")
      .onInterface(m)
      .withInputParamNames("name")
      .implementedAs([this, m](const std::string& name) {
        Caller c = authorize_call(m, "Revoke");
        check_or_throw(jumphost_.revoke(name, c.name));
      });
  object_->registerMethod("List")
      .onInterface(m)
      .withOutputParamNames("enrollments")
      .implementedAs([this, m]() {
        authorize_call(m, "List");
        return jumphost_.list().dump();
      });
  object_->registerMethod("Show")
      .onInterface(m)
      .withInputParamNames("name")
      .withOutputParamNames("enrollment")
      .implementedAs([this, m](const std::string& name) {
        authorize_call(m, "Show");
        return value_or_throw(jumphost_.show(name)).dump();
      });
  object_->registerMethod("AddKeys")
      .onInterface(m)
      .withInputParamNames("user", "source", "text")
      .withOutputParamNames("fingerprints")
      .implementedAs([this, m](const std::string& user, const std::string& source, const std::string& text) {
        Caller c = authorize_call(m, "AddKeys");
        return value_or_throw(jumphost_.add_keys(user, KeySource{source, text}, c.name));
      });
  object_->registerMethod("RemoveKey")
      .onInterface(m)
      .withInputParamNames("user", "fingerprint")
      .implementedAs([this, m](const std::string& user, const std::string& fingerprint) {
        Caller c = authorize_call(m, "RemoveKey");
        check_or_throw(jumphost_.remove_key(user, fingerprint, c.name));
      });
  object_->registerMethod("Doctor")
      .onInterface(m)
      .withOutputParamNames("findings")
      .implementedAs([this, m]() {
        authorize_call(m, "Doctor");
        return jumphost_.doctor().dump();
      });
  object_->registerMethod("SwitchConfig")
      .onInterface(m)
      .withInputParamNames("vendor", "names")
      .withOutputParamNames("text")
      .implementedAs([this, m](const std::string& vendor, const std::vector<std::string>& names) {
        authorize_call(m, "SwitchConfig");
        return value_or_throw(jumphost_.switch_config(vendor, names));
      });
  object_->registerMethod("ClientConfig")
      .onInterface(m)
      .withInputParamNames("name")
      .withOutputParamNames("text")
      .implementedAs([this, m](const std::string& name) {
        authorize_call(m, "ClientConfig");
        return value_or_throw(jumphost_.client_config(name));
      });
}

constexpr int kMaxTenantRequests = 4;

bool BusService::begin_request(const std::string& tenant) {
  int& n = inflight_[tenant];
  if (n >= kMaxTenantRequests) return false;
  ++n;
  return true;
}

void BusService::end_request(const std::string& tenant) {
  if (--inflight_[tenant] <= 0) inflight_.erase(tenant);
}

void BusService::register_tenant() {
  const char* t = bus::kTenantInterface;
  object_->registerMethod("ListMine")
      .onInterface(t)
      .withOutputParamNames("bmcs")
      .implementedAs([this, t]() {
        Caller c = authorize_call(t, "ListMine");
        return jumphost_.tenant_bmcs(c.name).dump();
      });
  // Power and Console open an IPMI session, which may take seconds: the
  // work runs on a thread and the reply is sent from the bus thread when it
  // is done, so other callers are not kept waiting.
  object_->registerMethod("Power")
      .onInterface(t)
      .withInputParamNames("bmc", "action", "password")
      .withOutputParamNames("result")
      .implementedAs([this, t](sdbus::Result<std::string>&& reply, std::string bmc, std::string action,
                               std::string password) {
        Caller c = authorize_call(t, "Power");
        if (bmc.empty()) bmc = value_or_throw(jumphost_.default_bmc_of(c.name));
        PowerAction a = value_or_throw(parse_power_action(action));
        BmcTarget target = value_or_throw(jumphost_.target_for(c.name, bmc, password));
        if (!begin_request(c.name))
          throw_error(make_error(Errc::failed, "you have " + std::to_string(kMaxTenantRequests) +
                                                   " requests running already; wait for them"));
        auto shared_reply = std::make_shared<sdbus::Result<std::string>>(std::move(reply));
        completions_.run([this, reply = shared_reply, target = std::move(target), a, who = c.name]() mutable {
          Result<std::string> r = make_error(Errc::failed, "not run");
          if (a == PowerAction::status) {
            auto on = bmc_.power_status(target);
            r = on ? Result<std::string>(target.name + ": " + (*on ? "on" : "off")) : Result<std::string>(on.error());
          } else {
            Status s = bmc_.power_control(target, a);
            r = s ? Result<std::string>(target.name + ": ok") : Result<std::string>(s.error());
          }
          std::fill(target.password.begin(), target.password.end(), '\0');
          return [this, reply, r = std::move(r), who, name = target.name, a] {
            end_request(who);
            const std::string what = std::string("power ") + power_action_name(a) + " " + name + " by=" + who;
            if (r) {
              log::notice(what + ": " + *r);
              reply->returnResults(*r);
            } else {
              log::warning(what + ": FAILED: " + r.error().message);
              reply->returnError(sdbus::Error(bus::error_name(r.error().code), r.error().message));
            }
          };
        });
      });
  object_->registerMethod("Console")
      .onInterface(t)
      .withInputParamNames("bmc", "password")
      .withOutputParamNames("console")
      .implementedAs([this, t](sdbus::Result<sdbus::UnixFd>&& reply, std::string bmc, std::string password) {
        Caller c = authorize_call(t, "Console");
        if (bmc.empty()) bmc = value_or_throw(jumphost_.default_bmc_of(c.name));
        BmcTarget target = value_or_throw(jumphost_.target_for(c.name, bmc, password));
        check_or_throw(consoles_.reserve(target.name, c.name));
        auto shared_reply = std::make_shared<sdbus::Result<sdbus::UnixFd>>(std::move(reply));
        completions_.run([this, reply = shared_reply, target = std::move(target), who = c.name]() mutable {
          auto session = std::make_shared<Result<std::unique_ptr<SolSession>>>(bmc_.open_sol(target));
          std::fill(target.password.begin(), target.password.end(), '\0');
          return [this, reply, session, who, name = target.name] {
            const std::string what = "console " + name + " attach by=" + who;
            Result<int> fd = *session ? consoles_.attach(name, std::move(**session)) : Result<int>(session->error());
            if (!*session) consoles_.release(name);
            if (!fd) {
              log::warning(what + ": FAILED: " + fd.error().message);
              reply->returnError(sdbus::Error(bus::error_name(fd.error().code), fd.error().message));
              return;
            }
            log::notice(what + ": done");
            reply->returnResults(sdbus::UnixFd(*fd, sdbus::adopt_fd));
          };
        });
      });
  object_->registerMethod("ConsoleBreak")
      .onInterface(t)
      .withInputParamNames("bmc")
      .implementedAs([this, t](const std::string& bmc) {
        Caller c = authorize_call(t, "ConsoleBreak");
        check_or_throw(consoles_.send_break(bmc, c.name));
        log::notice("console " + bmc + " break by=" + c.name);
      });
}

}  // namespace ij
