// The console socket between ipmi-jumphostd and a client (ipmi-wrapper for a
// tenant, jumpctl for an operator): one end of an AF_UNIX SOCK_SEQPACKET pair,
// passed over D-Bus. Packets keep their boundaries, so a client's requests
// need no framing beyond their first byte.
//   daemon -> client: console output, the BMC's bytes and the daemon's notes
//                     ("[console web01: ...]"), at most kMaxPacket bytes each;
//   client -> daemon: one request per packet, its first byte a Request, then
//                     (for data) what the user typed.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace ij::console {

constexpr size_t kMaxPacket = 4096;

// Lines of a console's log one ConsoleLog call returns: the default the
// clients ask for, and the most the daemon gives.
constexpr unsigned kDefaultLogLines = 100;
constexpr unsigned kMaxLogLines = 10000;

enum class Request : char {
  data = 'd',           // typed bytes for the console (only the keyboard's holder's reach it)
  send_break = 'b',     // a serial break (keyboard only)
  replay = 'l',         // the last bytes of the console again
  who = 'w',            // who is attached
  take_keyboard = 'k',  // take the keyboard from whoever has it
  give_keyboard = 'm',  // become read-only
};

// How an attachment asks for the keyboard, as the Console methods take it.
enum class AttachMode { normal, read_only, force };
inline constexpr const char* kAttachModes[] = {"", "read-only", "force"};

inline std::optional<AttachMode> parse_attach_mode(std::string_view s) {
  if (s.empty()) return AttachMode::normal;
  if (s == "read-only") return AttachMode::read_only;
  if (s == "force") return AttachMode::force;
  return std::nullopt;
}

}  // namespace ij::console
