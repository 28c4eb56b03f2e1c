// Start-up reconcile: the state is the truth; the host is brought to agree
// with it. Every failed check of find_drift() with a repair is repaired and
// logged as "drift: WHAT; DONE"; what it cannot repair it logs and counts,
// and the daemon still starts (degraded), so operators can act through
// jumpctl.
#pragma once

#include <string>
#include <vector>

#include "daemon/core/jumphost.h"

namespace ij {

struct ReconcileReport {
  std::vector<std::string> repaired;  // the checks' subjects, in order
  std::vector<std::string> failed;    // checks it could not repair
  int problems() const { return static_cast<int>(failed.size()); }
};

ReconcileReport reconcile(Jumphost& jh);

}  // namespace ij
