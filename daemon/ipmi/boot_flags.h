// Set/Get System Boot Options, parameter 5, "boot flags" (IPMI 2.0 section
// 28.13, table 28-14), as the five data bytes:
//   data 1: bit 7 the flags are valid, bit 6 persistent (every boot, not
//           only the next), bit 5 EFI boot (not legacy PC compatible);
//   data 2: bits 5:2 the boot device selector (0h no override, 1h PXE,
//           2h hard drive, 3h hard drive safe mode, 5h CD/DVD, 6h BIOS
//           setup, ...), the other bits lock keys or clear CMOS: 0;
//   data 3-5: BIOS verbosity, console redirection, device instance: 0.
// A BMC clears the valid bit once the flags were used (or 60 s later,
// section 28.12), so flags that are not valid are no override at all.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "common/base/result.h"
#include "common/ipmi/operations.h"

namespace ij {

constexpr uint8_t kBootFlagsParameter = 5;
constexpr size_t kBootFlagsBytes = 5;

std::array<uint8_t, kBootFlagsBytes> encode_boot_flags(const BootSetting& s);
// Errors name what the BMC sent that has no word here (a device selector
// such as a diagnostic partition or remote media).
Result<BootSetting> decode_boot_flags(std::span<const uint8_t> data);

}  // namespace ij
