// What a tenant may do, without D-Bus: list their BMCs, power, attach to a
// console and read its log, only on the BMCs they own. The bus adapter (daemon/bus) reads the
// message, names the caller and calls these; the IPMI work runs on the
// Executor and answers through a callback on the bus thread. Tested with a
// fake Bmc, Executor and Clock (tests/unit/tenant_service_test.cc).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "common/base/result.h"
#include "common/bus/views.h"
#include "daemon/config/config.h"
#include "daemon/core/access_ticket.h"
#include "daemon/core/clock.h"
#include "daemon/console/console_server.h"
#include "daemon/core/executor.h"
#include "daemon/core/sessions.h"
#include "daemon/ipmi/bmc.h"
#include "daemon/model/enrollment.h"

namespace ij {

class TenantService : public LiveSessions {
 public:
  // At most this many IPMI requests of one tenant run at a time, so that
  // one tenant cannot hold every worker (or a BMC) busy.
  static constexpr int kMaxRequestsPerTenant = 4;
  // An operator's power over many BMCs runs at most this many at once (and
  // by default; ipmipower's default fan-out is 64 too).
  static constexpr uint32_t kMaxFanout = 64;

  // `state` is the daemon's live state, read on the bus thread only.
  TenantService(const Config& config, const State& state, Bmc& bmc, Executor& executor, ConsoleServer& consoles);

  bus::TenantBmcs list_mine(const std::string& tenant) const;

  // `bmc` empty: the tenant's only BMC. `password` (secret) is used when the
  // operator stored none; it is wiped when the request is done.
  // `wait`: the answer comes once the chassis reports the state asked for
  // (power_job.h).
  void power(const std::string& tenant, const std::string& bmc, const std::string& action, bool wait,
             std::string password, std::function<void(Result<bus::PowerView>)> done);
  // `device` empty: read the setting.
  void boot_device(const std::string& tenant, const std::string& bmc, const std::string& device, bool persistent,
                   bool efi, std::string password, std::function<void(Result<bus::BootView>)> done);
  void identify(const std::string& tenant, const std::string& bmc, uint32_t seconds, bool forever,
                std::string password, std::function<void(Result<bus::IdentifyView>)> done);
  void sel(const std::string& tenant, const std::string& bmc, bool clear, std::string password,
           std::function<void(Result<bus::SelView>)> done);
  void sensors(const std::string& tenant, const std::string& bmc, std::string password,
               std::function<void(Result<bus::SensorsView>)> done);
  // An operator's power: `names`, or `owner`'s BMCs, or (both empty) every
  // BMC, at most `fanout` (0: kMaxFanout) at a time; one answer per BMC.
  void operator_power(const std::string& user, const std::vector<std::string>& names, const std::string& owner,
                      bool all, const std::string& action, bool wait, uint32_t fanout,
                      std::function<void(Result<std::vector<bus::PowerView>>)> done);
  // The same for an enrollment being made or changed, on the calling
  // thread (blocks up to the session timeout): Admin's check step.
  Result<BmcProbe> probe_now(const Enrollment& e);
  // An enrolled BMC's offer and whether its stored credentials work.
  void check_bmc(const std::string& user, const std::string& name, std::function<void(Result<bus::ProbeView>)> done);
  // Attaches the tenant to their BMC's console (console_server.h): the
  // client's end of the console socket (the caller sends it and closes its
  // copy). `mode`: "", read-only or force.
  Result<int> console(const std::string& tenant, const std::string& bmc, std::string password, const std::string& mode);
  // Any BMC's console, for an operator (audited by the console server).
  Result<int> operator_console(const std::string& user, const std::string& bmc, const std::string& mode);
  // An operator's deactivation of the SOL session that holds `bmc`'s serial
  // console (console_server.h), on a worker; audited. The answer says what
  // happened, for jumpctl to print.
  void deactivate_console(const std::string& user, const std::string& bmc, std::function<void(Result<std::string>)> done);
  // The last `lines` lines of the tenant's BMC's console log.
  Result<std::vector<uint8_t>> console_log(const std::string& tenant, const std::string& bmc, uint32_t lines);
  // The same for any BMC (an operator's).
  Result<std::vector<uint8_t>> read_console_log(const std::string& bmc, uint32_t lines);
  void end_console(const std::string& bmc, const std::string& why) override;
  // After a change (and at start): voids the tickets of BMCs revoked or
  // given to another owner (work accepted under them stops), forgets their
  // cached SDR, and gives the console server the enrolled BMCs.
  void sync_consoles();
  std::vector<ConsoleSpec> console_specs() const;

  size_t open_consoles() { return consoles_.attached_count(); }

 private:
  std::vector<std::string> owned_names(const std::string& tenant) const;
  // The session target for one of the tenant's own BMCs.
  Result<BmcTarget> target_for(const std::string& tenant, const std::string& bmc, std::string password) const;
  Status begin_request(const std::string& tenant);
  template <class T>
  void on_bmc(const std::string& tenant, const std::string& bmc, std::string password, const std::string& operation,
              bool changes, std::function<Result<T>(Bmc&, const BmcTarget&)> work,
              std::function<std::string(const T&)> result_word, std::function<void(Result<T>)> done);
  // Journal and (to_console) console log lines for one BMC's power answer.
  void audit_power(const bus::PowerView& v, const std::string& owner, const std::string& caller, bool to_console);
  // The ticket requests on `bmc` are accepted under now.
  Ticket ticket_for(const std::string& bmc);
  void end_request(const std::string& tenant);

  const Config& config_;
  const State& state_;
  Bmc& bmc_;
  Executor& executor_;
  ConsoleServer& consoles_;
  std::map<std::string, int> inflight_;  // by tenant
  struct TicketEntry {
    std::string owner;  // whose access it stands for
    Ticket ticket;
  };
  std::map<std::string, TicketEntry> tickets_;  // by BMC, made when first asked for
};

}  // namespace ij
