#include "daemon/render/firewall.h"

#include "common/base/strings.h"

namespace ij {
namespace {

const std::string kTable = std::string(kFirewallFamily) + " " + kFirewallTable;

std::string elements_of(const std::set<std::string>& elements) {
  return join(std::vector<std::string>(elements.begin(), elements.end()), ", ");
}

// A set declaration; nft refuses "elements = { }", so an empty set has none.
std::string set(const std::string& name, const std::string& type, const std::set<std::string>& elements) {
  std::string out = "\tset " + name + " {\n\t\ttype " + type + "\n";
  if (!elements.empty()) out += "\t\telements = { " + elements_of(elements) + " }\n";
  return out + "\t}\n";
}

std::string table(const FirewallSpec& spec) {
  static const std::set<std::string> none;
  std::string out = "table " + kTable + " {\n";
  for (const auto& [name, type] : firewall_sets()) {
    auto it = spec.sets.find(name);
    out += set(name, type, it == spec.sets.end() ? none : it->second);
  }
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
  return out + "}\n";
}

}  // namespace

size_t FirewallSpec::elements() const {
  size_t n = 0;
  for (const auto& [name, e] : sets) n += e.size();
  return n;
}

const std::vector<std::pair<std::string, std::string>>& firewall_sets() {
  static const std::vector<std::pair<std::string, std::string>> sets = {
      {"bmc_links", "ifname"},
      {"tenant_uids", "uid"},
      {"tenant_ports", "uid . ipv4_addr . inet_service"},
      {"closed_trunks", "ifname"},
      {"bmc_addresses", "ipv4_addr"},
  };
  return sets;
}

FirewallSpec firewall_spec(const State& state, const std::map<std::string, uid_t>& uids,
                           const std::vector<std::string>& closed_trunks, FirewallScope scope) {
  FirewallSpec spec;
  auto& links = spec.sets["bmc_links"];
  auto& tenant_uids = spec.sets["tenant_uids"];
  auto& tenant_ports = spec.sets["tenant_ports"];
  auto& trunks = spec.sets["closed_trunks"];
  auto& addresses = spec.sets["bmc_addresses"];
  for (const std::string& t : closed_trunks) trunks.insert("\"" + t + "\"");
  auto add_bmc = [&](const Enrollment& e) {
    links.insert("\"" + e.link + "\"");
    addresses.insert(e.bmc_address.address.str());
    auto uid = uids.find(e.owner);
    if (uid == uids.end()) return;
    for (unsigned port : e.ports)
      tenant_ports.insert(std::to_string(uid->second) + " . " + e.bmc_address.address.str() + " . " +
                          std::to_string(port));
  };
  auto add_tenant = [&](const std::string& user) {
    if (auto uid = uids.find(user); uid != uids.end()) tenant_uids.insert(std::to_string(uid->second));
  };
  // A lookup per name in scope: a partial spec costs what its scope holds.
  if (scope.bmcs) {
    for (const std::string& name : *scope.bmcs)
      if (const Enrollment* e = state.find(name)) add_bmc(*e);
  } else {
    for (const auto& [name, e] : state.enrollments) add_bmc(e);
  }
  if (scope.users) {
    for (const std::string& user : *scope.users)
      if (state.tenants.count(user)) add_tenant(user);
  } else {
    for (const auto& [user, t] : state.tenants) add_tenant(user);
  }
  return spec;
}

FirewallSpec firewall_minus(const FirewallSpec& a, const FirewallSpec& b) {
  FirewallSpec out;
  for (const auto& [name, elements] : a.sets) {
    auto other = b.sets.find(name);
    auto& left = out.sets[name];
    for (const std::string& e : elements)
      if (other == b.sets.end() || !other->second.count(e)) left.insert(e);
  }
  return out;
}

std::string render_firewall(const FirewallSpec& spec) {
  std::string out = "# Managed by ipmi-jumphostd; do not edit. Applied in one transaction.\n";
  // Declaring the table first makes the delete valid when it does not exist yet.
  out += "table " + kTable + "\n";
  out += "delete table " + kTable + "\n";
  return out + table(spec);
}

std::string render_firewall_skeleton() { return table(FirewallSpec{}); }

std::string render_firewall_change(const FirewallSpec& present, const FirewallSpec& absent) {
  std::string out;
  for (const auto& [name, elements] : present.sets)
    if (!elements.empty()) out += "add element " + kTable + " " + name + " { " + elements_of(elements) + " }\n";
  for (const auto& [name, elements] : absent.sets) {
    if (elements.empty()) continue;
    out += "add element " + kTable + " " + name + " { " + elements_of(elements) + " }\n";
    out += "delete element " + kTable + " " + name + " { " + elements_of(elements) + " }\n";
  }
  return out;
}

}  // namespace ij
