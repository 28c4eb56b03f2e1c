// ipmi-jumphostd: the root daemon. Loads config and state, reconciles the
// host, then serves org.ipmijumphost.Jumphost1 on the system bus one request
// at a time (every change is a plan that runs to completion or rolls back;
// SIGTERM is only acted on between requests).
#include <poll.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <malloc.h>
#include <net/if.h>
#include <set>
#include <functional>
#include <string>

#include "common/base/log.h"
#include "common/base/version.h"
#include "common/bus/names.h"
#include "daemon/config/config.h"
#include "daemon/host/files_real.h"
#include "daemon/core/admin.h"
#include "daemon/core/intent.h"
#include "daemon/host/firewall_real.h"
#include "daemon/host/sockets_real.h"
#include "daemon/host/sshd_real.h"
#include "daemon/host/users_real.h"
#include "daemon/netlink/vlan_links.h"
#include "daemon/state/state_json.h"
#include "common/sys/fs.h"
#include "daemon/bus/bus_service.h"
#include "daemon/core/admin.h"
#include "daemon/core/completions.h"
#include "daemon/core/drift.h"
#include "daemon/core/reconcile.h"
#include "daemon/core/teardown.h"
#include "daemon/journal.h"

namespace {

constexpr const char* kDefaultConfig = "/etc/ipmi-jumphost/jumphost.conf";

void usage(FILE* out) {
  std::fprintf(out,
               "usage: ipmi-jumphostd [--config FILE] [--verbose] [--teardown]\n"
               "  --config FILE  configuration (default %s)\n"
               "  --verbose      log debug messages\n"
               "  --teardown     with the service stopped: take off the host what the daemon made (tenant\n"
               "                 sessions, keys, sshd drop-in, hosts block, VLAN links, tenant users,\n"
               "                 firewall table), keep the state and configuration, and exit\n"
               "  --version      print the version and exit\n",
               kDefaultConfig);
}

int fail(const std::string& message) {
  ij::log::error(message);
  return 1;
}

ij::Result<ij::State> load_state(const ij::Config& config) {
  auto text = ij::read_file(config.state_file());
  if (!text) return text.error();
  if (!text->has_value()) return ij::State{};
  return ij::parse_state(config.state_file(), **text);
}

ij::Status prepare_host(const ij::Config& c, ij::Users& users) {
  // 0711: tenants must reach their (empty) home below it; the state file
  // itself is 0600.
  IJ_TRY(ij::ensure_dir(c.state_dir, 0711));
  IJ_TRY(ij::ensure_dir(c.tenant_home, 0755));
  IJ_TRY(ij::ensure_dir(c.keys_dir, 0755));
  IJ_TRY(ij::ensure_dir(c.runtime_dir, 0700));
  IJ_TRY(users.ensure_group(c.tenant_group));
  IJ_TRY(users.ensure_group(c.admin_group));
  return ij::ok_status();
}

// The configuration with what the file leaves to the daemon filled in and
// checked: the wrapper (beside the daemon unless named) must be root's, and
// a symlinked /etc/hosts (to a file another tool manages) is written where
// it points, the link kept.
ij::Result<ij::Config> load_and_check(const std::string& path, bool must_exist, bool need_wrapper = true) {
  auto config = ij::load_config(path, must_exist);
  if (!config) return config.error();
  if (config->wrapper.empty()) {
    char* self = ::realpath("/proc/self/exe", nullptr);
    if (!self) return ij::make_error(ij::Errc::failed, std::string("cannot find this program: ") + std::strerror(errno));
    config->wrapper = ij::wrapper_beside(self);
    std::free(self);
  }
  ij::RealFiles files;
  if (ij::Status w = ij::check_wrapper(files, config->wrapper); !w && need_wrapper)
    return ij::make_error(w.error().code, w.error().message +
                                              ": sshd would run it for every tenant; install it root-owned and not "
                                              "writable by others, or set 'wrapper' in " + path);
  if (char* real = ::realpath(config->hosts_file.c_str(), nullptr)) {
    if (config->hosts_file != real) {
      ij::log::notice("hosts_file " + config->hosts_file + " is a symbolic link: the block goes into " + real);
      config->hosts_file = real;
    }
    std::free(real);
  }
  return config;
}

// Enrollments without --bmc-ip skip the pool's subnets the host uses; said
// once, where the pool is set, at start and on reload.
void warn_pool_overlap(ij::Jumphost& jumphost) {
  const ij::Config& c = jumphost.config;
  auto all = jumphost.host.links.inspect_all();
  if (!all) return;
  const std::string host = ij::host_network_overlap(c.address_pool, *all, jumphost.state);
  if (!host.empty())
    ij::log::warning(c.origin("address_pool") + ": address_pool " + c.address_pool.str() + " overlaps " + host +
                     ": enrollments without --bmc-ip skip the subnets it takes");
}

// SIGHUP (systemctl reload): the configuration is read again (here) and
// the host reconciled with it (by the caller, off the bus thread). A
// configuration that does not load, or that the state does not fit (the
// checks of a start: another trunk under enrolled BMCs), leaves the running
// one in place; so does another state_dir, which only a restart may take
// (the state in memory came from the old one). True when it was taken.
bool reload_config(const std::string& path, bool must_exist, ij::Config& live, ij::Jumphost& jumphost) {
  const std::string kept = "; the configuration in use is kept";
  auto config = load_and_check(path, must_exist);
  if (!config) {
    ij::log::error("reload: " + config.error().message + kept);
    return false;
  }
  if (config->state_dir != live.state_dir) {
    ij::log::error("reload: " + config->origin("state_dir") + ": state_dir changed from " + live.state_dir + " to " +
                   config->state_dir + ": restart the daemon to move the state" + kept);
    return false;
  }
  if (ij::Status fits = ij::check_state_for(live.state_file(), *config, jumphost.state); !fits) {
    ij::log::error("reload: " + fits.error().message + kept);
    return false;
  }
  live = *config;
  jumphost.config = *config;
  ij::log::notice("reload: configuration " + path + " read again");
  return true;
}

ij::ConsoleSettings console_settings(const ij::Config& c) {
  ij::ConsoleSettings s;
  s.log_dir = c.console_log_dir;
  s.replay_bytes = c.console_replay;
  s.log_max_bytes = c.console_log_max;
  return s;
}

int run_teardown(ij::Jumphost& jumphost) {
  // The teardown holds the daemon's bus name while it works: a running
  // daemon (which would undo it with its next change) makes it refuse, and
  // a call meanwhile (a tenant's wrapper, jumpctl) cannot activate one.
  // Without a system bus there is nothing to hold or to race with.
  std::unique_ptr<sdbus::IConnection> name;
  try {
    auto connection = sdbus::createSystemBusConnection();
    try {
      connection->requestName(ij::bus::kServiceName);
      name = std::move(connection);
    } catch (const sdbus::Error& e) {
      return fail("--teardown: cannot take " + std::string(ij::bus::kServiceName) + " (" + e.getMessage() +
                  "): is ipmi-jumphostd running? Stop it first: systemctl stop ipmi-jumphostd");
    }
  } catch (const sdbus::Error& e) {
    ij::log::notice("teardown: no system bus (" + e.getMessage() + "); going on");
  }
  ij::log::notice("teardown: taking off the host what ipmi-jumphostd made for " +
                  std::to_string(jumphost.state.enrollments.size()) + " enrollment(s)");
  ij::TeardownReport report = ij::teardown(jumphost);
  for (const std::string& line : report.done) std::printf("ipmi-jumphostd: %s\n", line.c_str());
  for (const std::string& line : report.kept) std::printf("ipmi-jumphostd: kept %s\n", line.c_str());
  if (!report.failed.empty()) {
    for (const std::string& line : report.failed) std::printf("ipmi-jumphostd: NOT DONE: %s\n", line.c_str());
    std::printf("ipmi-jumphostd: %zu part(s) of the teardown failed; fix the cause and run it again\n",
                report.failed.size());
    return 1;
  }
  return 0;
}

// Every few seconds between requests: a trunk that was missing and is there
// now (a NIC whose driver loads late, a bond made after the daemon started)
// gets its VLAN links at once, not at the next restart.
class TrunkWatch {
 public:
  static constexpr int kIntervalMs = 3000;
  // `reconcile` starts one off the bus thread; false when it cannot now
  // (another runs): the next tick tries again.
  TrunkWatch(ij::Jumphost& jh, std::function<bool()> reconcile) : jh_(jh), reconcile_(std::move(reconcile)) {
    present_ = present();
    for (const std::string& t : jh_.config.trunks)
      if (!present_.count(t))
        ij::log::warning("trunk " + t + " does not exist (yet); its VLAN links are made when it appears");
  }
  void tick() {
    const std::map<std::string, unsigned> now = present();
    std::vector<std::string> appeared;  // new, or made again (another ifindex: its VLAN links went with it)
    for (const auto& [t, index] : now)
      if (auto was = present_.find(t); was == present_.end() || was->second != index) appeared.push_back(t);
    for (const auto& [t, index] : present_)
      if (!now.count(t)) ij::log::warning("trunk " + t + " is gone; its VLAN links come back when it does");
    if (!appeared.empty()) {
      if (!reconcile_()) {  // again at the next tick
        std::map<std::string, unsigned> keep = now;
        for (const std::string& t : appeared) keep.erase(t);
        present_ = keep;
        return;
      }
      ij::log::notice("trunk " + ij::join(appeared, ", ") + " appeared; reconciling");
    }
    present_ = now;
  }
  // After a reload (the trunks may be others now).
  void reset() { present_ = present(); }

