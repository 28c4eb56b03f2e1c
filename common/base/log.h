// Logging. A line is a message for people plus, where it reports an
// operation, structured fields (the journal stores them: journalctl
// -u ipmi-jumphostd BMC=web01). To stderr by default (under systemd with a
// "<N>" priority prefix); the daemon sends lines to the journal itself
// (daemon/journal.h), the tests capture them (set_sink).
#pragma once

#include <functional>
#include <string>

namespace ij::log {

enum class Level { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

// The journal's OPERATION, BMC, TENANT, CALLER and RESULT; empty ones are
// left out. A line without an operation gets its message's first word.
struct Fields {
  std::string operation;  // enroll, revoke, key-add, key-remove, power, console, denied, reconcile, ...
  std::string bmc;
  std::string tenant;     // the tenant whose access it is
  std::string caller;     // who asked (an operator's or tenant's user name, "uid N")
  std::string result;     // done, failed, or the answer ("on", "off")
};

void write(Level level, const std::string& message, const Fields& fields = {});
inline void error(const std::string& m, const Fields& f = {}) { write(Level::error, m, f); }
inline void warning(const std::string& m, const Fields& f = {}) { write(Level::warning, m, f); }
inline void notice(const std::string& m, const Fields& f = {}) { write(Level::notice, m, f); }
inline void info(const std::string& m, const Fields& f = {}) { write(Level::info, m, f); }
inline void debug(const std::string& m, const Fields& f = {}) { write(Level::debug, m, f); }
void set_verbose(bool verbose);

// The operation of a line without one: its first word ("reconcile: ..." ->
// "reconcile").
std::string default_operation(const std::string& message);

// The default: one line on stderr (newlines folded), with a "<N>" priority
// prefix when JOURNAL_STREAM is set, else "error: " or "warning: ".
void write_stderr(Level level, const std::string& message);

// Where lines go instead of stderr; returns the previous sink; an empty one
// means stderr.
using Sink = std::function<void(Level, const std::string& message, const Fields&)>;
Sink set_sink(Sink sink);

}  // namespace ij::log
