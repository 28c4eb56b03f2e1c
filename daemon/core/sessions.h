// What is live beyond the files that allowed it: a tenant's open consoles.
// A revoke ends the BMC's console at once (admin.h); the tenant service
// holds the consoles (tenant_service.h).
#pragma once

#include <string>

namespace ij {

class LiveSessions {
 public:
  virtual ~LiveSessions() = default;
  // Tells whoever has `bmc`'s console why, then closes it; nothing if none.
  virtual void end_console(const std::string& bmc, const std::string& why) = 0;
};

}  // namespace ij
