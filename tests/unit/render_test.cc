#include <gtest/gtest.h>

#include "daemon/render/hosts.h"
#include "daemon/render/sshd.h"
#include "tests/fakes/fake_host.h"
#include "tests/unit/test_keys.h"

namespace ij {
namespace {

Enrollment enrollment(const std::string& name, unsigned vlan, const std::string& owner, const std::string& bmc,
                      std::vector<unsigned> ports) {
  Enrollment e;
  e.name = name;
  e.vlan = vlan;
  e.owner = owner;
  e.link = "eth1." + std::to_string(vlan);
  e.bmc_address = parse_ipv4_cidr(bmc).value();
  e.jumphost_address = jumphost_address_for(e.bmc_address).value();
  e.ports = std::move(ports);
  return e;
}

State two_bmcs() {
  State s;
  s.enrollments["web01"] = enrollment("web01", 101, "alice", "10.254.0.2/30", {22, 443});
  s.enrollments["db01"] = enrollment("db01", 102, "alice", "10.254.0.6/30", {5900});
  s.tenants["alice"] = Tenant{"alice", {parse_ssh_key(testing::kAliceKey).value(), parse_ssh_key(testing::kBobKey).value()}};
  return s;
}

TEST(HostsBlock, RendersAndMerges) {
  State s = two_bmcs();
  const std::string block =
      "# BEGIN ipmi-jumphost (managed by ipmi-jumphostd, do not edit)\n"
      "10.254.0.6\tdb01-ipmi\n"
      "10.254.0.2\tweb01-ipmi\n"
      "# END ipmi-jumphost\n";
  EXPECT_EQ(render_hosts_block(s), block);
  EXPECT_EQ(render_hosts_block(State{}), "");

  const std::string mine = "127.0.0.1\tlocalhost\n::1 localhost\n";
  EXPECT_EQ(merge_hosts_block("/etc/hosts", mine, block).value(), mine + block);
  // Replaced in place; the operator's lines around it kept byte for byte.
  std::string around = mine + block + "192.0.2.9 printer # mine\n";
  std::string newer = render_hosts_block(State{});
  EXPECT_EQ(merge_hosts_block("/etc/hosts", around, newer).value(), mine + "192.0.2.9 printer # mine\n");
  // A last line without its newline gets one.
  EXPECT_EQ(merge_hosts_block("/etc/hosts", "127.0.0.1 localhost", block).value(), "127.0.0.1 localhost\n" + block);
}

TEST(HostsBlock, RefusesBrokenMarkers) {
  const std::string begin = "# BEGIN ipmi-jumphost (managed by ipmi-jumphostd, do not edit)\n";
  const std::string end = "# END ipmi-jumphost\n";
  EXPECT_EQ(merge_hosts_block("/etc/hosts", "127.0.0.1 localhost\n" + begin + "10.0.0.2 x-ipmi\n", "").error().message,
            "/etc/hosts:2: the ipmi-jumphost block is not closed; fix by hand");
  EXPECT_EQ(merge_hosts_block("/etc/hosts", end, "").error().message,
            "/etc/hosts:1: an ipmi-jumphost END marker without its BEGIN; fix by hand");
  EXPECT_EQ(merge_hosts_block("/etc/hosts", begin + end + begin + end, "").error().message,
            "/etc/hosts:3: a second ipmi-jumphost block begins here; remove one by hand");
}

// A line outside the block that names a BMC would win in the resolver,
// whatever its case.
TEST(Hosts, BmcNamesOutsideTheBlock) {
  const std::string hosts = "10.9.9.9\tWEB01-ipmi # planted\n" + std::string(kHostsBegin) +
                            "\n10.254.0.2\tweb01-ipmi\n" + std::string(kHostsEnd) + "\n10.0.0.1 db01-ipmi-x\n";
  EXPECT_EQ(foreign_bmc_lines("/etc/hosts", hosts, {"web01-ipmi", "db01-ipmi"}),
            std::vector<std::string>{"/etc/hosts:1: '10.9.9.9\\x09WEB01-ipmi # planted'"});
}

TEST(AuthorizedKeys, OnePermitopenPerPortOfEveryOwnedBmc) {
  State s = two_bmcs();
  const std::string opts =
      "restrict,pty,port-forwarding,command=\"/usr/bin/ipmi-wrapper\",permitopen=\"db01-ipmi:5900\","
      "permitopen=\"web01-ipmi:22\",permitopen=\"web01-ipmi:443\" ";
  EXPECT_EQ(render_authorized_keys(s, s.tenants.at("alice"), "/usr/bin/ipmi-wrapper"),
            "# Managed by ipmi-jumphostd for tenant alice; do not edit.\n" + opts + testing::kAliceKey + "\n" + opts +
                testing::kBobKey + "\n");
}

// A key without permitopen would let sshd forward anywhere: a tenant who
// owns no BMC gets no forwarding at all.
TEST(AuthorizedKeys, NoTargetsNoForwarding) {
  State s = two_bmcs();
  s.enrollments.clear();
  EXPECT_EQ(render_authorized_keys(s, s.tenants.at("alice"), "/usr/bin/ipmi-wrapper"),
            std::string("# Managed by ipmi-jumphostd for tenant alice; do not edit.\n") +
                "restrict,pty,command=\"/usr/bin/ipmi-wrapper\" " + testing::kAliceKey + "\n" +
                "restrict,pty,command=\"/usr/bin/ipmi-wrapper\" " + testing::kBobKey + "\n");
}

TEST(SshdDropin, OneBlockForEveryTenant) {
  Config c = testing::test_config();
  // Sorts before the usual drop-ins: sshd reads them in byte order.
  EXPECT_EQ(dropin_path(c), "/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf");
  EXPECT_EQ(authorized_keys_path(c, "alice"), "/etc/ipmi-jumphost/keys/alice");
  EXPECT_EQ(render_sshd_dropin(c),
            "# Managed by ipmi-jumphostd; do not edit. One block for every tenant (members of group ipmi-tenants).\n"
            "# Each tenant's BMC host:port list is in the permitopen= options of its keys file and in the\n"
            "# firewall's per-uid rules (nft list table inet ipmi_jumphost), not here: see README, Benchmarks.\n"
            "Match Group ipmi-tenants\n"
            "\tAuthorizedKeysFile /etc/ipmi-jumphost/keys/%u\n"
            "\tAuthorizedKeysCommand none\n"
            "\tTrustedUserCAKeys /dev/null\n"  // no CA: certificates refused ("none" is a file name here)
            "\tAuthenticationMethods publickey\n"
            "\tPubkeyAuthentication yes\n"
            "\tPasswordAuthentication no\n"
            "\tKbdInteractiveAuthentication no\n"
            "\tHostbasedAuthentication no\n"
            "\tForceCommand /usr/bin/ipmi-wrapper\n"
            "\tAllowTcpForwarding local\n"
            "\tPermitOpen any\n"
            "\tPermitListen none\n"
            "\tGatewayPorts no\n"
            "\tAllowStreamLocalForwarding no\n"
            "\tAllowAgentForwarding no\n"
            "\tX11Forwarding no\n"
            "\tPermitTunnel no\n"
            "\tPermitTTY yes\n"
            "\tPermitUserRC no\n"
            "\tBanner none\n");
  // sshd expands %u in AuthorizedKeysFile; a % of the directory stays one.
  c.keys_dir = "/srv/100%keys";
  EXPECT_NE(render_sshd_dropin(c).find("\tAuthorizedKeysFile /srv/100%%keys/%u\n"), std::string::npos);
}

TEST(ClientConfig, AliasesForEveryPort) {
  Config c = testing::test_config();
  Enrollment e = enrollment("web01", 101, "alice", "10.254.0.2/30", {22, 443});
  EXPECT_EQ(render_client_config(c, e),
            "# ~/.ssh/config for BMC web01 (generated by jumpctl client-config)\n"
            "Host ipmi-web01\n"
            "\tHostName jump.example.org\n"
            "\tUser alice\n"
            "\tRequestTTY yes\n"
            "\tForwardAgent no\n"
            "\tForwardX11 no\n"
            "\n# Shell aliases\n"
            "alias web01-power='ssh -t alice@jump.example.org power web01'\n"
            "alias web01-console='ssh -t alice@jump.example.org console web01'\n"
            "alias web01-tunnel-22='echo \"web01-ipmi:22 at localhost:10022, Ctrl-C when done\"; ssh -N -T -L "
            "10022:web01-ipmi:22 alice@jump.example.org'\n"
            "alias web01-tunnel-443='echo \"web01-ipmi:443 at localhost:10443, Ctrl-C when done\"; ssh -N -T -L "
            "10443:web01-ipmi:443 alice@jump.example.org'\n");
}

}  // namespace
}  // namespace ij
