// The power actions a tenant (and, later, an operator) may ask for, and
// their words: one table that the wrapper's grammar, the bus contract and
// the daemon all read.
#pragma once

#include <string_view>

#include "common/base/result.h"

namespace ij {

// diag: a diagnostic interrupt (NMI), for a kernel crash dump.
enum class PowerAction { status, on, off, cycle, reset, soft, diag };

Result<PowerAction> parse_power_action(std::string_view word);
const char* power_action_name(PowerAction a);

}  // namespace ij
