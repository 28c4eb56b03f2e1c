// Open serial consoles, one per BMC at most. Each runs a relay thread that
// copies bytes between the SOL session and the socket whose other end the
// tenant's wrapper holds; either side closing ends both.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/base/result.h"
#include "daemon/core/clock.h"
#include "daemon/ipmi/bmc.h"

namespace ij {

class Consoles {
 public:
  explicit Consoles(const Clock& clock) : clock_(clock) {}
  ~Consoles();
  // Reserves `bmc` for `tenant` before the (slow) SOL session is opened;
  // refused while someone holds it.
  Status reserve(const std::string& bmc, const std::string& tenant);
  // Gives up a reservation whose session did not open.
  void release(const std::string& bmc);
  // Starts relaying between `session` and a new socket pair; returns the
  // tenant's end (the caller sends it and closes its copy).
  Result<int> attach(const std::string& bmc, std::unique_ptr<SolSession> session);
  Status send_break(const std::string& bmc, const std::string& tenant);
  // Writes `line` to the tenant, then ends the console (the relay logs the
  // detach); false when `bmc` has no console attached.
  bool end(const std::string& bmc, const std::string& line);
  size_t open_count();

 private:
  struct Entry {
    std::string tenant;
    std::chrono::system_clock::time_point since;
    std::shared_ptr<SolSession> session;
    int relay_fd = -1;  // the relay's end of the tenant's socket pair
  };
  void relay(std::string bmc, std::shared_ptr<SolSession> session, int ours);

  const Clock& clock_;
  std::mutex mutex_;
  std::condition_variable idle_;
  int relays_ = 0;  // relay threads still running; ~Consoles waits for 0
  std::map<std::string, Entry> open_;
};

}  // namespace ij