 private:
  // By name and index, without a netlink dump: this runs every few seconds,
  // and a dump of the addresses costs what the number of BMC links does.
  std::map<std::string, unsigned> present() const {
    std::map<std::string, unsigned> out;
    for (const std::string& t : jh_.config.trunks)
      if (unsigned index = if_nametoindex(t.c_str()); index != 0) out[t] = index;
    return out;
  }
  ij::Jumphost& jh_;
  std::function<bool()> reconcile_;
  std::map<std::string, unsigned> present_;
};

// SIGTERM, SIGINT and SIGHUP are read from a signalfd between requests. They
// are blocked before the first thread starts (the console loop, FreeIPMI's
// engine, the workers inherit the mask): a thread that had them unblocked
// would take the signal and end the daemon without its clean shutdown.
sigset_t handled_signals() {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  return mask;
}

constexpr int kTrimAfterMs = 1000;
// What freed C heap is overwritten with (and new blocks with its complement).
constexpr int kFreedHeapByte = 0x5a;

int serve(sdbus::IConnection& connection, ij::Completions& completions, const std::function<void()>& on_hup,
          const std::function<void()>& on_tick) {
  sigset_t mask = handled_signals();
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
  if (sfd < 0) return fail(std::string("signalfd: ") + std::strerror(errno));
  auto last_tick = std::chrono::steady_clock::now();
  // glibc keeps freed heap (in the middle of the heap and in the workers'
  // arenas) for later: after the start, a reconcile, a doctor or a list at
  // 4,094 BMCs that is tens of MiB the daemon would hold for ever. A second
  // without any event, and with no worker at work (a trim locks the arenas
  // the workers allocate from), gives it back, once per busy spell.
  bool heap_dirty = true;
  for (;;) {
    while (connection.processPendingRequest()) {
    }
    auto poll_data = connection.getEventLoopPollData();
    struct pollfd fds[3] = {{poll_data.fd, poll_data.events, 0}, {sfd, POLLIN, 0}, {completions.fd(), POLLIN, 0}};
    // (timeout_usec is an absolute CLOCK_MONOTONIC time; this is the wait.)
    int timeout = poll_data.getPollTimeout();
    if (timeout < 0 || timeout > TrunkWatch::kIntervalMs) timeout = TrunkWatch::kIntervalMs;
    if (heap_dirty && timeout > kTrimAfterMs) timeout = kTrimAfterMs;
    const int ready = poll(fds, 3, timeout);
    if (ready < 0 && errno != EINTR) return fail(std::string("poll: ") + std::strerror(errno));
    if (ready > 0) {
      heap_dirty = true;
    } else if (ready == 0 && heap_dirty && !completions.working()) {
      malloc_trim(0);
      heap_dirty = false;
    }
    if (auto now = std::chrono::steady_clock::now(); now - last_tick >= std::chrono::milliseconds(TrunkWatch::kIntervalMs)) {
      last_tick = now;
      on_tick();
    }
    if (fds[2].revents & POLLIN) completions.drain();
    if (fds[1].revents & POLLIN) {
      signalfd_siginfo info{};
      if (read(sfd, &info, sizeof info) <= 0) continue;
      if (info.ssi_signo == SIGHUP) {
        ij::log::notice("signal 1 (HUP) received; reloading");
        on_hup();
        continue;
      }
      ij::log::notice("signal " + std::to_string(info.ssi_signo) + " received; exiting");
      return 0;
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string config_path = kDefaultConfig;
  bool config_given = false;
  bool teardown = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
      config_given = true;
    } else if (a == "--teardown") {
      teardown = true;
    } else if (a == "--verbose") {
      ij::log::set_verbose(true);
    } else if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    } else if (a == "--version") {
      std::printf("ipmi-jumphostd %s\n", ij::kVersion);
      return 0;
    } else {
      usage(stderr);
      return 2;
    }
  }
  if (auto sink = ij::journal_sink()) ij::log::set_sink(std::move(sink));
  if (geteuid() != 0) return fail("ipmi-jumphostd must run as root");
  umask(022);
  // The daemon holds BMC passwords in memory: no core dump, and no ptrace
  // by anyone but root.
  struct rlimit no_core = {0, 0};
  if (setrlimit(RLIMIT_CORE, &no_core) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return fail(std::string("cannot disable core dumps: ") + std::strerror(errno));
  // And what the C libraries free is overwritten by malloc itself: FreeIPMI
  // keeps copies of a BMC's password and session keys in the contexts it
  // frees with a plain free() (libipmiconsole's console context, 1.5 KiB).
  // glibc does it only for blocks that do not go to its per-thread cache
  // (up to 1 KiB): the unit turns the cache off (GLIBC_TUNABLES). Our own
  // heap is wiped by wiping_new.cc.
  // (A sanitizer's malloc says no: it keeps freed memory out of use itself.)
  if (mallopt(M_PERTURB, kFreedHeapByte) != 1)
    ij::log::warning("this malloc does not overwrite freed memory (M_PERTURB refused): copies of BMC passwords the "
                     "IPMI libraries free stay in memory until it is used again");
  // A peer that goes away (a tenant's console socket) is an EPIPE to handle,
  // not a signal that ends the daemon.
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t mask = handled_signals();
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);

