// Per-link kernel settings that keep a BMC from becoming the jumphost's
// problem: strict reverse-path filtering (no spoofed sources from another
// BMC's subnet), ARP answered and announced only on the right link, no
// redirects or source routes, no forwarding, and no IPv6 at all on the link
// (so a hacked BMC's router advertisements change nothing).
#pragma once

#include <string>
#include <vector>

#include "common/base/result.h"

namespace ij {

struct KernelSetting {
  std::string path;   // /proc/sys/...
  std::string value;  // as written
  bool optional;      // absent when the kernel lacks the feature (IPv6)
};

std::vector<KernelSetting> link_hardening(const std::string& ifname);

// Writes every setting; the error names the first that failed.
Status apply_link_hardening(const std::string& ifname);
// The settings' values now (those the kernel lacks left out).
Result<std::vector<KernelSetting>> read_link_settings(const std::string& ifname);
// Writes `settings` back as they are.
Status write_link_settings(const std::vector<KernelSetting>& settings);

}  // namespace ij
