#include "common/render/firewall.h"

#include <gtest/gtest.h>

namespace ij {
namespace {

TEST(Firewall, ExactText) {
  State s;
  Enrollment a;
  a.name = "web01";
  a.link = "eth1.101";
  Enrollment b;
  b.name = "db01";
  b.link = "eth1.102";
  s.enrollments["web01"] = a;
  s.enrollments["db01"] = b;
  EXPECT_EQ(render_firewall(s),
            "# Managed by ipmi-jumphostd; do not edit. Applied with nft -f after nft -c.\n"
            "table inet ipmi_jumphost\n"
            "delete table inet ipmi_jumphost\n"
            "table inet ipmi_jumphost {\n"
            "\tset bmc_links {\n\t\ttype ifname\n\t\telements = { \"eth1.102\", \"eth1.101\" }\n\t}\n"
            "\tchain input {\n\t\ttype filter hook input priority filter - 10; policy accept;\n"
            "\t\tiifname @bmc_links ct state established,related accept\n"
            "\t\tiifname @bmc_links counter drop\n\t}\n"
            "\tchain forward {\n\t\ttype filter hook forward priority filter - 10; policy accept;\n"
            "\t\tiifname @bmc_links counter drop\n"
            "\t\toifname @bmc_links counter drop\n\t}\n"
            "}\n");
  // No BMC: the set is empty but the table is there.
  EXPECT_NE(render_firewall(State{}).find("\tset bmc_links {\n\t\ttype ifname\n\t}\n"), std::string::npos);
}

}  // namespace
}  // namespace ij
