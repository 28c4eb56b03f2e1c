#include "common/base/log.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace ij::log {
namespace {
bool g_verbose = false;
std::mutex g_sink_mutex;
Sink g_sink;
}

void set_verbose(bool verbose) { g_verbose = verbose; }

Sink set_sink(Sink sink) {
  std::lock_guard<std::mutex> lock(g_sink_mutex);
  std::swap(g_sink, sink);
  return sink;
}

std::string default_operation(const std::string& message) {
  size_t end = 0;
  while (end < message.size() && ((message[end] >= 'a' && message[end] <= 'z') || message[end] == '-')) ++end;
  return message.substr(0, end);
}

void write(Level level, const std::string& message, const Fields& fields) {
  if (level == Level::debug && !g_verbose) return;
  {
    std::lock_guard<std::mutex> lock(g_sink_mutex);
    if (g_sink) {
      g_sink(level, message, fields);
      return;
    }
  }
  write_stderr(level, message);
}

void write_stderr(Level level, const std::string& message) {
  static const bool journal = std::getenv("JOURNAL_STREAM") != nullptr;
  std::string line;
  if (journal) {
    line = "<" + std::to_string(static_cast<int>(level)) + ">";
  } else {
    switch (level) {
      case Level::error: line = "error: "; break;
      case Level::warning: line = "warning: "; break;
      default: break;
    }
  }
  // One write per line so concurrent writers do not interleave inside a line.
  for (char c : message) line += (c == '\n' ? ' ' : c);
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace ij::log
