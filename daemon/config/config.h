// /etc/ipmi-jumphost/jumphost.conf: "key = value" lines, '#' comments. Every
// key has a default; an unknown key or a bad value is an error "FILE:LINE: what".
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"
#include "daemon/console/mode.h"
#include "daemon/model/ipv4.h"

namespace ij {

struct Config {
  std::string trunk = "eth1";                        // the trunk an enroll without --trunk uses
  // Every interface carrying tagged BMC VLANs (trunks = eth1 eth2; default:
  // the one trunk). One 802.1Q trunk carries at most 4,094 VLANs: more BMCs,
  // or a second switch, need another trunk. A VLAN ID is unique per trunk.
  std::vector<std::string> trunks{"eth1"};
  // vlan_scope: jumphost (the default) — one VLAN ID space for every trunk,
  // as trunks to one switch share that switch's VLANs; trunk — each trunk
  // goes to a switch of its own, so a VLAN ID is unique per trunk (the way
  // past 4,094 BMCs).
  bool vlan_per_trunk = false;
  // Whether the trunk may carry untagged traffic for the host (trunk_untagged
  // = allow): by default (drop) the trunk is hardened like a BMC link and the
  // firewall drops everything that arrives on it untagged.
  bool trunk_untagged_allowed = false;
  Ipv4Cidr address_pool{Ipv4{0x0afe0000}, 16};       // 10.254.0.0/16: subnets for enrolls without --bmc-ip
  unsigned pool_prefix = 30;                         // size of each allocated subnet
  std::vector<unsigned> default_ports{22, 80, 443, 5900};
  std::string state_dir = "/var/lib/ipmi-jumphost";
  std::string hosts_file = "/etc/hosts";
  std::string keys_dir = "/etc/ipmi-jumphost/keys";
  std::string sshd_config = "/etc/ssh/sshd_config";
  std::string sshd_dropin_dir = "/etc/ssh/sshd_config.d";
  std::string sshd_binary = "/usr/sbin/sshd";
  std::string sshd_pid_file = "/run/sshd.pid";
  std::string nft_binary = "/usr/sbin/nft";
  std::string wrapper;  // empty: PREFIX/bin/ipmi-wrapper beside the daemon (wrapper_beside)
  std::string tenant_group = "ipmi-tenants";
  std::string admin_group = "jumphost-admin";
  std::string tenant_home = "/var/lib/ipmi-jumphost/empty";
  std::string runtime_dir = "/run/ipmi-jumphost";
  std::string public_host;                           // for client-config; default: this host's name
  unsigned public_port = 22;
  // jumpctl switch-config
  std::string switch_vendor = "procurve";            // procurve, aoscx, ios, junos, linux
  std::string switch_trunk_port;                     // the jumphost's port on the switch
  // Per trunk (switch_vendor.eth2 = junos, switch_trunk_port.eth2 = xe-0/0/1):
  // a trunk to another switch; a trunk without one takes the keys above.
  std::map<std::string, std::string> switch_vendors, switch_trunk_ports;
  unsigned switch_quarantine_vlan = 0;               // revoked BMCs' ports go here; 0: shut them down
  std::string switch_bridge = "br0";                 // vendor linux: the VLAN-filtering bridge
  // Consoles (daemon/console/console_server.h)
  ConsoleLogMode console_log = ConsoleLogMode::always;  // for BMCs enrolled without --console-log
  std::string console_log_dir = "/var/log/ipmi-jumphost/console";
  size_t console_replay = 8192;                      // bytes replayed on attach
  size_t console_log_max = 4 << 20;                  // NAME.log rotates past this many bytes
  // BMC operations (daemon/ipmi/bmc.h): each BMC's cached SDR, for sensors
  std::string sdr_cache_dir = "/var/cache/ipmi-jumphost/sdr";

  // "FILE:LINE" where each key was set, for messages about its value.
  std::map<std::string, std::string> origins;

  std::string state_file() const { return state_dir + "/state.json"; }
  bool has_trunk(const std::string& name) const;
  std::string vendor_for(const std::string& trunk) const;
  std::string switch_port_for(const std::string& trunk) const;
  std::string origin(const std::string& key) const {
    auto it = origins.find(key);
    return it == origins.end() ? "the default " + key : it->first + " at " + it->second;
  }
};

Config default_config();
// PREFIX/bin/ipmi-wrapper for a daemon at PREFIX/sbin/ipmi-jumphostd.
std::string wrapper_beside(const std::string& daemon_path);
// Parses the text of a config file; `source` names it in errors.
Result<Config> parse_config(std::string_view source, std::string_view text);
// Reads and parses FILE; a missing file at the default path means all defaults.
Result<Config> load_config(const std::string& path, bool must_exist);

}  // namespace ij
