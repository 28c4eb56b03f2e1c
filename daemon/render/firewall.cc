#include "daemon/render/firewall.h"

#include "common/base/strings.h"

namespace ij {
namespace {

// A set declaration; nft refuses "elements = { }", so an empty set has none.
std::string set(const std::string& name, const std::string& type, const std::vector<std::string>& elements) {
  std::string out = "\tset " + name + " {\n\t\ttype " + type + "\n";
  if (!elements.empty()) out += "\t\telements = { " + join(elements, ", ") + " }\n";
  return out + "\t}\n";
}

}  // namespace

std::string render_firewall(const State& state, const std::map<std::string, uid_t>& uids,
                            const std::vector<std::string>& closed_trunks) {
  std::vector<std::string> links, tenant_uids, tenant_ports, trunks, bmc_addresses;
  for (const std::string& t : closed_trunks) trunks.push_back("\"" + t + "\"");
  for (const auto& [name, e] : state.enrollments) {
    links.push_back("\"" + e.link + "\"");
    bmc_addresses.push_back(e.bmc_address.address.str());
    auto uid = uids.find(e.owner);
    if (uid == uids.end()) continue;
    for (unsigned port : e.ports)
      tenant_ports.push_back(std::to_string(uid->second) + " . " + e.bmc_address.address.str() + " . " +
                             std::to_string(port));
  }
  for (const auto& [user, t] : state.tenants)
    if (auto uid = uids.find(user); uid != uids.end()) tenant_uids.push_back(std::to_string(uid->second));

  const std::string table = std::string(kFirewallFamily) + " " + kFirewallTable;
  std::string out;
  out += "# Managed by ipmi-jumphostd; do not edit. Applied with nft -f, in one transaction.\n";
  // Declaring the table first makes the delete valid when it does not exist yet.
  out += "table " + table + "\n";
  out += "delete table " + table + "\n";
  out += "table " + table + " {\n";
  out += set("bmc_links", "ifname", links);
  out += set("tenant_uids", "uid", tenant_uids);
  out += set("tenant_ports", "uid . ipv4_addr . inet_service", tenant_ports);
  out += set("closed_trunks", "ifname", trunks);
  out += set("bmc_addresses", "ipv4_addr", bmc_addresses);
  // Before the usual filter priority, so nothing else accepts it first.
  out += "\tchain input {\n\t\ttype filter hook input priority filter - 10; policy accept;\n";
  out += "\t\tiifname @closed_trunks counter drop\n";
  out += "\t\tiifname @bmc_links ct state established,related accept\n";
  out += "\t\tiifname @bmc_links counter drop\n\t}\n";
  out += "\tchain forward {\n\t\ttype filter hook forward priority filter - 10; policy accept;\n";
  out += "\t\tiifname @closed_trunks counter drop\n";
  out += "\t\toifname @closed_trunks counter drop\n";
  out += "\t\tiifname @bmc_links counter drop\n";
  out += "\t\toifname @bmc_links counter drop\n\t}\n";
  // Packets without a full socket (the kernel's own resets, time-wait ACKs)
  // have no skuid: those rules do not match them.
  out += "\tchain output {\n\t\ttype filter hook output priority filter - 10; policy accept;\n";
  out += "\t\toifname @closed_trunks counter drop\n";
  // A BMC is reached through a BMC link or not at all: with its link gone
  // (a revoke, a reboot before the reconcile) the default route would carry
  // an RMCP+ handshake, crackable offline, to whoever answers there.
  out += "\t\tip daddr @bmc_addresses oifname != @bmc_links counter drop\n";
  out += "\t\tct state established,related accept\n";
  out += "\t\tmeta skuid . ip daddr . tcp dport @tenant_ports accept\n";
  out += "\t\tmeta skuid @tenant_uids counter drop\n";
  out += "\t\toifname @bmc_links meta skuid != 0 counter drop\n\t}\n";
  out += "}\n";
  return out;
}

}  // namespace ij
