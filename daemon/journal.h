// The daemon's log lines straight into the journal with their structured
// fields (common/base/log.h), when systemd connected stderr to the journal.
#pragma once

#include "common/base/log.h"

namespace ij {

// When stderr is the journal's stream (JOURNAL_STREAM names it), a sink that
// sends each line with PRIORITY, MESSAGE, OPERATION, BMC, TENANT, CALLER and
// RESULT; otherwise an empty sink (lines stay on stderr).
log::Sink journal_sink();

}  // namespace ij
