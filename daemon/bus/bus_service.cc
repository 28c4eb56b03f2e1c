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
void fill_enroll_request(EnrollRequest& r, const std::string& name, uint32_t vlan, const bus::EnrollOptions& o,
                         IpmiPrivilege privilege) {
  r.name = name;
  r.vlan = vlan;
  r.owner = o.owner.value_or("");
  r.bmc_address = o.bmc_address.value_or("");
  r.trunk = o.trunk.value_or("");
  for (const bus::KeyFile& k : o.keys.value_or(std::vector<bus::KeyFile>{})) r.keys.push_back(KeySource{k.label, k.text});
  if (o.ports) r.ports = std::vector<unsigned>(o.ports->begin(), o.ports->end());
  r.bmc_user = o.bmc_user.value_or("");
  if (o.bmc_password) r.bmc_password = *o.bmc_password;  // a copy, no temporary
  r.switch_port = o.switch_port.value_or("");
  r.ipmi.privilege = privilege;
  if (o.cipher_suite) r.ipmi.cipher_suite = *o.cipher_suite;
  r.ipmi.workarounds = o.ipmi_workarounds.value_or(std::vector<std::string>{});
}

// Wipes a decoded copy of a password however the scope is left.
struct WipeOnExit {
  std::optional<std::string>& p;
  ~WipeOnExit() {
    if (p) wipe(*p);
  }
};

// Set's request from the bus's options (those of Enroll that Set takes),
// filled in place: the password is never in a temporary.
Status fill_set_request(SetRequest& r, const std::string& name, const bus::VariantMap& wire) {
  auto o = bus::decode_enroll_options(wire);
  if (!o) return o.error();
  // The decoded copy of the password goes however this returns.
  WipeOnExit wipe_decoded{o->bmc_password};
  if (o->keys) return make_error(Errc::invalid_argument, "keys change with key add and key remove");
  if (o->bmc_address)
    return make_error(Errc::invalid_argument, "the BMC's address does not change in place: revoke and enroll");
  if (o->trunk) return make_error(Errc::invalid_argument, "the BMC's trunk does not change in place: revoke and enroll");
  r.name = name;
  r.owner = o->owner;
  if (o->ports) r.ports = std::vector<unsigned>(o->ports->begin(), o->ports->end());
  r.bmc_user = o->bmc_user;
  r.bmc_password = o->bmc_password;
  r.switch_port = o->switch_port;
  if (o->ipmi_privilege) {
    auto p = parse_privilege(*o->ipmi_privilege);
    if (!p) return p.error();
    r.privilege = *p;
  }
  if (o->cipher_suite) r.cipher_suite = *o->cipher_suite;
  r.workarounds = o->ipmi_workarounds;
  if (o->console_log) {
    auto mode = parse_console_log_mode(*o->console_log);
    if (!mode) return mode.error();
    r.console_log = *mode;
  }
  r.check = o->check.value_or(false);
  return ok_status();
}

// A request that carries a BMC password, wiped however the change ends (it
// travels to a worker and back, and a refusal drops it early).
struct HeldEnroll {
  EnrollRequest r;
  ~HeldEnroll() { wipe(r.bmc_password); }
};
struct HeldSet {
  SetRequest r;
  ~HeldSet() {
    if (r.bmc_password) wipe(*r.bmc_password);
  }
};

}  // namespace

BusService::BusService(sdbus::IConnection& connection, Jumphost& jumphost, TenantService& tenants,
                       ConsoleServer& consoles, Executor& executor, const Clock& clock)
    : object_(sdbus::createObject(connection, bus::kObjectPath)),
      dispatcher_(*object_, [this](bus::Role role, const char* method) { return authorize_call(role, method); }),
      jumphost_(jumphost),
      admin_(jumphost, &tenants, [&tenants](const Enrollment& e) { return tenants.probe_now(e); }),
      tenants_(tenants),
      consoles_(consoles),
      executor_(executor),
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

