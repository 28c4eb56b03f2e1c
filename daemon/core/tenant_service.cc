#include "daemon/core/tenant_service.h"

#include <algorithm>
#include <set>
#include <memory>

#include "common/base/log.h"
#include "common/base/strings.h"
#include "common/ipmi/power.h"
#include "daemon/model/fields.h"
#include "common/model/names.h"
#include "common/console/protocol.h"
#include "daemon/core/power_job.h"

namespace ij {
namespace {

// Where and how to open a session to `e`'s BMC; the password is not in it
// (each caller decides which one goes there).
BmcTarget session_target(const Enrollment& e) {
  BmcTarget t;
  t.name = e.name;
  t.host = e.bmc_address.address.str();
  t.user = e.bmc_user;
  t.settings = e.ipmi;
  return t;
}

// The same with the stored password.
BmcTarget stored_target(const Enrollment& e) {
  BmcTarget t = session_target(e);
  t.password = SecretText(std::string(e.bmc_password.reveal()));
  return t;
}

// A probe of `t`, with the warnings of what it found; the password is
// wiped when it is done.
Result<BmcProbe> probe_with_warnings(Bmc& bmc, BmcTarget& t) {
  auto p = bmc.probe(t);
  t.password.clear();
  if (p) p->warnings = probe_warnings(*p);
  return p;
}

}  // namespace

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
  BmcTarget t = session_target(e);
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

void TenantService::power(const std::string& tenant, const std::string& bmc, const std::string& action, bool wait,
                          std::string password, std::function<void(Result<bus::PowerView>)> done) {
  auto a = parse_power_action(action);
  if (!a) {
    wipe(password);
    return done(a.error());
  }
  if (wait && !power_goal(*a)) {
    wipe(password);
    return done(make_error(Errc::invalid_argument, std::string("power ") + power_action_name(*a) +
                                                       " has no state to wait for"));
  }
  auto target = target_for(tenant, bmc, std::move(password));
  if (!target) return done(target.error());
  if (Status s = begin_request(tenant); !s) {
    target->password.clear();
    return done(s.error());
  }
  Ticket ticket = ticket_for(target->name);
  PowerJob job{std::move(*target), *a, wait, ticket};
  run_power(executor_, bmc_, std::move(job), [this, tenant, ticket, done = std::move(done)](PowerOutcome o) {
    end_request(tenant);
    if (!ticket->valid() && o.view.ok) {  // done, but the BMC is not the tenant's any more
      o.view.ok = false;
      o.error = ticket->voided();
      o.view.error = o.error.message;
    }
    audit_power(o.view, tenant, tenant, ticket->valid());
    if (!o.view.ok) return done(o.error);
    done(std::move(o.view));
  });
}

void TenantService::audit_power(const bus::PowerView& v, const std::string& owner, const std::string& caller,
                                bool to_console) {
  const std::string what = "power " + v.action + " " + v.bmc + " by=" + caller;
  log::Fields f{"power-" + v.action, v.bmc, owner, caller, "failed"};
  if (v.ok) {
    f.result = v.action == "status" || v.waited ? v.power : "ok";
    // A read changes nothing (list --status asks every BMC): info, not notice.
    if (v.action == "status") log::info(what + ": " + bus::power_summary(v), f);
    else log::notice(what + ": " + bus::power_summary(v), f);
  } else {
    log::warning(what + ": FAILED: " + v.error, f);
  }
  // The console's log and viewers see what was done to the machine (not
  // once it is another tenant's).
  if (v.action != "status" && to_console)
    consoles_.note(v.bmc, "power " + v.action + " by " + caller + ": " + (v.ok ? std::string("done") : "failed: " + v.error));
}

void TenantService::operator_power(const std::string& user, const std::vector<std::string>& names,
                                   const std::string& owner, bool all, const std::string& action, bool wait,
                                   uint32_t fanout, std::function<void(Result<std::vector<bus::PowerView>>)> done) {
  if (!names.empty() + !owner.empty() + all != 1)
    return done(make_error(Errc::invalid_argument, "power needs the BMCs one way: names, an owner, or all"));
  auto a = parse_power_action(action);
  if (!a) return done(a.error());
  if (wait && !power_goal(*a))
    return done(make_error(Errc::invalid_argument, std::string("power ") + power_action_name(*a) +
                                                       " has no state to wait for"));
  if (fanout > kMaxFanout)
    return done(make_error(Errc::invalid_argument, "--fanout must be 1-" + std::to_string(kMaxFanout)));
  if (fanout == 0) fanout = kMaxFanout;
  // Which BMCs: each name must be enrolled, checked before anything runs.
  std::vector<const Enrollment*> chosen;
  if (!names.empty()) {
    std::set<std::string> seen;
    for (const std::string& n : names) {
      const Enrollment* e = state_.find(n);
      if (!e) return done(make_error(Errc::not_found, "no BMC named " + quote_for_message(n) + " is enrolled"));
      if (seen.insert(n).second) chosen.push_back(e);  // twice is once: never two cycles at once
    }
  } else if (!owner.empty()) {
    chosen = state_.owned_by(owner);
    if (chosen.empty()) return done(make_error(Errc::not_found, "tenant " + quote_for_message(owner) + " owns no BMC"));
  } else {
    for (const auto& [n, e] : state_.enrollments) chosen.push_back(&e);
  }
  struct Fan {
    std::vector<PowerJob> jobs;
    std::vector<bus::PowerView> results;
    std::vector<Ticket> tickets;
    size_t next = 0, running = 0, left = 0, failed = 0;
    bool pumping = false;
    uint32_t width = 0;
    std::string user;
    std::map<std::string, std::string> owners;
    std::function<void(Result<std::vector<bus::PowerView>>)> done;
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  };
  auto fan = std::make_shared<Fan>();
  fan->width = fanout;
  fan->user = user;
  fan->done = std::move(done);
  fan->results.resize(chosen.size());
  fan->left = chosen.size();
  for (size_t i = 0; i < chosen.size(); ++i) {
    const Enrollment& e = *chosen[i];
    fan->owners[e.name] = e.owner;
    fan->results[i].bmc = e.name;
    fan->results[i].action = power_action_name(*a);
    PowerJob job;
    job.target = session_target(e);
    job.action = *a;
    job.wait = wait;
    job.ticket = ticket_for(e.name);
    fan->tickets.push_back(job.ticket);
    if (e.bmc_password.empty()) {
      // Only its tenant knows it: nothing to run, said in its line.
      fan->results[i].error = "no BMC password is stored (its tenant types it per request)";
      audit_power(fan->results[i], e.owner, user, false);
      --fan->left;
      ++fan->failed;
      job.target.name.clear();
    } else {
      job.target.password = SecretText(std::string(e.bmc_password.reveal()));
    }
    fan->jobs.push_back(std::move(job));
  }
  log::notice("power " + std::string(power_action_name(*a)) + (wait ? " --wait" : "") + " of " +
                  std::to_string(chosen.size()) + " BMCs by=" + user + " (fan-out " + std::to_string(fanout) + ")",
              {"power-" + std::string(power_action_name(*a)), "", "", user, "started"});
  auto finish_all = [](const std::shared_ptr<Fan>& f) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - f->start).count();
    char took[32];
    std::snprintf(took, sizeof took, "%.1f", secs);
    log::notice("power " + (f->results.empty() ? std::string("?") : f->results[0].action) + " by=" + f->user + ": " +
                    std::to_string(f->results.size() - f->failed) + " of " + std::to_string(f->results.size()) +
                    " BMCs done in " + took + " s",
                {"power-fanout", "", "", f->user, f->failed ? "failed" : "done"});
    f->done(std::move(f->results));
  };
  // Starts jobs until `width` run; each one's end starts the next. The
  // pump holds itself only weakly (the jobs in flight hold it), and a job
  // answered at once (the executor refused it) re-enters it: the running
  // loop goes on instead.
  auto pump = std::make_shared<std::function<void()>>();
  std::weak_ptr<std::function<void()>> weak_pump = pump;
  *pump = [this, fan, weak_pump, finish_all] {
    if (fan->pumping) return;
    fan->pumping = true;
    while (fan->running < fan->width && fan->next < fan->jobs.size()) {
      const size_t i = fan->next++;
      if (fan->jobs[i].target.name.empty()) continue;  // answered already
      ++fan->running;
      auto self = weak_pump.lock();
      run_power(executor_, bmc_, std::move(fan->jobs[i]), [this, fan, self, finish_all, i](PowerOutcome o) {
        --fan->running;
        --fan->left;
        if (!o.view.ok) ++fan->failed;
        audit_power(o.view, fan->owners[o.view.bmc], fan->user, fan->tickets[i]->valid());
        fan->results[i] = std::move(o.view);
        if (fan->left == 0) return finish_all(fan);
        if (self) (*self)();
      });
    }
    fan->pumping = false;
  };
  if (fan->left == 0) {
    finish_all(fan);
    return;
  }
  (*pump)();
}

