#include "daemon/render/firewall.h"

#include <gtest/gtest.h>

#include "daemon/model/ipv4.h"

namespace ij {
namespace {

Enrollment bmc(const std::string& name, const std::string& link, const std::string& owner, const std::string& address,
               std::vector<unsigned> ports) {
  Enrollment e;
  e.name = name;
  e.link = link;
  e.owner = owner;
  e.bmc_address = parse_ipv4_cidr(address).value();
  e.ports = std::move(ports);
  return e;
}

TEST(Firewall, ExactText) {
  State s;
  s.enrollments["web01"] = bmc("web01", "eth1.101", "alice", "10.254.0.2/30", {22, 443});
  s.enrollments["db01"] = bmc("db01", "eth1.102", "bob", "10.254.0.6/30", {5900});
  s.enrollments["app01"] = bmc("app01", "eth1.103", "carol", "10.254.0.10/30", {22});
  s.tenants["alice"] = Tenant{"alice", {}};
  s.tenants["bob"] = Tenant{"bob", {}};
  s.tenants["carol"] = Tenant{"carol", {}};
  // carol has no uid yet (her user is created later in the enroll): no rule.
  EXPECT_EQ(render_firewall(s, {{"alice", 1001}, {"bob", 1002}}, {"eth1"}),
            "# Managed by ipmi-jumphostd; do not edit. Applied with nft -f, in one transaction.\n"
            "table inet ipmi_jumphost\n"
            "delete table inet ipmi_jumphost\n"
            "table inet ipmi_jumphost {\n"
            "\tset bmc_links {\n\t\ttype ifname\n\t\telements = { \"eth1.103\", \"eth1.102\", \"eth1.101\" }\n\t}\n"
            "\tset tenant_uids {\n\t\ttype uid\n\t\telements = { 1001, 1002 }\n\t}\n"
            "\tset tenant_ports {\n\t\ttype uid . ipv4_addr . inet_service\n"
            "\t\telements = { 1002 . 10.254.0.6 . 5900, 1001 . 10.254.0.2 . 22, 1001 . 10.254.0.2 . 443 }\n\t}\n"
            "\tset closed_trunks {\n\t\ttype ifname\n\t\telements = { \"eth1\" }\n\t}\n"
            "\tset bmc_addresses {\n\t\ttype ipv4_addr\n\t\telements = { 10.254.0.10, 10.254.0.6, 10.254.0.2 }\n\t}\n"
            "\tchain input {\n\t\ttype filter hook input priority filter - 10; policy accept;\n"
            "\t\tiifname @closed_trunks counter drop\n"
            "\t\tiifname @bmc_links ct state established,related accept\n"
            "\t\tiifname @bmc_links counter drop\n\t}\n"
            "\tchain forward {\n\t\ttype filter hook forward priority filter - 10; policy accept;\n"
            "\t\tiifname @closed_trunks counter drop\n"
            "\t\toifname @closed_trunks counter drop\n"
            "\t\tiifname @bmc_links counter drop\n"
            "\t\toifname @bmc_links counter drop\n\t}\n"
            "\tchain output {\n\t\ttype filter hook output priority filter - 10; policy accept;\n"
            "\t\toifname @closed_trunks counter drop\n"
            "\t\tip daddr @bmc_addresses oifname != @bmc_links counter drop\n"
            "\t\tct state established,related accept\n"
            "\t\tmeta skuid . ip daddr . tcp dport @tenant_ports accept\n"
            "\t\tmeta skuid @tenant_uids counter drop\n"
            "\t\toifname @bmc_links meta skuid != 0 counter drop\n\t}\n"
            "}\n");
  // No BMC: the sets are empty (nft refuses "elements = { }") but the table is there.
  const std::string empty = render_firewall(State{}, {}, {});
  EXPECT_NE(empty.find("\tset bmc_links {\n\t\ttype ifname\n\t}\n"), std::string::npos);
  EXPECT_NE(empty.find("\tset tenant_ports {\n\t\ttype uid . ipv4_addr . inet_service\n\t}\n"), std::string::npos);
}

}  // namespace
}  // namespace ij
