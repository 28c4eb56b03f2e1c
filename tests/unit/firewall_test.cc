#include "daemon/render/firewall.h"

#include <gtest/gtest.h>

#include "daemon/host/firewall_real.h"
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
  EXPECT_EQ(render_firewall(firewall_spec(s, {{"alice", 1001}, {"bob", 1002}}, {"eth1"})),
            "# Managed by ipmi-jumphostd; do not edit. Applied in one transaction.\n"
            "table inet ipmi_jumphost\n"
            "delete table inet ipmi_jumphost\n"
            "table inet ipmi_jumphost {\n"
            "\tset bmc_links {\n\t\ttype ifname\n\t\telements = { \"eth1.101\", \"eth1.102\", \"eth1.103\" }\n\t}\n"
            "\tset tenant_uids {\n\t\ttype uid\n\t\telements = { 1001, 1002 }\n\t}\n"
            "\tset tenant_ports {\n\t\ttype uid . ipv4_addr . inet_service\n"
            "\t\telements = { 1001 . 10.254.0.2 . 22, 1001 . 10.254.0.2 . 443, 1002 . 10.254.0.6 . 5900 }\n\t}\n"
            "\tset closed_trunks {\n\t\ttype ifname\n\t\telements = { \"eth1\" }\n\t}\n"
            "\tset bmc_addresses {\n\t\ttype ipv4_addr\n\t\telements = { 10.254.0.10, 10.254.0.2, 10.254.0.6 }\n\t}\n"
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
  const std::string empty = render_firewall(firewall_spec(State{}, {}, {}));
  EXPECT_NE(empty.find("\tset bmc_links {\n\t\ttype ifname\n\t}\n"), std::string::npos);
  EXPECT_NE(empty.find("\tset tenant_ports {\n\t\ttype uid . ipv4_addr . inet_service\n\t}\n"), std::string::npos);
}

TEST(Firewall, ScopedSpecAndChange) {
  State before;
  before.enrollments["web01"] = bmc("web01", "eth1.101", "alice", "10.254.0.2/30", {22, 443});
  before.tenants["alice"] = Tenant{"alice", {}};
  State after = before;
  after.enrollments["db01"] = bmc("db01", "eth1.102", "bob", "10.254.0.6/30", {5900});
  after.tenants["bob"] = Tenant{"bob", {}};
  const std::map<std::string, uid_t> uids{{"alice", 1001}, {"bob", 1002}};
  const std::set<std::string> bmcs{"db01"}, users{"bob"};
  const FirewallScope scope{&bmcs, &users};
  // The scope's elements only: nothing of web01 or alice.
  FirewallSpec have = firewall_spec(before, uids, {"eth1"}, scope);
  FirewallSpec want = firewall_spec(after, uids, {"eth1"}, scope);
  EXPECT_EQ(have.elements(), 1u);  // the closed trunk
  EXPECT_EQ(want.sets["bmc_links"], std::set<std::string>{"\"eth1.102\""});
  EXPECT_EQ(want.sets["tenant_uids"], std::set<std::string>{"1002"});
  EXPECT_EQ(want.sets["tenant_ports"], std::set<std::string>{"1002 . 10.254.0.6 . 5900"});
  EXPECT_EQ(want.elements(), 5u);
  EXPECT_EQ(firewall_minus(have, want).elements(), 0u);
  // The revoke: the elements go, each added first so the delete holds whether
  // or not it is there; the closed trunk stays (web01 is still enrolled).
  FirewallSpec gone = firewall_minus(want, have);
  EXPECT_EQ(gone.elements(), 4u);
  EXPECT_EQ(render_firewall_change(have, gone),
            "add element inet ipmi_jumphost closed_trunks { \"eth1\" }\n"
            "add element inet ipmi_jumphost bmc_addresses { 10.254.0.6 }\n"
            "delete element inet ipmi_jumphost bmc_addresses { 10.254.0.6 }\n"
            "add element inet ipmi_jumphost bmc_links { \"eth1.102\" }\n"
            "delete element inet ipmi_jumphost bmc_links { \"eth1.102\" }\n"
            "add element inet ipmi_jumphost tenant_ports { 1002 . 10.254.0.6 . 5900 }\n"
            "delete element inet ipmi_jumphost tenant_ports { 1002 . 10.254.0.6 . 5900 }\n"
            "add element inet ipmi_jumphost tenant_uids { 1002 }\n"
            "delete element inet ipmi_jumphost tenant_uids { 1002 }\n");
  EXPECT_EQ(render_firewall_change(FirewallSpec{}, FirewallSpec{}), "");
  // The whole spec is the scoped ones' union when the scope is everything.
  EXPECT_EQ(firewall_spec(after, uids, {"eth1"}).elements(), 10u);
}

// libnftables' JSON listing (nft 1.0.6, as this daemon reads it back): the
// elements in nft's syntax, the rest without handles.
TEST(Firewall, ParsesTheListing) {
  const std::string listing =
      R"({"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}},)"
      R"({"table": {"family": "inet", "name": "ipmi_jumphost", "handle": 1}},)"
      R"({"set": {"family": "inet", "name": "bmc_links", "table": "ipmi_jumphost", "type": "ifname", "handle": 2, "elem": ["eth1.101"]}},)"
      R"({"set": {"family": "inet", "name": "tenant_ports", "table": "ipmi_jumphost", "type": ["uid", "ipv4_addr", "inet_service"], "handle": 3, "elem": [{"concat": [1001, "10.254.0.2", 443]}]}},)"
      R"({"set": {"family": "inet", "name": "tenant_uids", "table": "ipmi_jumphost", "type": "uid", "handle": 4}},)"
      R"({"set": {"family": "inet", "name": "bmc_addresses", "table": "ipmi_jumphost", "type": "ipv4_addr", "handle": 5, "elem": ["10.254.0.2"]}},)"
      R"({"rule": {"family": "inet", "table": "ipmi_jumphost", "chain": "output", "handle": 9, "expr": [{"accept": null}]}}]})";
  auto parsed = parse_firewall_listing(listing);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->elements.sets["bmc_links"], std::set<std::string>{"\"eth1.101\""});
  EXPECT_EQ(parsed->elements.sets["tenant_ports"], std::set<std::string>{"1001 . 10.254.0.2 . 443"});
  EXPECT_TRUE(parsed->elements.sets.at("tenant_uids").empty());
  EXPECT_EQ(parsed->elements.sets["bmc_addresses"], std::set<std::string>{"10.254.0.2"});
  EXPECT_EQ(parsed->structure.find("handle"), std::string::npos) << parsed->structure;
  EXPECT_EQ(parsed->structure.find("eth1.101"), std::string::npos) << parsed->structure;
  EXPECT_NE(parsed->structure.find("\"accept\""), std::string::npos);
  // A rule changed by hand changes the structure.
  std::string changed = listing;
  changed.replace(changed.find("{\"accept\": null}"), 16, "{\"drop\": null}");
  auto other = parse_firewall_listing(changed);
  ASSERT_TRUE(other);
  EXPECT_NE(other->structure, parsed->structure);
  EXPECT_FALSE(parse_firewall_listing("not json"));
}

}  // namespace
}  // namespace ij
