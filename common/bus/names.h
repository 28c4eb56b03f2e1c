// The D-Bus names of the product contract (PRODUCT.md "D-Bus").
#pragma once

#include <string>

#include "common/base/result.h"

namespace ij::bus {

inline constexpr const char* kServiceName = "org.ipmijumphost.Jumphost1";
inline constexpr const char* kObjectPath = "/org/ipmijumphost/Jumphost1";
inline constexpr char kManagerInterface[] = "org.ipmijumphost.Jumphost1.Manager";
inline constexpr char kTenantInterface[] = "org.ipmijumphost.Jumphost1.Tenant";
inline constexpr const char* kErrorPrefix = "org.ipmijumphost.Jumphost1.Error.";

// "org.ipmijumphost.Jumphost1.Error.InvalidArgument" and so on.
std::string error_name(Errc code);
// The inverse, for clients; unknown names map to Errc::failed.
Errc errc_from_name(const std::string& name);

}  // namespace ij::bus
