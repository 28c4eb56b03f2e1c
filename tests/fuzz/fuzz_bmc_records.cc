// Fuzzes what the daemon parses of a BMC's answers by hand: cipher suite
// records (Get Channel Cipher Suites) and boot flags (Get System Boot
// Options). The first byte picks which.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "daemon/ipmi/boot_flags.h"
#include "daemon/ipmi/cipher_suites.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::span<const uint8_t> input(data + 1, size - 1);
  if (data[0] & 1) {
    auto ids = ij::parse_cipher_suite_records(input);
    if (!ids) return 0;
    // Each ID once, and never more IDs than two-byte records fit.
    std::vector<unsigned> sorted = *ids;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) __builtin_trap();
    if (ids->size() > input.size() / 2) __builtin_trap();
    for (unsigned id : *ids)
      if (id > 0xff) __builtin_trap();
  } else {
    auto b = ij::decode_boot_flags(input);
    if (!b) return 0;
    // What was read is what would be written back.
    auto again = ij::decode_boot_flags(ij::encode_boot_flags(*b));
    if (!again || again->device != b->device) __builtin_trap();
    if (b->device != ij::BootDevice::none && (again->persistent != b->persistent || again->efi != b->efi))
      __builtin_trap();
  }
  return 0;
}
