// Fuzzes the configuration parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "daemon/config/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto c = ij::parse_config("fuzz", std::string_view(reinterpret_cast<const char*>(data), size));
  if (c) {
    // Paths that end up in sshd configuration must stay one token.
    for (const std::string* p : {&c->keys_dir, &c->sshd_dropin_dir, &c->wrapper})
      if (p->find_first_of(" \t\n\"") != std::string::npos) __builtin_trap();
  } else if (c.error().message.rfind("fuzz", 0) != 0) {
    __builtin_trap();  // every error names the file
  }
  return 0;
}
