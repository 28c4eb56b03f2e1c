// Logging to stderr; under systemd (JOURNAL_STREAM set) each line carries a
// syslog priority prefix ("<6>") so the journal records the level.
#pragma once

#include <functional>
#include <string>

namespace ij::log {

enum class Level { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

void write(Level level, const std::string& message);
inline void error(const std::string& m) { write(Level::error, m); }
inline void warning(const std::string& m) { write(Level::warning, m); }
inline void notice(const std::string& m) { write(Level::notice, m); }
inline void info(const std::string& m) { write(Level::info, m); }
inline void debug(const std::string& m) { write(Level::debug, m); }
void set_verbose(bool verbose);

// Where lines go instead of stderr (the tests read what was logged);
// returns the previous sink; an empty one means stderr.
using Sink = std::function<void(Level, const std::string&)>;
Sink set_sink(Sink sink);

}  // namespace ij::log
