#include "daemon/ipmi/swap.h"

#include "common/base/strings.h"
#include "common/sys/fs.h"

namespace ij {

bool swap_possible(std::string_view proc_swaps, const std::optional<std::string>& cgroup_swap_max) {
  // /proc/swaps: a header line, then one line per active swap area.
  size_t areas = 0;
  for (const std::string& line : split_lines(proc_swaps))
    if (!trim(line).empty() && !starts_with(line, "Filename")) ++areas;
  if (areas == 0) return false;
  if (cgroup_swap_max && trim(*cgroup_swap_max) == "0") return false;
  return true;
}

bool this_process_may_swap(std::string* why) {
  auto swaps = read_file("/proc/swaps");
  if (!swaps || !swaps->has_value()) {
    *why = "cannot read /proc/swaps: taken as swap";
    return true;
  }
  std::optional<std::string> swap_max;
  // cgroup v2: "0::/system.slice/ipmi-jumphostd.service".
  if (auto cgroup = read_file("/proc/self/cgroup"); cgroup && cgroup->has_value())
    for (const std::string& line : split_lines(**cgroup))
      if (starts_with(line, "0::/")) {
        std::string path = line.substr(3);
        if (path.find("..") == std::string::npos)
          if (auto max = read_file("/sys/fs/cgroup" + path + "/memory.swap.max"); max && max->has_value())
            swap_max = **max;
      }
  const bool may = swap_possible(**swaps, swap_max);
  if (!may) *why = swap_max && trim(*swap_max) == "0" ? "its cgroup may not swap (MemorySwapMax=0)" : "this host has no swap";
  else *why = "this host has swap and the daemon's cgroup may use it";
  return may;
}

}  // namespace ij