  // A teardown runs while the package is removed: the wrapper may be gone.
  auto config = load_and_check(config_path, config_given, !teardown);
  if (!config) return fail(config.error().message);
  auto state = load_state(*config);
  if (state) {
    if (ij::Status s = ij::check_state_for(config->state_file(), *config, *state); !s) state = s.error();
  }
  if (!state) return fail(state.error().message + " (the state is kept as it is; fix or restore it, then restart)");
  // Released ports from before trunks name none: with one trunk, it is theirs
  // (written with the next change of the state).
  if (config->trunks.size() == 1)
    for (auto& [port, r] : state->released_ports)
      if (r.trunk.empty()) r.trunk = config->trunk;

  ij::NetlinkLinks links;
  ij::RealUsers users;
  ij::RealFiles files;
  ij::RealSshd sshd(*config);
  ij::RealFirewall firewall(*config);
  ij::RealSockets sockets;
  ij::SystemClock clock;
  ij::Jumphost jumphost{*config, std::move(*state), ij::Host{links, users, files, sshd, firewall, sockets}, clock};
  if (teardown) return run_teardown(jumphost);
  if (auto o = config->origins.find("nft_binary"); o != config->origins.end())
    ij::log::warning(o->second + ": nft_binary is no longer used (the daemon applies its table through libnftables); "
                     "remove the line");
  if (auto s = prepare_host(*config, users); !s) return fail(s.error().message);
  // A change the daemon stopped in the middle of: what it made that the
  // state does not name goes, then the reconcile, then a revoke is finished.
  auto unfinished = ij::recover_interrupted(jumphost.config, jumphost.state, jumphost.host);
  if (!unfinished) return fail(unfinished.error().message);
  // The revoke first: the reconcile would give back, from the state, the
  // access it was taking away (keys, user, drop-in), and sshd is running.
  if (*unfinished) {
    ij::Admin admin(jumphost, nullptr, {});
    if (ij::Status s = admin.revoke(**unfinished, "ipmi-jumphostd (finishing an interrupted revoke)"); !s)
      ij::log::error("cannot finish the interrupted revoke of " + **unfinished + ": " + s.error().message +
                     ": the state still names it, so the start gives its access back; run jumpctl revoke " +
                     **unfinished + " again");
  }
  ij::reconcile(jumphost);
  warn_pool_overlap(jumphost);

