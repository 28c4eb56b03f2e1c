#include "tests/fakes/fake_bmc.h"

#include <sys/socket.h>
#include <fcntl.h>
#include <unistd.h>

#include <thread>

namespace ij::testing {
namespace {

class FakeSol : public SolSession {
 public:
  FakeSol(int fd, FakeBmc& bmc, std::string name, Error failure)
      : fd_(fd), bmc_(bmc), name_(std::move(name)), failure_(std::move(failure)) {}
  ~FakeSol() override { ::close(fd_); }
  int fd() const override { return fd_; }
  Status send_break() override {
    bmc_.count_break(name_);
    return ok_status();
  }
  Error failure() const override { return failure_; }

 private:
  int fd_;
  FakeBmc& bmc_;
  std::string name_;
  Error failure_;
};

}  // namespace

Status FakeBmc::begin(const BmcTarget& target) {
  if (delay.count()) std::this_thread::sleep_for(delay);
  std::lock_guard<std::mutex> lock(mutex_);
  seen.push_back(target);
  if (auto f = fail.find(target.name); f != fail.end()) return f->second;
  return ok_status();
}

Result<bool> FakeBmc::power_status(const BmcTarget& target) {
  IJ_TRY(begin(target));
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto p = pending_power_.find(target.name); p != pending_power_.end() && --p->second.reads_left <= 0) {
    power[target.name] = p->second.on;
    pending_power_.erase(p);
  }
  return power[target.name];
}

Status FakeBmc::power_control(const BmcTarget& target, PowerAction action) {
  IJ_TRY(begin(target));
  std::lock_guard<std::mutex> lock(mutex_);
  bool on = power[target.name];
  if (action == PowerAction::on || action == PowerAction::cycle || action == PowerAction::reset) on = true;
  if (action == PowerAction::off || action == PowerAction::soft) on = false;
  if (int lag = power_lag[target.name]; lag > 0) pending_power_[target.name] = PendingPower{on, lag};
  else power[target.name] = on;
  return ok_status();
}

Status FakeBmc::set_boot_device(const BmcTarget& target, const BootSetting& setting) {
  IJ_TRY(begin(target));
  std::lock_guard<std::mutex> lock(mutex_);
  boot[target.name] = setting;
  return ok_status();
}

Result<BootSetting> FakeBmc::boot_device(const BmcTarget& target) {
  IJ_TRY(begin(target));
  std::lock_guard<std::mutex> lock(mutex_);
  return boot[target.name];
}

Status FakeBmc::identify(const BmcTarget& target, const IdentifyRequest& request) {
  IJ_TRY(begin(target));
  std::lock_guard<std::mutex> lock(mutex_);
  identified[target.name] = request;
  return ok_status();
}

Result<std::vector<SelEvent>> FakeBmc::sel_list(const BmcTarget& target) {
  IJ_TRY(begin(target));
  std::lock_guard<std::mutex> lock(mutex_);
  return sel[target.name];
}

Status FakeBmc::sel_clear(const BmcTarget& target) {
  IJ_TRY(begin(target));
  std::lock_guard<std::mutex> lock(mutex_);
  sel[target.name].clear();
  return ok_status();
}

Result<std::vector<SensorReading>> FakeBmc::sensors(const BmcTarget& target) {
  IJ_TRY(begin(target));
  std::lock_guard<std::mutex> lock(mutex_);
  return sensor_readings[target.name];
}

Result<BmcProbe> FakeBmc::probe(const BmcTarget& target) {
  IJ_TRY(begin(target));
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto p = probes.find(target.name); p != probes.end()) return p->second;
  BmcProbe p;
  p.credentials_ok = true;
  p.ipmi_version = "2.0";
  p.cipher_suites = {3, 17};
  return p;
}

Result<std::unique_ptr<SolSession>> FakeBmc::start_sol(const BmcTarget& target, bool take_over) {
  Status s = begin(target);
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair) < 0)
    return make_error(Errc::failed, "socketpair");
  std::lock_guard<std::mutex> lock(mutex_);
  take_overs.push_back(take_over);
  ++starts_[target.name];
  Error failure = make_error(Errc::failed, "BMC " + target.name + " stopped answering");
  if (!s) failure = s.error();
  else if (sol_in_use[target.name] && !take_over)
    failure = make_error(Errc::exists, "BMC " + target.name + ": its serial console is in use by another SOL session");
  if (!s || (sol_in_use[target.name] && !take_over)) {
    ::close(pair[1]);  // the engine's end of a session that failed
  } else {
    if (take_over) sol_in_use[target.name] = false;
    [[maybe_unused]] ssize_t n = ::write(pair[1], "", 1);  // up: the NUL
    peers_[target.name] = pair[1];
  }
  return std::unique_ptr<SolSession>(new FakeSol(pair[0], *this, target.name, failure));
}

Status FakeBmc::deactivate_sol(const BmcTarget& target) {
  IJ_TRY(begin(target));
  std::unique_lock<std::mutex> lock(mutex_);
  gate_.wait(lock, [this] { return !gate_closed_; });
  ++deactivations_[target.name];
  sol_in_use[target.name] = false;
  return ok_status();
}

int FakeBmc::deactivations(const std::string& bmc) {
  std::lock_guard<std::mutex> lock(mutex_);
  return deactivations_[bmc];
}

void FakeBmc::close_deactivate_gate() {
  std::lock_guard<std::mutex> lock(mutex_);
  gate_closed_ = true;
}

void FakeBmc::open_deactivate_gate() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    gate_closed_ = false;
  }
  gate_.notify_all();
}

void FakeBmc::count_break(const std::string& bmc) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++breaks[bmc];
}

int FakeBmc::break_count(const std::string& bmc) {
  std::lock_guard<std::mutex> lock(mutex_);
  return breaks[bmc];
}

std::vector<bool> FakeBmc::take_overs_seen() {
  std::lock_guard<std::mutex> lock(mutex_);
  return take_overs;
}

void FakeBmc::set_fail(const std::string& bmc, std::optional<Error> e) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (e) fail[bmc] = *e;
  else fail.erase(bmc);
}

BmcTarget FakeBmc::last_seen() {
  std::lock_guard<std::mutex> lock(mutex_);
  return seen.empty() ? BmcTarget{} : seen.back();
}

int FakeBmc::sol_starts(const std::string& bmc) {
  std::lock_guard<std::mutex> lock(mutex_);
  return starts_[bmc];
}

int FakeBmc::sol_peer(const std::string& bmc) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = peers_.find(bmc);
  return it == peers_.end() ? -1 : it->second;
}

bool ManualExecutor::step() {
  if (pending.empty()) return false;
  auto work = std::move(pending.front());
  pending.pop_front();
  work()();
  return true;
}

}  // namespace ij::testing