// One request on one of the tenant's BMCs, off the bus thread: `work` runs
// on a worker with the session target, `done` gets its answer on the bus
// thread, and the journal says who did what with which result.
template <class T>
void TenantService::on_bmc(const std::string& tenant, const std::string& bmc, std::string password,
                           const std::string& operation, bool changes,
                           std::function<Result<T>(Bmc&, const BmcTarget&)> work,
                           std::function<std::string(const T&)> result_word, std::function<void(Result<T>)> done) {
  auto target = target_for(tenant, bmc, std::move(password));
  if (!target) return done(target.error());
  if (Status s = begin_request(tenant); !s) {
    target->password.clear();
    return done(s.error());
  }
  auto finish = std::make_shared<std::function<void(Result<T>)>>(std::move(done));
  Ticket ticket = ticket_for(target->name);
  Bmc& device = bmc_;  // the work refers to nothing of this service's
  Status queued = executor_.run([this, &device, ticket, target = std::move(*target), work, result_word, tenant,
                                 operation, changes, finish]() mutable -> Executor::Done {
    Result<T> r = ticket->voided();
    if (ticket->valid()) {
      try {
        r = work(device, target);
      } catch (const std::exception& e) {  // a bug: the tenant gets an answer, and the slot comes back
        r = make_error(Errc::failed, std::string("internal error: ") + e.what());
      }
    }
    target.password.clear();
    return [this, ticket, r = std::move(r), tenant, operation, changes, result_word, name = target.name,
            finish]() mutable {
      end_request(tenant);
      if (r && !ticket->valid()) r = ticket->voided();  // done, but no longer the tenant's to be told
      const std::string what = operation + " " + name + " by=" + tenant;
      log::Fields f{operation, name, tenant, tenant, "failed"};
      if (r) {
        f.result = result_word(*r);
        if (changes) log::notice(what + ": " + f.result, f);
        else log::info(what + ": " + f.result, f);
      } else {
        log::warning(what + ": FAILED: " + r.error().message, f);
      }
      if (changes && ticket->valid())
        consoles_.note(name, operation + " by " + tenant + ": " + (r ? f.result : "failed: " + r.error().message));
      (*finish)(std::move(r));
    };
  });
  if (!queued) {
    end_request(tenant);
    (*finish)(queued.error());
  }
}

