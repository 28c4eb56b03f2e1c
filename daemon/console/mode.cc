#include "daemon/console/mode.h"

#include <string>

namespace ij {

std::string_view console_log_mode_name(ConsoleLogMode m) {
  switch (m) {
    case ConsoleLogMode::always: return "always";
    case ConsoleLogMode::attached: return "attached";
    case ConsoleLogMode::off: return "off";
  }
  return "always";
}

Result<ConsoleLogMode> parse_console_log_mode(std::string_view word) {
  for (ConsoleLogMode m : {ConsoleLogMode::always, ConsoleLogMode::attached, ConsoleLogMode::off})
    if (word == console_log_mode_name(m)) return m;
  return make_error(Errc::invalid_argument,
                    "console log mode '" + std::string(word.substr(0, 32)) + "' is not always, attached or off");
}

}  // namespace ij
