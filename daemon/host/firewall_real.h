// The daemon's nftables table through nft(8): the script is written to the
// runtime directory and applied with "nft -f" (one transaction: all of it
// or, on an error, nothing); the stateless listing that resulted is kept
// beside it so that a later check can tell whether someone changed the live
// table.
#pragma once

#include "daemon/config/config.h"
#include "daemon/host/host.h"

namespace ij {

class RealFirewall : public Firewall {
 public:
  explicit RealFirewall(const Config& config) : config_(config) {}
  Status apply(const std::string& script) override;
  Result<bool> matches(const std::string& script) override;
  Status remove() override;

 private:
  // The live table, stateless (no counters); nullopt when it does not exist.
  Result<std::optional<std::string>> listing();
  std::string script_path() const { return config_.runtime_dir + "/firewall.nft"; }
  std::string listing_path() const { return config_.runtime_dir + "/firewall.listing"; }
  const Config& config_;
};

}  // namespace ij