Status BusService::host_free(const std::string& what) const {
  switch (busy_) {
    case Busy::no:
      return ok_status();
    case Busy::reconcile:
      return make_error(Errc::failed, what + ": the daemon is reconciling the host with its configuration (a reload, "
                                             "or the trunk appeared); nothing was changed: try again in a moment");
    case Busy::change:
      break;
  }
  return make_error(Errc::failed, what + ": another change is running (an enroll or set with --check, which waits "
                                         "on its BMC); nothing was changed: try again in a moment");
}

bool BusService::run_host_work(std::function<void()> work, std::function<void()> then) {
  if (busy_ != Busy::no) return false;
  busy_ = Busy::reconcile;
  Status queued = executor_.run([this, work = std::move(work), then = std::move(then)]() -> Executor::Done {
    // Whatever happens, a Done comes back: busy_ must not stay set.
    try {
      work();
    } catch (const std::exception& e) {
      log::error(std::string("the reconcile stopped: ") + e.what());
    }
    return [this, then] {
      busy_ = Busy::no;
      then();
      if (on_idle_) on_idle_();
    };
  });
  if (!queued) {
    busy_ = Busy::no;
    log::error("cannot start the reconcile off the bus thread: " + queued.error().message);
    return false;
  }
  return true;
}

void BusService::run_change(const std::string& what, bool off_thread, std::function<Result<Enrollment>()> change,
                            Replier<bus::EnrollmentView> reply) {
  if (Status free = host_free(what); !free) return reply(free.error());
  auto done = [this, reply](Result<Enrollment> e) {
    if (!e) return reply(e.error());
    tenants_.sync_consoles();
    reply(enrollment_view(*e, jumphost_.config.console_log));
  };
  if (!off_thread) return done(change());
  auto commit = std::make_shared<Admin::Commit>();
  Status queued = executor_.run([this, what, change = std::move(change), commit, done]() -> Executor::Done {
    auto result = std::make_shared<Result<Enrollment>>(make_error(Errc::failed, "the change did not run"));
    admin_.defer_commit(commit.get());
    try {
      *result = change();
    } catch (const std::exception& e) {
      log::error(what + " stopped: " + e.what());
      *result = make_error(Errc::failed, what + " stopped: " + e.what() + "; see the daemon's log");
    }
    admin_.defer_commit(nullptr);
    return [this, what, result, commit, done] {
      // Whatever happens here, the next change must not be refused for ever.
      busy_ = Busy::no;
      if (commit->state) jumphost_.state = std::move(*commit->state);
      ++jumphost_.generation;
      for (auto& after : commit->after) {
        try {
          after();
        } catch (const std::exception& e) {
          log::error(what + ": ending the access it took away: " + e.what());
        }
      }
      done(std::move(*result));
      if (on_idle_) on_idle_();
    };
  });
  if (!queued) return done(queued.error().with_context(what));
  // Set once queued: its Done runs on this thread, later.
  busy_ = Busy::change;
  ++jumphost_.generation;  // a doctor running now reads a host being changed
}

