// Sensors and the event log through libipmimonitoring (daemon/ipmi only):
// it reads the SDR, the readings and the SEL and interprets them with
// FreeIPMI's own tables, as ipmi-sensors and ipmi-sel do.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/ipmi/bmc.h"

namespace ij {

class Monitoring {
 public:
  // `sdr_cache_dir` holds a directory per BMC name with its SDR cache.
  explicit Monitoring(std::string sdr_cache_dir) : sdr_cache_dir_(std::move(sdr_cache_dir)) {}

  Result<std::vector<SensorReading>> sensors(const BmcTarget& t);
  Result<std::vector<SelEvent>> sel(const BmcTarget& t);
  // Removes BMC `bmc`'s cache (its directory).
  void forget(const std::string& bmc);
  // The library initialised (once; before any thread uses it).
  static Status init();
  // init(), and the cache directory there and safe.
  Status ready();

 private:
  // Held while a call reads or rewrites one BMC's cache file: two calls
  // for one BMC at once would write the same file.
  std::mutex& cache_lock(const std::string& bmc);

  std::string sdr_cache_dir_;
  std::mutex locks_mutex_;
  std::map<std::string, std::unique_ptr<std::mutex>> cache_locks_;
};

}  // namespace ij
