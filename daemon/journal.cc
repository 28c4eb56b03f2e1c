#include "daemon/journal.h"

#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace ij {
namespace {

// systemd.exec(5): JOURNAL_STREAM is "DEVICE:INODE" of the stream it gave
// as stdout/stderr; a redirected stderr (a test, a pipe) does not match.
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (!stream) return false;
  struct stat st {};
  if (fstat(2, &st) < 0) return false;
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) == stream;
}

}  // namespace

log::Sink journal_sink() {
  if (!stderr_is_journal()) return {};
  return [](log::Level level, const std::string& message, const log::Fields& f) {
    std::vector<std::string> items;
    items.push_back("MESSAGE=" + message);
    items.push_back("PRIORITY=" + std::to_string(static_cast<int>(level)));
    items.push_back("SYSLOG_IDENTIFIER=ipmi-jumphostd");
    const std::string operation = f.operation.empty() ? log::default_operation(message) : f.operation;
    auto add = [&](const char* name, const std::string& value) {
      if (!value.empty()) items.push_back(std::string(name) + "=" + value);
    };
    add("OPERATION", operation);
    add("BMC", f.bmc);
    add("TENANT", f.tenant);
    add("CALLER", f.caller);
    add("RESULT", f.result);
    std::vector<iovec> iov;
    for (std::string& item : items) iov.push_back(iovec{item.data(), item.size()});
    // The journal is gone (stopping?): the line still goes somewhere.
    if (sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) < 0) log::write_stderr(level, message);
  };
}

}  // namespace ij
