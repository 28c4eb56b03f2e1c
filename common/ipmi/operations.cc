#include "common/ipmi/operations.h"

#include <algorithm>

#include "common/base/strings.h"

namespace ij {
namespace {

struct Name {
  BootDevice device;
  const char* word;
};
constexpr Name kBootNames[] = {
    {BootDevice::none, "none"}, {BootDevice::pxe, "pxe"},   {BootDevice::disk, "disk"},
    {BootDevice::cdrom, "cdrom"}, {BootDevice::bios, "bios"},
};

}  // namespace

Result<BootDevice> parse_boot_device(std::string_view word) {
  for (const Name& n : kBootNames)
    if (word == n.word && n.device != BootDevice::none) return n.device;
  return make_error(Errc::invalid_argument,
                    "boot device '" + quote_for_message(word) + "' is not one of pxe, disk, cdrom, bios");
}

const char* boot_device_name(BootDevice d) {
  for (const Name& n : kBootNames)
    if (d == n.device) return n.word;
  return "?";
}

std::vector<std::string> probe_warnings(const BmcProbe& p) {
  std::vector<std::string> w;
  if (std::find(p.cipher_suites.begin(), p.cipher_suites.end(), 0u) != p.cipher_suites.end())
    w.push_back("the BMC offers cipher suite 0 (no authentication: anyone who knows a user name gets in); "
                "disable it in the BMC's LAN configuration");
  if (p.anonymous_login)
    w.push_back("the BMC allows anonymous login (empty user name and password); disable it");
  if (p.null_user)
    w.push_back("the BMC has a null user (an empty user name) enabled; disable user 1 or give it no access");
  return w;
}

}  // namespace ij
