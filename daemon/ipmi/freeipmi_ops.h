// The Bmc operations that are one libfreeipmi session each, besides power
// and SOL (daemon/ipmi only): freeipmi_chassis.cc and freeipmi_probe.cc.
#pragma once

#include "daemon/ipmi/bmc.h"

namespace ij {

Status freeipmi_set_boot_device(const BmcTarget& t, const BootSetting& setting);
Result<BootSetting> freeipmi_boot_device(const BmcTarget& t);
Status freeipmi_identify(const BmcTarget& t, const IdentifyRequest& request);
Status freeipmi_sel_clear(const BmcTarget& t);
Result<BmcProbe> freeipmi_probe(const BmcTarget& t);

}  // namespace ij
