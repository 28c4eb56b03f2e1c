// Whether this process's memory can be paged out to swap: libipmiconsole is
// asked to lock each console session's buffers (which hold the BMC
// password) only where it can. The unit sets MemorySwapMax=0, which keeps
// all of the daemon's memory out of swap, passwords included; a host
// without swap needs nothing either. Locking where it is not needed costs
// each console its locked pages (README: Consoles beside conman).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ij {

// From the text of /proc/swaps and of the process's cgroup's memory.swap.max
// (nullopt when there is none to read).
bool swap_possible(std::string_view proc_swaps, const std::optional<std::string>& cgroup_swap_max);

// The same, read from this machine; `why` says which.
bool this_process_may_swap(std::string* why);

}  // namespace ij
