#include "common/bus/names.h"

namespace ij::bus {
namespace {
struct Entry {
  Errc code;
  const char* suffix;
};
constexpr Entry kErrors[] = {
    {Errc::invalid_argument, "InvalidArgument"}, {Errc::not_found, "NotFound"},
    {Errc::exists, "AlreadyExists"},             {Errc::access_denied, "AccessDenied"},
    {Errc::unsupported, "NotSupported"},         {Errc::failed, "Failed"},
};
}  // namespace

std::string error_name(Errc code) {
  for (const Entry& e : kErrors)
    if (e.code == code) return std::string(kErrorPrefix) + e.suffix;
  return std::string(kErrorPrefix) + "Failed";
}

Errc errc_from_name(const std::string& name) {
  for (const Entry& e : kErrors)
    if (name == std::string(kErrorPrefix) + e.suffix) return e.code;
  return Errc::failed;
}

}  // namespace ij::bus
