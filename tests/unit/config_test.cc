#include "daemon/config/config.h"

#include <gtest/gtest.h>

namespace ij {
namespace {

TEST(Config, DefaultsWhenEmpty) {
  auto c = parse_config("j.conf", "# nothing\n\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->trunk, "eth1");
  EXPECT_EQ(c->address_pool.str(), "10.254.0.0/16");
  EXPECT_EQ(c->pool_prefix, 30u);
  EXPECT_EQ(c->default_ports, (std::vector<unsigned>{22, 80, 443, 5900}));
  EXPECT_EQ(c->state_file(), "/var/lib/ipmi-jumphost/state.json");
  EXPECT_EQ(c->admin_group, "jumphost-admin");
  EXPECT_EQ(c->tenant_group, "ipmi-tenants");
}

TEST(Config, ReadsEveryKindOfValue) {
  auto c = parse_config("j.conf",
                        "trunk = enp3s0\n"
                        "  address_pool=192.168.64.0/18  \n"
                        "pool_prefix = 29\n"
                        "default_ports = 443,22\n"
                        "state_dir = /srv/ij\n"
                        "public_host = jump.example.org\n"
                        "public_port = 2222\n"
                        "switch_vendor = linux\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->trunk, "enp3s0");
  EXPECT_EQ(c->address_pool.str(), "192.168.64.0/18");
  EXPECT_EQ(c->pool_prefix, 29u);
  EXPECT_EQ(c->default_ports, (std::vector<unsigned>{443, 22}));
  EXPECT_EQ(c->state_file(), "/srv/ij/state.json");
  EXPECT_EQ(c->public_host, "jump.example.org");
  EXPECT_EQ(c->public_port, 2222u);
  EXPECT_EQ(c->switch_vendor, "linux");
}

// Several trunks: each carries up to 4,094 VLANs, maybe to its own switch.
TEST(Config, Trunks) {
  auto c = parse_config("j.conf", "trunks = eth1, eth2 bond0\nswitch_vendor = ios\nswitch_vendor.eth2 = junos\n"
                                  "switch_trunk_port = Gi1/0/48\nswitch_trunk_port.eth2 = xe-0/0/1\n");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->trunks, (std::vector<std::string>{"eth1", "eth2", "bond0"}));
  EXPECT_EQ(c->trunk, "eth1");  // the first, without 'trunk'
  EXPECT_EQ(c->vendor_for("eth1"), "ios");
  EXPECT_EQ(c->vendor_for("eth2"), "junos");
  EXPECT_EQ(c->switch_port_for("bond0"), "Gi1/0/48");
  EXPECT_EQ(c->switch_port_for("eth2"), "xe-0/0/1");
  EXPECT_EQ(parse_config("j.conf", "trunks = eth1 eth2\ntrunk = eth2\n")->trunk, "eth2");
  EXPECT_EQ(parse_config("j.conf", "trunk = eth3\n")->trunks, std::vector<std::string>{"eth3"});
  EXPECT_EQ(default_config().trunks, std::vector<std::string>{"eth1"});
  EXPECT_EQ(parse_config("j.conf", "trunks = eth1 eth2\ntrunk = eth3\n").error().message,
            "j.conf:2: trunk eth3 is not among trunks (eth1 eth2, j.conf:1)");
  EXPECT_EQ(parse_config("j.conf", "trunks = eth1 eth1\n").error().message,
            "j.conf:1: trunks: 'eth1' is named twice");
  EXPECT_EQ(parse_config("j.conf", "trunks = \n").error().message, "j.conf:1: trunks: no interface named");
  EXPECT_EQ(parse_config("j.conf", "switch_vendor.eth9 = ios\n").error().message,
            "j.conf:1: eth9 is not a trunk (trunks = eth1)");
  EXPECT_EQ(parse_config("j.conf", "switch_bridge.eth1 = br0\n").error().message,
            "j.conf:1: unknown key 'switch_bridge.eth1'");
  EXPECT_FALSE(parse_config("j.conf", "switch_vendor.eth1 = nortel\n").ok());
  EXPECT_FALSE(parse_config("j.conf", "trunks = enp129s0f1np1\n").ok());  // enp129s0f1np1.4094 is too long
}

TEST(Config, ErrorsNameFileAndLine) {
  EXPECT_EQ(parse_config("j.conf", "\n\ntrunk eth0\n").error().message, "j.conf:3: expected 'key = value'");
  EXPECT_EQ(parse_config("j.conf", "trunc = eth0\n").error().message, "j.conf:1: unknown key 'trunc'");
  EXPECT_EQ(parse_config("j.conf", "# c\nstate_dir = var/lib\n").error().message,
            "j.conf:2: state_dir: 'var/lib' is not an absolute path");
  EXPECT_EQ(parse_config("j.conf", "pool_prefix = 31\n").error().message,
            "j.conf:1: pool_prefix: '31' is not a prefix length in 16-30");
  EXPECT_EQ(parse_config("j.conf", "address_pool = 10.0.0.1/16\n").error().message,
            "j.conf:1: address_pool: '10.0.0.1/16' is not a network address (host bits set)");
  EXPECT_EQ(parse_config("j.conf", "switch_vendor = nortel\n").error().message,
            "j.conf:1: switch_vendor: switch vendor 'nortel' is not one of procurve, aoscx, ios, junos, linux");
  EXPECT_EQ(parse_config("j.conf", "public_port = 0\n").error().code, Errc::invalid_argument);
  EXPECT_EQ(parse_config("j.conf", "public_host = a;b\n").error().code, Errc::invalid_argument);
  EXPECT_FALSE(parse_config("j.conf", "admin_group = Root Group\n").ok());
  // A trunk whose VLAN links would not fit IFNAMSIZ.
  EXPECT_FALSE(parse_config("j.conf", "trunk = enp0s31f6abcd\n").ok());
  EXPECT_FALSE(parse_config("j.conf", "default_ports = 22,x\n").ok());
}

TEST(Config, MissingFile) {
  EXPECT_TRUE(load_config("/nonexistent/jumphost.conf", false).ok());
  EXPECT_EQ(load_config("/nonexistent/jumphost.conf", true).error().message,
            "/nonexistent/jumphost.conf: no such file");
}

}  // namespace
}  // namespace ij
