#include "daemon/core/tenant_service.h"

#include <algorithm>
#include <memory>

#include "common/base/log.h"
#include "common/base/strings.h"
#include "common/ipmi/power.h"
#include "daemon/model/fields.h"
#include "common/model/names.h"
#include "common/console/protocol.h"

namespace ij {

TenantService::TenantService(const Config& config, const State& state, Bmc& bmc, Executor& executor,
                             ConsoleServer& consoles)
    : config_(config), state_(state), bmc_(bmc), executor_(executor), consoles_(consoles) {}

bus::TenantBmcs TenantService::list_mine(const std::string& tenant) const {
  bus::TenantBmcs mine;
  mine.user = tenant;
  mine.jumphost = config_.public_host.empty() ? "JUMPHOST" : config_.public_host;
  mine.port = config_.public_port;
  for (const Enrollment* e : state_.owned_by(tenant))
    mine.bmcs.push_back(bus::TenantBmc{e->name, bmc_host_name(e->name), e->ports, !e->bmc_password.empty(),
                                       !e->bmc_user.empty()});
  return mine;
}

std::vector<std::string> TenantService::owned_names(const std::string& tenant) const {
  std::vector<std::string> names;
  for (const Enrollment* e : state_.owned_by(tenant)) names.push_back(e->name);
  return names;
}

Result<BmcTarget> TenantService::target_for(const std::string& tenant, const std::string& bmc,
                                            std::string password) const {
  auto name = bus::choose_bmc(owned_names(tenant), bmc);
  if (!name) {
    wipe(password);
    return name.error();
  }
  const Enrollment& e = *state_.find(*name);
  BmcTarget t;
  t.name = e.name;
  t.host = e.bmc_address.address.str();
  t.user = e.bmc_user;
  t.settings = e.ipmi;
  if (e.bmc_password.empty()) {
    Status valid = validate_bmc_password(password);
    t.password = SecretText(std::move(password));
    if (!valid) return valid.error();
  } else {
    wipe(password);
    t.password = SecretText(std::string(e.bmc_password.reveal()));
  }
  return t;
}

Status TenantService::begin_request(const std::string& tenant) {
  int& n = inflight_[tenant];
  if (n >= kMaxRequestsPerTenant)
    return make_error(Errc::failed, "you have " + std::to_string(kMaxRequestsPerTenant) +
                                        " requests running already; wait for them");
  ++n;
  return ok_status();
}

void TenantService::end_request(const std::string& tenant) {
  if (--inflight_[tenant] <= 0) inflight_.erase(tenant);
}

void TenantService::power(const std::string& tenant, const std::string& bmc, const std::string& action,
                          std::string password, std::function<void(Result<std::string>)> done) {
  auto a = parse_power_action(action);
  if (!a) {
    wipe(password);
    return done(a.error());
  }
  auto target = target_for(tenant, bmc, std::move(password));
  if (!target) return done(target.error());
  if (Status s = begin_request(tenant); !s) {
    target->password.clear();
    return done(s.error());
  }
  auto finish = std::make_shared<std::function<void(Result<std::string>)>>(std::move(done));
  Status queued = executor_.run([this, target = *target, a = *a, tenant, finish]() mutable {
    Result<std::string> r = make_error(Errc::failed, "not run");
    if (a == PowerAction::status) {
      auto on = bmc_.power_status(target);
      r = on ? Result<std::string>(target.name + ": " + (*on ? "on" : "off")) : Result<std::string>(on.error());
    } else {
      Status s = bmc_.power_control(target, a);
      r = s ? Result<std::string>(target.name + ": ok") : Result<std::string>(s.error());
    }
    target.password.clear();
    return [this, r = std::move(r), tenant, name = target.name, a, finish] {
      end_request(tenant);
      const std::string what = std::string("power ") + power_action_name(a) + " " + name + " by=" + tenant;
      log::Fields f{std::string("power-") + power_action_name(a), name, tenant, tenant, "failed"};
      if (r) {
        const std::string& answer = *r;
        f.result = answer.substr(answer.rfind(' ') + 1);  // "web01: on" -> "on"
        log::notice(what + ": " + answer, f);
      } else {
        log::warning(what + ": FAILED: " + r.error().message, f);
      }
      // The console's log and viewers see what was done to the machine.
      if (a != PowerAction::status)
        consoles_.note(name, std::string("power ") + power_action_name(a) + " by " + tenant + ": " +
                                 (r ? std::string("done") : "failed: " + r.error().message));
      (*finish)(r);
    };
  });
  target->password.clear();
  if (!queued) {
    end_request(tenant);
    (*finish)(queued.error());
  }
}

namespace {

Error bad_console_mode(const std::string& mode) {
  return make_error(Errc::invalid_argument, "console mode " + quote_for_message(mode) + " is not read-only or force");
}

}  // namespace

Result<int> TenantService::console(const std::string& tenant, const std::string& bmc, std::string password,
                                   const std::string& mode) {
  auto m = console::parse_attach_mode(mode);
  auto name = bus::choose_bmc(owned_names(tenant), bmc);
  if (!m || !name) {
    wipe(password);
    if (!m) return bad_console_mode(mode);
    return name.error();
  }
  if (!password.empty()) {
    if (Status valid = validate_bmc_password(password); !valid) {
      wipe(password);
      return valid.error();
    }
  }
  AttachRequest r;
  r.bmc = *name;
  r.user = tenant;
  r.mode = *m;
  r.password = SecretText(std::move(password));
  return consoles_.attach(std::move(r));
}

Result<int> TenantService::operator_console(const std::string& user, const std::string& bmc, const std::string& mode) {
  auto m = console::parse_attach_mode(mode);
  if (!m) return bad_console_mode(mode);
  if (!state_.find(bmc)) return make_error(Errc::not_found, "no BMC named " + quote_for_message(bmc) + " is enrolled");
  AttachRequest r;
  r.bmc = bmc;
  r.user = user;
  r.by_operator = true;
  r.mode = *m;
  return consoles_.attach(std::move(r));
}

Result<std::vector<uint8_t>> TenantService::console_log(const std::string& tenant, const std::string& bmc,
                                                        uint32_t lines) {
  auto name = bus::choose_bmc(owned_names(tenant), bmc);
  if (!name) return name.error();
  return read_console_log(*name, lines);
}

Result<std::vector<uint8_t>> TenantService::read_console_log(const std::string& name, uint32_t lines) {
  const Enrollment* e = state_.find(name);
  if (!e) return make_error(Errc::not_found, "no BMC named " + quote_for_message(name) + " is enrolled");
  if (lines < 1 || lines > console::kMaxLogLines)
    return make_error(Errc::invalid_argument, "--lines must be 1-" + std::to_string(console::kMaxLogLines));
  if (e->console_log.value_or(config_.console_log) == ConsoleLogMode::off)
    return make_error(Errc::not_found, "no log is kept of " + name + "'s console (its console_log is off)");
  auto text = consoles_.read_log(name, lines);
  if (!text) return text.error();
  return std::vector<uint8_t>(text->begin(), text->end());
}

void TenantService::end_console(const std::string& bmc, const std::string& why) {
  consoles_.end(bmc, why);
  log::notice("console " + bmc + " ended: " + why, {"console-end", bmc, "", "", "ended"});
}

std::vector<ConsoleSpec> TenantService::console_specs() const {
  std::vector<ConsoleSpec> specs;
  for (const auto& [name, e] : state_.enrollments) {
    ConsoleSpec s;
    s.name = name;
    s.owner = e.owner;
    s.target.name = e.name;
    s.target.host = e.bmc_address.address.str();
    s.target.user = e.bmc_user;
    s.target.settings = e.ipmi;
    s.password = e.bmc_password;  // the shared buffer, not a copy
    s.mode = e.console_log.value_or(config_.console_log);
    specs.push_back(std::move(s));
  }
  return specs;
}

void TenantService::sync_consoles() { consoles_.configure(console_specs()); }

}  // namespace ij