void TenantService::boot_device(const std::string& tenant, const std::string& bmc, const std::string& device,
                                bool persistent, bool efi, std::string password,
                                std::function<void(Result<bus::BootView>)> done) {
  std::optional<BootSetting> setting;
  if (!device.empty()) {
    auto d = parse_boot_device(device);
    if (!d) {
      wipe(password);
      return done(d.error());
    }
    setting = BootSetting{*d, persistent, efi};
  }
  auto view = [](const std::string& name, const BootSetting& s) {
    return bus::BootView{name, boot_device_name(s.device), s.persistent, s.efi};
  };
  on_bmc<bus::BootView>(
      tenant, bmc, std::move(password), setting ? "bootdev-set" : "bootdev-read", setting.has_value(),
      [setting, view](Bmc& b, const BmcTarget& t) -> Result<bus::BootView> {
        if (setting) {
          IJ_TRY(b.set_boot_device(t, *setting));
          return view(t.name, *setting);
        }
        auto s = b.boot_device(t);
        if (!s) return s.error();
        return view(t.name, *s);
      },
      [](const bus::BootView& v) {
        return v.device + (v.device == "none" ? "" : v.persistent ? " persistent" : " once") + (v.efi ? " efi" : "");
      },
      std::move(done));
}

void TenantService::identify(const std::string& tenant, const std::string& bmc, uint32_t seconds, bool forever,
                             std::string password, std::function<void(Result<bus::IdentifyView>)> done) {
  if (!forever && seconds > kMaxIdentifySeconds) {
    wipe(password);
    return done(make_error(Errc::invalid_argument,
                           "identify lasts at most " + std::to_string(kMaxIdentifySeconds) + " s (or 'on' until 'off')"));
  }
  IdentifyRequest req{forever ? 0u : seconds, forever};
  on_bmc<bus::IdentifyView>(
      tenant, bmc, std::move(password), "identify", true,
      [req](Bmc& b, const BmcTarget& t) -> Result<bus::IdentifyView> {
        IJ_TRY(b.identify(t, req));
        return bus::IdentifyView{t.name, req.forever || req.seconds > 0, req.seconds, req.forever};
      },
      [](const bus::IdentifyView& v) {
        return !v.on ? std::string("off") : v.forever ? std::string("on") : "on for " + std::to_string(v.seconds) + " s";
      },
      std::move(done));
}

