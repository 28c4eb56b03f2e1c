// The daemon's model: BMC enrollments and the tenants that own them.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon/console/mode.h"
#include "daemon/ipmi/settings.h"
#include "daemon/model/ipv4.h"
#include "daemon/model/secret.h"
#include "daemon/model/sshkey.h"

namespace ij {

struct Enrollment {
  std::string name;           // BMC name; reachable as NAME-ipmi
  unsigned vlan = 0;          // 802.1Q VID
  std::string owner;          // tenant's Unix user
  std::string link;           // "TRUNK.VID"
  // The trunk the BMC's VLAN is on: the link's name without ".VID" (link
  // names are exactly TRUNK.VID, never shortened: vlan_link_name).
  std::string trunk() const { return link.substr(0, link.rfind('.')); }
  Ipv4Cidr bmc_address;       // the BMC's address and subnet
  Ipv4Cidr jumphost_address;  // the link's address in that subnet
  std::vector<unsigned> ports;
  std::string bmc_user;       // IPMI user name, may be empty
  Secret bmc_password;        // never logged, never shown
  std::string switch_port;    // label of the BMC's switch port, may be empty
  IpmiSettings ipmi;          // how to open IPMI sessions to the BMC
  std::optional<ConsoleLogMode> console_log;  // unset: the configuration's console_log
  std::string enrolled_at;    // RFC 3339 UTC
  std::string enrolled_by;    // user name of the operator
};

struct Tenant {
  std::string user;
  std::vector<SshKey> keys;
};

// A switch port whose BMC was revoked: the switch configuration keeps
// shutting it down (or moving it to quarantine) until a new enrollment
// takes the port, so it never stays in its old VLAN.
struct ReleasedPort {
  std::string port;
  unsigned vlan = 0;        // the VLAN it was in
  std::string bmc;          // the BMC it served
  std::string revoked_at;   // RFC 3339
  std::string trunk;        // the trunk (so the switch) it was on; empty in states before trunks: the trunk
};

struct State {
  std::map<std::string, Enrollment> enrollments;  // by BMC name
  std::map<std::string, Tenant> tenants;          // by user name
  std::map<std::string, ReleasedPort> released_ports;  // by port

  const Enrollment* find(const std::string& name) const;
  // The enrollments a tenant owns, ordered by name.
  std::vector<const Enrollment*> owned_by(const std::string& user) const;
  std::set<std::string> tenant_names() const;
};

}  // namespace ij
