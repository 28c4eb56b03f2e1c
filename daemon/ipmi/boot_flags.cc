#include "daemon/ipmi/boot_flags.h"

#include <string>

namespace ij {
namespace {

constexpr uint8_t kValid = 0x80;
constexpr uint8_t kPersistent = 0x40;
constexpr uint8_t kEfi = 0x20;
constexpr unsigned kSelectorShift = 2;
constexpr uint8_t kSelectorMask = 0x0f;

struct Selector {
  uint8_t code;
  BootDevice device;
  const char* what;  // the spec's words, for messages
};
// Table 28-14, data 2 bits 5:2; the first row of a device is what we set.
constexpr Selector kSelectors[] = {
    {0x0, BootDevice::none, "no override"},
    {0x1, BootDevice::pxe, "PXE"},
    {0x2, BootDevice::disk, "default hard drive"},
    {0x3, BootDevice::disk, "default hard drive, safe mode"},
    {0x4, BootDevice::none, "diagnostic partition"},
    {0x5, BootDevice::cdrom, "default CD/DVD"},
    {0x6, BootDevice::bios, "BIOS setup"},
    {0x7, BootDevice::none, "remotely connected floppy/primary removable media"},
    {0x8, BootDevice::none, "remotely connected CD/DVD"},
    {0x9, BootDevice::none, "primary remote media"},
    {0xb, BootDevice::none, "remotely connected hard drive"},
    {0xf, BootDevice::none, "floppy/primary removable media"},
};

}  // namespace

std::array<uint8_t, kBootFlagsBytes> encode_boot_flags(const BootSetting& s) {
  uint8_t code = 0;
  for (const Selector& sel : kSelectors)
    if (sel.device == s.device) {
      code = sel.code;
      break;
    }
  std::array<uint8_t, kBootFlagsBytes> data{};
  data[0] = static_cast<uint8_t>(kValid | (s.persistent ? kPersistent : 0) | (s.efi ? kEfi : 0));
  data[1] = static_cast<uint8_t>(code << kSelectorShift);
  return data;
}

Result<BootSetting> decode_boot_flags(std::span<const uint8_t> data) {
  if (data.size() < 2)
    return make_error(Errc::failed, "boot flags of " + std::to_string(data.size()) + " bytes (at least 2 expected)");
  BootSetting s;
  if (!(data[0] & kValid)) return s;
  const uint8_t code = (data[1] >> kSelectorShift) & kSelectorMask;
  for (const Selector& sel : kSelectors) {
    if (sel.code != code) continue;
    if (sel.device == BootDevice::none && code != 0)
      return make_error(Errc::unsupported, std::string("the boot device is set to ") + sel.what +
                                               ", which is not one of pxe, disk, cdrom, bios");
    s.device = sel.device;
    s.persistent = data[0] & kPersistent;
    s.efi = data[0] & kEfi;
    return s;
  }
  return make_error(Errc::unsupported, "the boot device selector is " + std::to_string(code) +
                                           ", which the IPMI specification does not define");
}

}  // namespace ij
