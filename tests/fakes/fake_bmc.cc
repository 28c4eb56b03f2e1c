#include "tests/fakes/fake_bmc.h"

#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace ij::testing {
namespace {

class FakeSol : public SolSession {
 public:
  FakeSol(int fd, FakeBmc& bmc, std::string name) : fd_(fd), bmc_(bmc), name_(std::move(name)) {}
  ~FakeSol() override { ::close(fd_); }
  int fd() const override { return fd_; }
  Status send_break() override {
    ++bmc_.breaks[name_];
    return ok_status();
  }

 private:
  int fd_;
  FakeBmc& bmc_;
  std::string name_;
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
  return power[target.name];
}

Status FakeBmc::power_control(const BmcTarget& target, PowerAction action) {
  IJ_TRY(begin(target));
  std::lock_guard<std::mutex> lock(mutex_);
  if (action == PowerAction::on || action == PowerAction::cycle || action == PowerAction::reset)
    power[target.name] = true;
  if (action == PowerAction::off || action == PowerAction::soft) power[target.name] = false;
  return ok_status();
}

Result<std::unique_ptr<SolSession>> FakeBmc::open_sol(const BmcTarget& target) {
  IJ_TRY(begin(target));
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) return make_error(Errc::failed, "socketpair");
  std::lock_guard<std::mutex> lock(mutex_);
  peers_[target.name] = pair[1];
  return std::unique_ptr<SolSession>(new FakeSol(pair[0], *this, target.name));
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
