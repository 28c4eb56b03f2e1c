// The daemon's nftables table through libnftables (the library nft(8) is
// built on): scripts are applied in-process, each in one transaction (all
// of it or, on an error, nothing), without a process start per change.
//
// After a whole table is applied, what never changes (the chains, the sets'
// declarations, as the kernel lists them) is kept in the runtime directory
// beside the skeleton it came from; a later check compares the live table
// against that and its elements against the expected ones, so element
// changes need no listing and a table changed by anyone else, or made by
// another version, does not match.
#pragma once

#include <mutex>

#include "daemon/config/config.h"
#include "daemon/host/host.h"

struct nft_ctx;

namespace ij {

class RealFirewall : public Firewall {
 public:
  explicit RealFirewall(const Config& config);
  RealFirewall(const RealFirewall&) = delete;
  RealFirewall& operator=(const RealFirewall&) = delete;
  Status apply(const FirewallSpec& spec) override;
  Status change(const FirewallSpec& present, const FirewallSpec& absent) override;
  Result<bool> matches(const FirewallSpec& spec) override;
  Status remove() override;

 private:
  // Runs a script in one transaction; the error names nft's last line.
  Status run(nft_ctx* ctx, const std::string& script, const std::string& what);
  // The live table as libnftables' JSON; nullopt when it does not exist.
  Result<std::optional<std::string>> listing(nft_ctx* ctx);
  std::string skeleton_path() const { return config_.runtime_dir + "/firewall.skeleton"; }
  std::string structure_path() const { return config_.runtime_dir + "/firewall.structure"; }
  const Config& config_;
  // One operation at a time. Each makes its own context and frees it when
  // done: a context keeps its cache of the table, every element parsed
  // (18 MiB at 4,094 BMCs after a listing), and each transaction fetches
  // what it needs anyway, since ours change the ruleset's generation.
  std::mutex mu_;
};

// The parts of a JSON listing (libnftables' "list table" output): the
// structure (table, sets without their elements, chains, rules; without
// handles) as canonical JSON text, and the elements in nft's syntax by set.
// Exposed for the unit tests.
struct FirewallListing {
  std::string structure;
  FirewallSpec elements;
};
Result<FirewallListing> parse_firewall_listing(const std::string& json);

}  // namespace ij
