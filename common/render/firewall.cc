#include "common/render/firewall.h"

#include "common/base/strings.h"

namespace ij {

std::string render_firewall(const State& state) {
  std::vector<std::string> links;
  for (const auto& [name, e] : state.enrollments) links.push_back("\"" + e.link + "\"");
  const std::string table = std::string(kFirewallFamily) + " " + kFirewallTable;
  std::string out;
  out += "# Managed by ipmi-jumphostd; do not edit. Applied with nft -f after nft -c.\n";
  // Declaring the table first makes the delete valid when it does not exist yet.
  out += "table " + table + "\n";
  out += "delete table " + table + "\n";
  out += "table " + table + " {\n";
  out += "\tset bmc_links {\n\t\ttype ifname\n";
  if (!links.empty()) out += "\t\telements = { " + join(links, ", ") + " }\n";
  out += "\t}\n";
  // Before the usual filter priority, so nothing else accepts it first.
  out += "\tchain input {\n\t\ttype filter hook input priority filter - 10; policy accept;\n";
  out += "\t\tiifname @bmc_links ct state established,related accept\n";
  out += "\t\tiifname @bmc_links counter drop\n\t}\n";
  out += "\tchain forward {\n\t\ttype filter hook forward priority filter - 10; policy accept;\n";
  out += "\t\tiifname @bmc_links counter drop\n";
  out += "\t\toifname @bmc_links counter drop\n\t}\n";
  out += "}\n";
  return out;
}

}  // namespace ij