void BusService::serve_manager() {
  Dispatcher& d = dispatcher_;
  d.serve<bus::Enroll>([this](const Caller& c, Replier<bus::EnrollmentView> reply, const std::string& name,
                              uint32_t vlan, const bus::VariantMap& wire) {
    const std::string context = "enroll " + quote_for_message(name);
    auto options = bus::decode_enroll_options(wire);
    if (!options) return reply(options.error().with_context(context));
    WipeOnExit wipe_decoded{options->bmc_password};
    auto privilege = parse_privilege(options->ipmi_privilege.value_or("admin"));
    if (!privilege) return reply(privilege.error().with_context(context));
    auto held = std::make_shared<HeldEnroll>();
    EnrollRequest& request = held->r;
    fill_enroll_request(request, name, vlan, *options, *privilege);
    if (options->console_log) {
      auto mode = parse_console_log_mode(*options->console_log);
      if (!mode) return reply(mode.error().with_context(context));
      request.console_log = *mode;
    }
    request.check = options->check.value_or(false);
    run_change(context, request.check, [this, held, who = c.name] { return admin_.enroll(held->r, who); },
               std::move(reply));
  });
  d.serve<bus::Set>([this](const Caller& c, Replier<bus::EnrollmentView> reply, const std::string& name,
                           const bus::VariantMap& wire) {
    const std::string context = "set " + quote_for_message(name);
    auto held = std::make_shared<HeldSet>();
    if (Status filled = fill_set_request(held->r, name, wire); !filled) return reply(filled.error().with_context(context));
    run_change(context, held->r.check, [this, held, who = c.name] { return admin_.set(held->r, who); },
               std::move(reply));
  });
  d.serve<bus::Revoke>([this](const Caller& c, const std::string& name) -> Status {
    IJ_TRY(host_free("revoke " + quote_for_message(name)));
    Status s = admin_.revoke(name, c.name);
    tenants_.sync_consoles();
    return s;
  });
  d.serve<bus::List>([this](const Caller&) -> Result<std::vector<bus::EnrollmentView>> {
    return list_view(jumphost_.state, jumphost_.config.console_log);
  });
  d.serve<bus::Show>([this](const Caller&, const std::string& name) {
    return show_view(jumphost_.state, name, jumphost_.config.console_log);
  });
  d.serve<bus::AddKeys>([this](const Caller& c, const std::string& user, const std::string& source,
                               const std::string& text) -> Result<std::vector<std::string>> {
    IJ_TRY(host_free("key add " + quote_for_message(user)));
    return admin_.add_keys(user, KeySource{source, text}, c.name);
  });
  d.serve<bus::RemoveKey>([this](const Caller& c, const std::string& user, const std::string& fingerprint) -> Status {
    IJ_TRY(host_free("key remove " + quote_for_message(user)));
    return admin_.remove_key(user, fingerprint, c.name);
  });
  // The doctor reads the whole host (every link, file and tenant): it runs
  // on a worker, on copies of the configuration and the state, and the bus
  // answers others meanwhile. A change made while it runs is said.
  d.serve<bus::Doctor>([this](const Caller& c, Replier<std::vector<bus::Finding>> reply) {
    if (doctor_running_) {
      reply(make_error(Errc::failed, "doctor: one is running already; its caller gets the findings: try again when it is done"));
      return;
    }
    auto config = std::make_shared<const Config>(jumphost_.config);
    auto state = std::make_shared<const State>(jumphost_.state);
    const uint64_t generation = jumphost_.generation;
    const bool changing = busy_ == Busy::change;  // the host is being changed under it
    Host* host = &jumphost_.host;
    doctor_running_ = true;
    log::info("doctor by=" + c.name, {"doctor", "", "", c.name, ""});
    Status queued = executor_.run([this, config, state, generation, changing, host, reply]() -> Executor::Done {
      auto findings = std::make_shared<std::vector<bus::Finding>>();
      try {
        *findings = doctor(*config, *state, *host);
      } catch (const std::exception& e) {
        findings->push_back({false, std::string("the doctor stopped: ") + e.what(), "see the daemon's log"});
      }
      return [this, findings, generation, changing, reply] {
        doctor_running_ = false;
        if (on_idle_) on_idle_();
        if (jumphost_.generation != generation || changing || busy_ == Busy::change)
          findings->push_back({false,
                               "the state changed while the doctor ran (an enroll, set, revoke or key change): "
                               "what it found about that change may be out of date",
                               "run jumpctl doctor again"});
        reply(std::move(*findings));
      };
    });
    if (!queued) {
      doctor_running_ = false;
      reply(queued.error().with_context("doctor"));
    }
  });
  d.serve<bus::SwitchConfig>([this](const Caller&, const std::string& vendor, const std::vector<std::string>& names) {
    return switch_config(jumphost_.config, jumphost_.state, vendor, names);
  });
  d.serve<bus::ClientConfig>([this](const Caller&, const std::string& name) {
    return client_config(jumphost_.config, jumphost_.state, name);
  });
  d.serve<bus::OperatorConsole>([this](const Caller& c, const std::string& name,
                                       const std::string& mode) -> Result<sdbus::UnixFd> {
    auto fd = tenants_.operator_console(c.name, name, mode);
    if (!fd) return fd.error();
    return sdbus::UnixFd(*fd, sdbus::adopt_fd);
  });
  // One IPMI session to the BMC, on a worker.
  d.serve<bus::DeactivateConsole>([this](const Caller& c, Replier<std::string> reply, const std::string& name) {
    tenants_.deactivate_console(c.name, name, std::move(reply));
  });
  // A fan-out over many BMCs, answered when the last one is done; the bus
  // serves others meanwhile.
  d.serve<bus::OperatorPower>([this](const Caller& c, Replier<std::vector<bus::PowerView>> reply,
                                     const std::vector<std::string>& names, const std::string& owner, bool all,
                                     const std::string& action, bool wait, uint32_t fanout) {
    tenants_.operator_power(c.name, names, owner, all, action, wait, fanout, std::move(reply));
  });
  d.serve<bus::CheckBmc>([this](const Caller& c, Replier<bus::ProbeView> reply, const std::string& name) {
    tenants_.check_bmc(c.name, name, std::move(reply));
  });
  d.serve<bus::Consoles>([this](const Caller&) -> Result<std::vector<bus::ConsoleView>> { return consoles_.views(); });
  d.serve<bus::OperatorConsoleLog>([this](const Caller& c, const std::string& name, uint32_t lines) {
    auto log = tenants_.read_console_log(name, lines);
    if (log)
      log::notice("console-log " + name + " read by=" + c.name + " (" + std::to_string(lines) + " lines)",
                  {"console-log-read", name, "", c.name, "done"});
    return log;
  });
}

