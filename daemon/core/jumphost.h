// What the daemon knows and what it acts on: the configuration, the state
// (the truth), the host's side effects behind narrow interfaces, and the
// clock. The use cases each take what they need of it: admin changes
// (admin.h), read views (views.h), the tenant's requests
// (tenant_service.h), the reconcile (reconcile.h) and the doctor (doctor.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <sys/types.h>

#include "daemon/config/config.h"
#include "daemon/core/clock.h"
#include "daemon/host/host.h"
#include "daemon/model/enrollment.h"

namespace ij {

struct Jumphost {
  Config config;
  State state;  // changed only by a plan's last step (admin.h)
  Host host;
  const Clock& clock;
  // Counts the changes of `state` (and their rollbacks): work that ran on a
  // snapshot (the doctor) tells whether the state moved meanwhile.
  uint64_t generation = 0;
  // The uid each tenant's firewall elements carry in the live table, as the
  // daemon wrote them (the reconcile, then each change): a change deletes
  // by these, so elements of a uid that is gone or was reused never stay.
  // Unknown (nullopt) until a reconcile has matched or written the table,
  // and after a failure to: the next change then writes the whole table.
  std::optional<std::map<std::string, uid_t>> firewall_uids;
};

}  // namespace ij