void TenantService::sel(const std::string& tenant, const std::string& bmc, bool clear, std::string password,
                        std::function<void(Result<bus::SelView>)> done) {
  on_bmc<bus::SelView>(
      tenant, bmc, std::move(password), clear ? "sel-clear" : "sel-list", clear,
      [clear](Bmc& b, const BmcTarget& t) -> Result<bus::SelView> {
        bus::SelView v;
        v.bmc = t.name;
        if (clear) {
          IJ_TRY(b.sel_clear(t));
          v.cleared = true;
          return v;
        }
        auto events = b.sel_list(t);
        if (!events) return events.error();
        v.events = std::move(*events);
        return v;
      },
      [](const bus::SelView& v) { return v.cleared ? std::string("cleared") : std::to_string(v.events.size()) + " events"; },
      std::move(done));
}

void TenantService::sensors(const std::string& tenant, const std::string& bmc, std::string password,
                            std::function<void(Result<bus::SensorsView>)> done) {
  on_bmc<bus::SensorsView>(
      tenant, bmc, std::move(password), "sensors", false,
      [](Bmc& b, const BmcTarget& t) -> Result<bus::SensorsView> {
        auto readings = b.sensors(t);
        if (!readings) return readings.error();
        return bus::SensorsView{t.name, std::move(*readings)};
      },
      [](const bus::SensorsView& v) { return std::to_string(v.sensors.size()) + " sensors"; }, std::move(done));
}

Result<BmcProbe> TenantService::probe_now(const Enrollment& e) {
  BmcTarget t = stored_target(e);
  return probe_with_warnings(bmc_, t);
}