void BusService::serve_tenant() {
  Dispatcher& d = dispatcher_;
  d.serve<bus::ListMine>([this](const Caller& c) -> Result<bus::TenantBmcs> { return tenants_.list_mine(c.name); });
  // Power opens an IPMI session, which may take seconds: the service
  // answers through the Replier when the work is done, and the bus serves
  // others meanwhile.
  d.serve<bus::Power>([this](const Caller& c, Replier<bus::PowerView> reply, const std::string& bmc,
                             const std::string& action, bool wait, std::string password) {
    tenants_.power(c.name, bmc, action, wait, std::move(password), std::move(reply));
  });
  d.serve<bus::BootDevice>([this](const Caller& c, Replier<bus::BootView> reply, const std::string& bmc,
                                  const std::string& device, bool persistent, bool efi, std::string password) {
    tenants_.boot_device(c.name, bmc, device, persistent, efi, std::move(password), std::move(reply));
  });
  d.serve<bus::Identify>([this](const Caller& c, Replier<bus::IdentifyView> reply, const std::string& bmc,
                                uint32_t seconds, bool forever, std::string password) {
    tenants_.identify(c.name, bmc, seconds, forever, std::move(password), std::move(reply));
  });
  d.serve<bus::Sel>([this](const Caller& c, Replier<bus::SelView> reply, const std::string& bmc, bool clear,
                           std::string password) {
    tenants_.sel(c.name, bmc, clear, std::move(password), std::move(reply));
  });
  d.serve<bus::Sensors>([this](const Caller& c, Replier<bus::SensorsView> reply, const std::string& bmc,
                               std::string password) { tenants_.sensors(c.name, bmc, std::move(password), std::move(reply)); });
  // The console server answers at once (the SOL session connects in its
  // loop, and the client is told there).
  d.serve<bus::Console>([this](const Caller& c, const std::string& bmc, std::string password,
                               const std::string& mode) -> Result<sdbus::UnixFd> {
    auto fd = tenants_.console(c.name, bmc, std::move(password), mode);
    if (!fd) return fd.error();
    return sdbus::UnixFd(*fd, sdbus::adopt_fd);
  });
  d.serve<bus::ConsoleLog>([this](const Caller& c, const std::string& bmc, uint32_t lines) {
    return tenants_.console_log(c.name, bmc, lines);
  });
}

}  // namespace ij
