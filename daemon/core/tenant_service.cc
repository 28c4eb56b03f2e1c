#include "daemon/core/tenant_service.h"

#include <algorithm>
#include <memory>

#include "common/base/log.h"
#include "common/base/strings.h"
#include "common/ipmi/power.h"
#include "daemon/model/fields.h"
#include "common/model/names.h"

namespace ij {

TenantService::TenantService(const Config& config, const State& state, Bmc& bmc, Executor& executor,
                             const Clock& clock)
    : config_(config), state_(state), bmc_(bmc), executor_(executor), consoles_(clock) {}

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
      (*finish)(r);
    };
  });
  target->password.clear();
  if (!queued) {
    end_request(tenant);
    (*finish)(queued.error());
  }
}

void TenantService::console(const std::string& tenant, const std::string& bmc, std::string password,
                            std::function<void(Result<int>)> done) {
  auto target = target_for(tenant, bmc, std::move(password));
  if (!target) return done(target.error());
  // Reserved before the (slow) SOL session opens, so two attaches cannot race.
  if (Status s = consoles_.reserve(target->name, tenant); !s) {
    target->password.clear();
    return done(s.error());
  }
  auto finish = std::make_shared<std::function<void(Result<int>)>>(std::move(done));
  Status queued = executor_.run([this, target = *target, tenant, finish]() mutable {
    auto session = std::make_shared<Result<std::unique_ptr<SolSession>>>(bmc_.open_sol(target));
    target.password.clear();
    return [this, session, tenant, name = target.name, finish] {
      const std::string what = "console " + name + " attach by=" + tenant;
      // The BMC may have been revoked (or given to another tenant) while
      // the session opened: it goes unused.
      const Enrollment* still = state_.find(name);
      if (*session && (!still || still->owner != tenant))
        *session = make_error(Errc::not_found, "you have no BMC named " + name + " any more (it was revoked)");
      if (!*session) consoles_.release(name);
      Result<int> fd = *session ? consoles_.attach(name, std::move(**session)) : Result<int>(session->error());
      log::Fields f{"console-attach", name, tenant, tenant, "done"};
      if (fd) {
        log::notice(what + ": done", f);
      } else {
        f.result = "failed";
        log::warning(what + ": FAILED: " + fd.error().message, f);
      }
      (*finish)(fd);
    };
  });
  target->password.clear();
  if (!queued) {
    consoles_.release(target->name);
    (*finish)(queued.error());
  }
}

void TenantService::end_console(const std::string& bmc, const std::string& why) {
  if (consoles_.end(bmc, "\r\n[console " + bmc + ": " + why + "]\r\n"))
    log::notice("console " + bmc + " ended: " + why, {"console-end", bmc, "", "", "ended"});
}

Status TenantService::console_break(const std::string& tenant, const std::string& bmc) {
  auto name = bus::choose_bmc(owned_names(tenant), bmc);
  if (!name) return name.error();
  IJ_TRY(consoles_.send_break(*name, tenant));
  log::notice("console " + *name + " break by=" + tenant, {"console-break", *name, tenant, tenant, "done"});
  return ok_status();
}

}  // namespace ij
