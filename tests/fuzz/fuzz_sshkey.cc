// Fuzzes the parser of key files that operators hand to jumpctl.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "daemon/model/sshkey.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto keys = ij::parse_ssh_key_file("fuzz", text);
  if (keys) {
    // Whatever parses must print back as a line that parses to the same key,
    // that sshd reads as a bare key (it starts with the key type, so nothing
    // in it is taken as options) and that stays on one line.
    for (const ij::SshKey& k : *keys) {
      auto again = ij::parse_ssh_key(k.line());
      if (!again || !(*again == k) || again->fingerprint != k.fingerprint) __builtin_trap();
      if (k.line().rfind(k.type + " ", 0) != 0) __builtin_trap();
      if (k.type.find_first_of("\",= ") != std::string::npos) __builtin_trap();
      for (char c : k.line())
        if (c == '\n' || c == '\r' || c == '\0') __builtin_trap();
    }
  }
  return 0;
}