void TenantService::check_bmc(const std::string& user, const std::string& name,
                              std::function<void(Result<bus::ProbeView>)> done) {
  const Enrollment* e = state_.find(name);
  if (!e) return done(make_error(Errc::not_found, "no BMC named " + quote_for_message(name) + " is enrolled"));
  if (e->bmc_password.empty())
    return done(make_error(Errc::invalid_argument, "BMC " + name + " has no stored password (its tenant types it "
                                                   "per request): there is nothing to check"));
  auto finish = std::make_shared<std::function<void(Result<bus::ProbeView>)>>(std::move(done));
  Status queued = executor_.run([this, t = stored_target(*e), user, finish]() mutable -> Executor::Done {
    auto p = probe_with_warnings(bmc_, t);
    return [p = std::move(p), name = t.name, user, finish] {
      log::Fields f{"check", name, "", user, "failed"};
      if (p) {
        f.result = p->credentials_ok ? "ok" : "refused";
        log::notice("check " + name + " by=" + user + ": credentials " + (p->credentials_ok ? "work" : "refused"), f);
        return (*finish)(bus::ProbeView{name, *p});
      }
      log::warning("check " + name + " by=" + user + ": FAILED: " + p.error().message, f);
      (*finish)(p.error());
    };
  });
  if (!queued) (*finish)(queued.error());
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

void TenantService::deactivate_console(const std::string& user, const std::string& bmc,
                                       std::function<void(Result<std::string>)> done) {
  // Journaled as the console server does it (refused, started, done or failed).
  auto journal_refusal = [&](const Error& why) {
    log::notice("console " + quote_for_message(bmc) + " deactivate by=" + user + ": refused: " + why.message,
                {"console-deactivate", bmc, "", user, "refused"});
    return why;
  };
  if (!state_.find(bmc))
    return done(journal_refusal(make_error(Errc::not_found, "no BMC named " + quote_for_message(bmc) + " is enrolled")));
  auto finish = std::make_shared<std::function<void(Result<std::string>)>>(std::move(done));
  Status queued = executor_.run([this, user, bmc, finish]() -> Executor::Done {
    auto r = std::make_shared<Result<AfterDeactivation>>(consoles_.deactivate(bmc, user));
    return [r, bmc, finish] {
      if (!*r) return (*finish)(r->error());
      std::string then;
      switch (**r) {
        case AfterDeactivation::connects: then = "the jumphost's console connects again"; break;
        case AfterDeactivation::free: then = "the SOL is free (the jumphost holds it only while someone is attached)"; break;
        case AfterDeactivation::gone: then = "the BMC was revoked meanwhile"; break;
      }
      (*finish)("console " + bmc + ": the SOL session that held the BMC's serial console is ended (if one was active); " +
                then);
    };
  });
  if (!queued) (*finish)(journal_refusal(queued.error().with_context("deactivate " + bmc + "'s SOL")));
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
    s.target = session_target(e);
    s.password = e.bmc_password;  // the shared buffer, not a copy
    s.mode = e.console_log.value_or(config_.console_log);
    specs.push_back(std::move(s));
  }
  return specs;
}

Ticket TenantService::ticket_for(const std::string& bmc) {
  auto it = tickets_.find(bmc);
  if (it != tickets_.end()) return it->second.ticket;
  const Enrollment* e = state_.find(bmc);
  Ticket t = std::make_shared<AccessTicket>(bmc);
  tickets_[bmc] = TicketEntry{e ? e->owner : "", t};
  return t;
}

void TenantService::sync_consoles() {
  // Access that is gone (a revoke) or moved (a new owner) voids what was
  // accepted under it, and the BMC's cached SDR goes with it.
  for (auto it = tickets_.begin(); it != tickets_.end();) {
    const Enrollment* e = state_.find(it->first);
    if (e && e->owner == it->second.owner) {
      ++it;
      continue;
    }
    it->second.ticket->void_it();
    bmc_.forget(it->first);
    it = tickets_.erase(it);
  }
  consoles_.configure(console_specs());
}

}  // namespace ij
