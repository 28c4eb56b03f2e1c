// When the daemon holds a BMC's Serial-over-LAN session, and whether it logs
// it: per BMC (enroll --console-log), defaulting to the configuration's
// console_log.
#pragma once

#include <string_view>

#include "common/base/result.h"

namespace ij {

enum class ConsoleLogMode {
  always,    // held and logged all the time (needs a stored BMC password)
  attached,  // held and logged while someone is attached
  off,       // held while someone is attached, never written to disk
};

std::string_view console_log_mode_name(ConsoleLogMode m);
Result<ConsoleLogMode> parse_console_log_mode(std::string_view word);

}  // namespace ij