  try {
    // The name is taken last: activation and Type=dbus wait for it, so
    // nobody calls before the host agrees with the state.
    auto connection = sdbus::createSystemBusConnection(ij::bus::kServiceName);
    auto bmc = ij::make_freeipmi_bmc(jumphost.config.sdr_cache_dir);
    ij::Completions completions;
    ij::ConsoleServer consoles(*bmc, console_settings(jumphost.config), clock);
    ij::TenantService tenants(jumphost.config, jumphost.state, *bmc, completions, consoles);
    // However this block is left (a lost bus connection throws), the
    // workers stop before the service their work refers to goes.
    struct StopWorkers {
      ij::Completions& c;
      ~StopWorkers() { c.stop(); }
    } stop_workers{completions};
    tenants.sync_consoles();  // `always` consoles connect (and log) from now on
    ij::BusService service(*connection, jumphost, tenants, consoles, completions, clock);
    ij::log::notice("ipmi-jumphostd ready on " + std::string(ij::bus::kServiceName) + " (trunk " +
                    ij::join(jumphost.config.trunks, " ") + ", " + std::to_string(jumphost.state.enrollments.size()) +
                    " enrolled)");
    // The reconciles after the start run on a worker (the bus answers
    // tenants meanwhile; changes wait for them): the configuration and the
    // state stay as they are until it is done.
    auto reconcile_off_thread = [&](std::function<void()> then) {
      return service.run_host_work(
          [&] {
            ij::reconcile(jumphost);
            warn_pool_overlap(jumphost);
          },
          std::move(then));
    };
    TrunkWatch trunk(jumphost, [&] { return reconcile_off_thread([] {}); });
    bool reload_waiting = false;
    std::function<void()> on_hup = [&] {
      // The configuration is read by a reconcile or a doctor on a worker:
      // it is replaced only when neither runs.
      if (service.config_in_use()) {
        ij::log::notice("reload: a reconcile, a change with --check or a doctor is running; the configuration is read "
                       "again when it is done");
        reload_waiting = true;
        return;
      }
      if (!reload_config(config_path, config_given, *config, jumphost)) return;
      auto after = [&] {
        trunk.reset();
        tenants.sync_consoles();
      };
      if (!reconcile_off_thread(after)) {  // no worker took it: here, then
        ij::reconcile(jumphost);
        after();
      }
    };
    service.set_on_idle([&] {
      if (reload_waiting && !service.config_in_use()) {
        reload_waiting = false;
        on_hup();
      }
    });
    int rc = serve(
        *connection, completions, on_hup,
        [&] {
          trunk.tick();
          service.tick();
        });
    completions.stop();  // before the tenant service its work refers to
    // What the workers finished meanwhile still runs: a change done on a
    // worker is taken in and ends the old owner's access (its file is
    // written), and its caller gets the answer. No reload starts now.
    service.set_on_idle(nullptr);
    completions.drain();
    return rc;
  } catch (const sdbus::Error& e) {
    return fail("D-Bus: " + e.getName() + ": " + e.getMessage());
  } catch (const std::logic_error& e) {  // a contract row without a handler
    return fail(std::string("internal error: ") + e.what());
  }
}
