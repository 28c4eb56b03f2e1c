#include "tests/fakes/test_jumphost.h"

#include <gtest/gtest.h>

#include "common/model/names.h"

#include "daemon/core/intent.h"
#include "daemon/host/hardening.h"
#include "daemon/state/state_json.h"
#include "tests/fakes/fake_host.h"
#include "tests/unit/test_keys.h"

namespace ij {
namespace {

using testing::FakeHost;

// Everything the fake host holds, as text, to prove "nothing changed".
std::string snapshot(const FakeHost& h) {
  std::string out;
  for (const auto& [name, l] : h.links.links) out += "link " + name + " " + std::to_string(l.vlan_id) + "\n";
  for (const auto& [name, uid] : h.users.users) out += "user " + name + "\n";
  for (const auto& [path, content] : h.files.files) out += "file " + path + "\n" + content + "\n";
  out += "firewall\n" + h.firewall.live;
  return out;
}

// The live sessions a change ends, as "BMC: why".
struct RecordedConsoles : LiveSessions {
  void end_console(const std::string& bmc, const std::string& why) override { ended.push_back(bmc + ": " + why); }
  std::vector<std::string> ended;
};

class JumphostTest : public ::testing::Test {
 protected:
  // As the daemon does at start: the reconcile puts the (empty) firewall table in place.
  JumphostTest() : jh(testing::test_config(), State{}, host.host()) { jh.reconcile(); }

  EnrollRequest request(const std::string& name, long vlan) {
    EnrollRequest r;
    r.name = name;
    r.vlan = vlan;
    r.keys = {KeySource{"alice.pub", std::string(testing::kAliceKey) + "\n"}};
    return r;
  }
  // Enrolling `r` fails with `message` and leaves host and state as they were.
  void expect_refused(const EnrollRequest& r, const std::string& message) {
    std::string before = snapshot(host);
    std::string state_before = serialize_state(jh.state());
    auto e = jh.enroll(r, "root");
    ASSERT_FALSE(e.ok()) << "enroll " << r.name << " succeeded";
    EXPECT_EQ(e.error().message, message);
    EXPECT_EQ(snapshot(host), before);
    EXPECT_EQ(serialize_state(jh.state()), state_before);
  }

  FakeHost host;
  testing::TestJumphost jh;
};

TEST_F(JumphostTest, EnrollAppliesEverySixSteps) {
  auto e = jh.enroll(request("web01", 101), "root");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->link, "eth1.101");
  EXPECT_EQ(e->bmc_address.str(), "10.254.0.2/30");
  EXPECT_EQ(e->jumphost_address.str(), "10.254.0.1/30");
  EXPECT_EQ(e->owner, "web01");
  EXPECT_EQ(e->enrolled_by, "root");
  // 1 link
  ASSERT_TRUE(host.links.links.count("eth1.101"));
  EXPECT_EQ(host.links.links["eth1.101"].vlan_id, 101u);
  EXPECT_EQ(host.links.links["eth1.101"].addresses.at(0).str(), "10.254.0.1/30");
  // 2 user, and the firewall's rules for its uid: its BMC's ports only
  ASSERT_TRUE(host.users.users.count("web01"));
  const std::string uid = std::to_string(host.users.users["web01"]);
  EXPECT_EQ(host.firewall.spec.sets["tenant_ports"],
            (std::set<std::string>{uid + " . 10.254.0.2 . 22", uid + " . 10.254.0.2 . 443", uid + " . 10.254.0.2 . 5900",
                                   uid + " . 10.254.0.2 . 80"}))
      << host.firewall.live;
  // Elements added to the table, not a new table.
  EXPECT_EQ(host.firewall.applies, 1);  // the start's
  EXPECT_EQ(host.firewall.changes, 2);  // the link's, then the new user's uid
  // 3 hosts
  EXPECT_NE(host.files.files["/etc/hosts"].find("10.254.0.2\tweb01-ipmi\n"), std::string::npos);
  EXPECT_EQ(host.files.files["/etc/hosts"].rfind("127.0.0.1\tlocalhost\n", 0), 0u);
  // 4 keys
  EXPECT_NE(host.files.files["/etc/ipmi-jumphost/keys/web01"].find("permitopen=\"web01-ipmi:5900\" ssh-ed25519"),
            std::string::npos);
  // 5 drop-in (the first tenant's enroll writes it), reloaded
  EXPECT_NE(host.files.files["/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf"].find("Match Group ipmi-tenants\n"),
            std::string::npos);
  EXPECT_EQ(host.sshd.reloads, 1);
  // 6 state
  EXPECT_EQ(host.files.modes["/var/lib/ipmi-jumphost/state.json"].mode, 0600u);
  // Keys files: for the tenant group to read (sshd reads them as the tenant), nobody else.
  EXPECT_EQ(host.files.modes["/etc/ipmi-jumphost/keys/web01"], (Files::Access{0640, "ipmi-tenants"}));
  auto saved = parse_state("state", host.files.files["/var/lib/ipmi-jumphost/state.json"]);
  ASSERT_TRUE(saved.ok()) << saved.error().message;
  EXPECT_TRUE(saved->find("web01"));
}

// sshd keeps the first value from the Match blocks that match: one read
// before the tenants' block wins over it, so enroll refuses before any step.
TEST_F(JumphostTest, EnrollRefusesWhileSshdReadsAMatchBlockFirst) {
  const int checks = host.sshd.checks;
  host.files.files["/etc/ssh/sshd_config.d/00-access.conf"] = "Match Address 10.99.0.0/16\n\tAllowTcpForwarding yes\n";
  host.files.files["/etc/ssh/sshd_config.d/0-more.conf"] = "# sorts first: '-' < '0'\nMatch LocalPort 2222\n";
  expect_refused(request("web01", 101),
                 "enroll web01: /etc/ssh/sshd_config.d/0-more.conf:2: 'Match LocalPort 2222' comes before the tenants' "
                 "block in /etc/ssh/sshd_config.d/00-ipmi-jumphost.conf and would win over it for some connections "
                 "(and 1 more: jumpctl doctor lists them): move it after, or into the main file after the Include; "
                 "nothing was changed");
  EXPECT_EQ(host.sshd.checks, checks);
  // Read after ours, the same block cannot win.
  host.files.files.erase("/etc/ssh/sshd_config.d/0-more.conf");
  host.files.files["/etc/ssh/sshd_config.d/00-site.conf"] = host.files.files["/etc/ssh/sshd_config.d/00-access.conf"];
  host.files.files.erase("/etc/ssh/sshd_config.d/00-access.conf");
  auto e = jh.enroll(request("web01", 101), "root");
  EXPECT_TRUE(e.ok()) << e.error().message;
  host.files.files["/etc/ssh/sshd_config"] = "Port 22\n";
  expect_refused(request("web02", 102),
                 "enroll web02: sshd does not read /etc/ssh/sshd_config.d/00-ipmi-jumphost.conf: /etc/ssh/sshd_config "
                 "does not Include it: add 'Include /etc/ssh/sshd_config.d/*.conf' at the top of /etc/ssh/sshd_config; "
                 "nothing was changed");
}

TEST_F(JumphostTest, RevokeRemovesExactlyWhatEnrollMade) {
  std::string before = snapshot(host);
  ASSERT_TRUE(jh.enroll(request("web01", 101), "root").ok());
  ASSERT_TRUE(jh.revoke("web01", "root").ok());
  // The state file stays, empty; the trunk stays closed to untagged traffic
  // (a revoke never loosens it); everything else is as before.
  host.files.files.erase("/var/lib/ipmi-jumphost/state.json");
  for (const KernelSetting& s : link_hardening("eth1")) {
    if (s.optional) continue;
    EXPECT_EQ(host.files.files[s.path], s.value + "\n") << s.path;
    host.files.files.erase(s.path);
  }
  EXPECT_EQ(snapshot(host), before);
  EXPECT_TRUE(jh.state().enrollments.empty());
  EXPECT_TRUE(jh.state().tenants.empty());
  EXPECT_EQ(jh.revoke("web01", "root").error().message, "revoke web01: no BMC of that name is enrolled");
}

TEST_F(JumphostTest, OwnerWithTwoBmcsKeepsUserUntilTheLast) {
  EnrollRequest a = request("web01", 101);
  a.owner = "alice";
  EnrollRequest b = request("db01", 102);
  b.owner = "alice";
  b.keys.clear();
  b.bmc_address = "192.168.7.10/24";
  ASSERT_TRUE(jh.enroll(a, "root").ok());
  auto e = jh.enroll(b, "root");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->jumphost_address.str(), "192.168.7.1/24");
  const std::string& keys = host.files.files["/etc/ipmi-jumphost/keys/alice"];
  EXPECT_NE(keys.find("permitopen=\"db01-ipmi:22\""), std::string::npos);
  EXPECT_NE(keys.find("permitopen=\"web01-ipmi:22\""), std::string::npos);
  ASSERT_TRUE(jh.revoke("web01", "root").ok());
  EXPECT_TRUE(host.users.users.count("alice"));
  EXPECT_EQ(host.files.files["/etc/ipmi-jumphost/keys/alice"].find("web01-ipmi"), std::string::npos);
  ASSERT_TRUE(jh.revoke("db01", "root").ok());
  EXPECT_FALSE(host.users.users.count("alice"));
  EXPECT_FALSE(host.files.files.count("/etc/ipmi-jumphost/keys/alice"));
}

TEST_F(JumphostTest, RefusesBadInputWithNothingChanged) {
  ASSERT_TRUE(jh.enroll(request("web01", 101), "root").ok());
  EnrollRequest r = request("web02", 102);
  r.owner = "root";
  expect_refused(r, "enroll web02: user root already exists and was not created by ipmi-jumphost: choose another --owner");
  r = request("Web_02", 102);
  expect_refused(r, "enroll Web_02: BMC name 'Web_02': character 1 is not a lowercase letter, digit or '-'");
  r = request("web02", 102);
  r.owner = "-x";
  EXPECT_EQ(jh.enroll(r, "root").error().code, Errc::invalid_argument);
  expect_refused(request("web02", 0), "enroll web02: VLAN ID 0 is outside 1-4094");
  expect_refused(request("web02", 4095), "enroll web02: VLAN ID 4095 is outside 1-4094");
  expect_refused(request("web02", 101), "enroll web02: VLAN 101 is already used by BMC web01");
  expect_refused(request("web01", 102), "enroll web01: BMC web01 is already enrolled");
  r = request("web02", 102);
  r.bmc_address = "10.254.0.1/30";
  expect_refused(r, "enroll web02: address 10.254.0.1/30 overlaps the subnet 10.254.0.0/30 of BMC web01");
  r.bmc_address = "10.1.2.300/24";
  expect_refused(r, "enroll web02: address '10.1.2.300' is not an IPv4 address: '300' is not a number in 0-255");
  r.bmc_address = "10.1.2.0/24";
  expect_refused(r, "enroll web02: BMC address 10.1.2.0/24 is the network address of its subnet, not a host address");
  r = request("web02", 102);
  r.keys = {KeySource{"k.pub", std::string("command=\"/bin/sh\" ") + testing::kBobKey}};
  expect_refused(r, "enroll web02: k.pub:1: the key carries its own options ('command=\"/bin/sh\"'): give the bare key, "
                    "the daemon sets the options");
  r.keys = {KeySource{"k.pub", "not a key"}};
  expect_refused(r, "enroll web02: k.pub:1: unknown key type 'not'");
  r.keys = {KeySource{"a.pub", testing::kBobKey}, KeySource{"b.pub", testing::kBobKey}};
  expect_refused(r, std::string("enroll web02: b.pub: key ") + testing::kBobFingerprint + " is already a key of web02");
  r = request("web02", 102);
  r.ports = std::vector<unsigned>{22, 70000};
  expect_refused(r, "enroll web02: port 70000 is outside 1-65535");
  r = request("web02", 102);
  r.bmc_password = "pw";
  expect_refused(r, "enroll web02: a BMC password needs a BMC user");
  r = request("web02", 102);
  r.owner = "jumphost-admin";  // a group, created at start
  expect_refused(r, "enroll web02: a group named jumphost-admin exists: choose another --owner");
  r = request("web02", 102);
  r.bmc_user = "ADMIN";
  r.ipmi.cipher_suite = 0;
  expect_refused(r, "enroll web02: cipher suite 0 has no authentication at all and is refused: use 3 or 17");
}

// A BMC subnet must not take the host's own networks (an address or a route
// on another interface) or a special-purpose range: the route would move to
// the BMC's VLAN.
TEST_F(JumphostTest, RefusesTheHostsNetworksAndSpecialRanges) {
  auto cidr = [](const char* t) { return parse_ipv4_cidr(t).value(); };
  host.links.links["eth0"] = LinkInfo{false, 0, "", true, {cidr("10.1.2.3/16")}, {cidr("0.0.0.0/0"), cidr("10.1.0.0/16")}};
  host.links.links["wg0"] = LinkInfo{false, 0, "", true, {}, {cidr("192.168.77.0/24")}};
  EnrollRequest r = request("web02", 102);
  r.bmc_address = "10.1.5.10/24";
  expect_refused(r, "enroll web02: BMC subnet 10.1.5.0/24 overlaps 10.1.0.0/16 of interface eth0 (address 10.1.2.3/16): "
                    "choose another --bmc-ip");
  r.bmc_address = "192.168.77.10/28";
  expect_refused(r, "enroll web02: BMC subnet 192.168.77.0/28 overlaps the route to 192.168.77.0/24 through interface "
                    "wg0: choose another --bmc-ip");
  for (auto [address, range] : {std::pair{"127.0.0.2/30", "loopback 127.0.0.0/8"},
                                std::pair{"224.0.0.2/30", "multicast 224.0.0.0/4"},
                                std::pair{"169.254.7.2/30", "link-local 169.254.0.0/16"},
                                std::pair{"0.0.0.2/30", "this network 0.0.0.0/8"},
                                std::pair{"255.255.255.253/30", "reserved 240.0.0.0/4"}}) {
    r.bmc_address = address;
    const Ipv4Cidr a = cidr(address);
    expect_refused(r, "enroll web02: BMC subnet " + Ipv4Cidr{a.network(), a.prefix}.str() + " overlaps " + range +
                          ": choose another --bmc-ip");
  }
  // The pool skips a subnet the host already uses.
  host.links.links["eth0"].addresses.push_back(cidr("10.254.0.1/30"));
  auto e = jh.enroll(request("web02", 102), "root");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->bmc_address.str(), "10.254.0.6/30");
}

// Closing the trunk would cut the host's own traffic on it.
TEST_F(JumphostTest, RefusesATrunkWithAnAddressUnlessUntaggedIsAllowed) {
  host.links.links["eth1"].addresses = {parse_ipv4_cidr("10.9.0.1/24").value()};
  expect_refused(request("web01", 101),
                 "enroll web01: the trunk eth1 has the address 10.9.0.1/24 and trunk_untagged = drop would cut the "
                 "host's untagged traffic on it: move the address to another interface, or set trunk_untagged = "
                 "allow in the configuration");
  jh.world.config.trunk_untagged_allowed = true;
  EXPECT_TRUE(jh.enroll(request("web01", 101), "root").ok());
  EXPECT_EQ(host.files.files.count("/proc/sys/net/ipv4/conf/eth1/rp_filter"), 0u);  // left as it was
}

TEST_F(JumphostTest, RefusesUnknownTrunk) {
  host.links.links.erase("eth1");
  expect_refused(request("web01", 101),
                 "enroll web01: trunk interface eth1 does not exist: set 'trunk' (or 'trunks') in the configuration");
}

TEST_F(JumphostTest, FirewallCoversEveryLinkAndOnlyThem) {
  ASSERT_TRUE(jh.enroll(request("web01", 101), "root").ok());
  EXPECT_NE(host.firewall.live.find("elements = { \"eth1.101\" }"), std::string::npos) << host.firewall.live;
  EnrollRequest r = request("web02", 102);
  r.keys.clear();
  r.owner = "web01";
  ASSERT_TRUE(jh.enroll(r, "root").ok());
  EXPECT_NE(host.firewall.live.find("elements = { \"eth1.101\", \"eth1.102\" }"), std::string::npos);
  ASSERT_TRUE(jh.revoke("web01", "root").ok());
  EXPECT_NE(host.firewall.live.find("elements = { \"eth1.102\" }"), std::string::npos);
}

TEST_F(JumphostTest, RejectedFirewallLeavesNothing) {
  host.firewall.reject = true;
  expect_refused(request("web01", 101),
                 "enroll web01: step 1/7 (VLAN link) failed: nftables refuses the firewall table: injected; nothing was changed");
}

TEST_F(JumphostTest, No8021qSaysSoAndLeavesNothing) {
  host.links.no_8021q = true;
  expect_refused(request("web01", 101),
                 "enroll web01: step 1/7 (VLAN link) failed: cannot create VLAN link eth1.101: no 802.1Q; nothing was "
                 "changed");
}

// A link that create_vlan made and could not take back is left behind: the
// change says its rollback is incomplete and its record stays, so the next
// start removes the link (the state does not name it).
TEST_F(JumphostTest, AHalfMadeLinkLeftBehindKeepsTheRecord) {
  host.links.no_8021q = true;  // a clean failure keeps no record
  ASSERT_FALSE(jh.enroll(request("web01", 101), "root").ok());
  EXPECT_FALSE(host.files.files.count(intent_path(jh.world.config)));
  host.links.no_8021q = false;
  host.links.create_leaves_link = true;
  auto e = jh.enroll(request("web01", 101), "root");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("removing the half-made link eth1.101 failed too: injected; ROLLBACK INCOMPLETE"),
            std::string::npos)
      << e.error().message;
  EXPECT_TRUE(host.files.files.count(intent_path(jh.world.config)));
  // Further changes wait for the restart that puts the host in line.
  host.links.create_leaves_link = false;
  auto next = jh.enroll(request("web02", 102), "root");
  ASSERT_FALSE(next.ok());
  EXPECT_NE(next.error().message.find("an earlier change could not be undone completely"), std::string::npos);
}

// A failure at each later step undoes the earlier ones.
TEST_F(JumphostTest, FailureAtEveryStepRollsBack) {
  ASSERT_TRUE(jh.enroll(request("web01", 101), "root").ok());
  host.users.fail_add = true;
  expect_refused(request("web02", 102),
                 "enroll web02: step 3/7 (Unix user) failed: useradd exited with 1: injected failure; the earlier steps "
                 "were undone");
  host.users.fail_add = false;
  for (const char* path : {"/etc/hosts", "/etc/ipmi-jumphost/keys/web02", "/var/lib/ipmi-jumphost/state.json"}) {
    host.files.fail_write_path = path;
    SCOPED_TRACE(path);
    std::string before = snapshot(host);
    auto e = jh.enroll(request("web02", 102), "root");
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().message.find(std::string("cannot write ") + path + ": injected failure; the earlier steps were undone"),
              std::string::npos)
        << e.error().message;
    EXPECT_EQ(snapshot(host), before);
    EXPECT_EQ(jh.state().enrollments.size(), 1u);
  }
  host.files.fail_write_path.clear();
  host.sshd.fail_verify = true;
  expect_refused(request("web02", 102),
                 "enroll web02: step 6/7 (sshd drop-in) failed: sshd does not give web02 the tenants' block: injected; "
                 "the earlier steps were undone");
}

// A revoke that fails at its last step puts the user back; the user has a
// new uid, and the firewall's rules are those of the new uid.
TEST_F(JumphostTest, RevokeRollbackGivesTheRecreatedUserItsRules) {
  ASSERT_TRUE(jh.enroll(request("web01", 101), "root").ok());
  const uid_t old_uid = host.users.users.at("web01");
  host.files.fail_write_path = "/var/lib/ipmi-jumphost/state.json";
  auto s = jh.revoke("web01", "root");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "revoke web01: step 6/6 (state record) failed: cannot write "
                               "/var/lib/ipmi-jumphost/state.json: injected failure; the earlier steps were undone");
  ASSERT_TRUE(host.users.users.count("web01"));
  const std::string uid = std::to_string(host.users.users.at("web01"));
  EXPECT_NE(uid, std::to_string(old_uid));
  EXPECT_NE(host.firewall.live.find(uid + " . 10.254.0.2 . 22"), std::string::npos) << host.firewall.live;
  EXPECT_EQ(host.firewall.live.find(std::to_string(old_uid) + " . "), std::string::npos);
  EXPECT_TRUE(host.links.links.count("eth1.101"));
}

// No uid's element outlives the uid's user (a reused uid would inherit it):
// the review's three cases (issue 16).
TEST_F(JumphostTest, NoElementOutlivesItsUser) {
  auto uid_elements = [&](uid_t uid) {
    size_t n = host.firewall.spec.sets["tenant_uids"].count(std::to_string(uid));
    for (const std::string& e : host.firewall.spec.sets["tenant_ports"]) n += e.rfind(std::to_string(uid) + " . ", 0) == 0;
    return n;
  };
  // 1. The user deleted by hand, then the revoke.
  ASSERT_TRUE(jh.enroll(request("web01", 101), "root").ok());
  const uid_t first = host.users.users.at("web01");
  ASSERT_GT(uid_elements(first), 0u);
  host.users.users.erase("web01");
  ASSERT_TRUE(jh.revoke("web01", "root").ok());
  EXPECT_EQ(uid_elements(first), 0u) << host.firewall.live;

  // 1b. A tenant's user deleted by hand and its uid given out again to a
  // new tenant: that tenant gets only its own BMC's elements.
  ASSERT_TRUE(jh.enroll(request("web02", 102), "root").ok());
  const uid_t reused = host.users.users.at("web02");
  const std::string web02_address = jh.state().find("web02")->bmc_address.address.str();
  host.users.users.erase("web02");
  host.users.next_uid = reused;
  ASSERT_TRUE(jh.enroll(request("web03", 103), "root").ok());
  ASSERT_EQ(host.users.users.at("web03"), reused);
  for (const std::string& e : host.firewall.spec.sets["tenant_ports"])
    EXPECT_EQ(e.find(std::to_string(reused) + " . " + web02_address + " . "), std::string::npos) << e;
  ASSERT_TRUE(jh.revoke("web02", "root").ok());
  ASSERT_TRUE(jh.revoke("web03", "root").ok());
  host.users.next_uid = 2000;

  // 2. A set to a new owner whose firewall step fails (the element change
  // and the whole table both): the new user goes with its elements.
  ASSERT_TRUE(jh.enroll(request("web01", 101), "root").ok());
  host.firewall.calls = 0;
  host.firewall.fail_calls = {2, 3};  // step 3's change passes; step 4's change and whole write fail
  SetRequest r;
  r.name = "web01";
  r.owner = "bob";
  auto set = jh.admin.set(r, "root");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.error().message.rfind("set web01: step 4/8 (firewall) failed: ", 0), 0u) << set.error().message;
  host.firewall.fail_calls.clear();
  EXPECT_FALSE(host.users.users.count("bob"));
  EXPECT_EQ(uid_elements(host.users.next_uid - 1), 0u) << host.firewall.live;
  EXPECT_GT(uid_elements(host.users.users.at("web01")), 0u);  // web01's owner keeps theirs

  // 3. A revoke rolled back (the state cannot be written) whose user cannot
  // be made again: nothing of the old uid comes back.
  const uid_t old_uid = host.users.users.at("web01");
  host.files.fail_write_path = "/var/lib/ipmi-jumphost/state.json";
  host.users.fail_add = true;
  ASSERT_FALSE(jh.revoke("web01", "root").ok());
  EXPECT_FALSE(host.users.users.count("web01"));
  EXPECT_EQ(uid_elements(old_uid), 0u) << host.firewall.live;
}

// The first tenant's enroll writes the drop-in, checked by sshd -t first;
// later ones leave it alone and reload nothing.
TEST_F(JumphostTest, OneDropinForAllTenants) {
  host.sshd.reject = true;
  expect_refused(request("web01", 101),
                 "enroll web01: step 6/7 (sshd drop-in) failed: sshd -t rejects the configuration: injected; the "
                 "earlier steps were undone");
  host.sshd.reject = false;
  ASSERT_TRUE(jh.enroll(request("web01", 101), "root").ok());
  const std::string dropin = host.files.files.at("/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf");
  int reloads = host.sshd.reloads;
  ASSERT_TRUE(jh.enroll(request("web02", 102), "root").ok());
  EXPECT_EQ(host.sshd.reloads, reloads);
  ASSERT_TRUE(jh.revoke("web01", "root").ok());
  EXPECT_EQ(host.files.files.at("/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf"), dropin);
  ASSERT_TRUE(jh.revoke("web02", "root").ok());
  EXPECT_FALSE(host.files.files.count("/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf"));
  EXPECT_EQ(host.sshd.reloads, reloads + 1);
}

TEST_F(JumphostTest, Keys) {
  ASSERT_TRUE(jh.enroll(request("web01", 101), "root").ok());
  auto added = jh.add_keys("web01", KeySource{"bob.pub", testing::kBobKey}, "root");
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(*added, std::vector<std::string>{testing::kBobFingerprint});
  EXPECT_NE(host.files.files["/etc/ipmi-jumphost/keys/web01"].find(testing::kBobKey), std::string::npos);
  EXPECT_EQ(jh.add_keys("web01", KeySource{"bob.pub", testing::kBobKey}, "root").error().message,
            std::string("key add web01: bob.pub: key ") + testing::kBobFingerprint + " is already a key of web01");
  EXPECT_EQ(jh.add_keys("carol", KeySource{"bob.pub", testing::kBobKey}, "root").error().message,
            "key add: carol is not a tenant");
  ASSERT_TRUE(jh.remove_key("web01", testing::kBobFingerprint, "root").ok());
  EXPECT_EQ(host.files.files["/etc/ipmi-jumphost/keys/web01"].find(testing::kBobKey), std::string::npos);
  // Whichever session logged in with the removed key ends (all of the user's).
  EXPECT_EQ(host.users.ended, std::vector<std::string>{"web01"});
  EXPECT_EQ(jh.remove_key("web01", "SHA256:nope", "root").error().message,
            "key remove: web01 has no key SHA256:nope (jumpctl show lists the fingerprints)");
}

// Connections opened before a revoke outlive the files that allowed them:
// the revoke ends the BMC's console and aborts every connection to it, also
// when the owner keeps another BMC (and so their user and sessions).
TEST_F(JumphostTest, RevokeEndsWhatIsLive) {
  RecordedConsoles consoles;
  Admin admin(jh.world, &consoles);
  EnrollRequest r = request("web02", 102);
  r.owner = "alice";
  r.keys.clear();
  ASSERT_TRUE(admin.enroll(r, "root").ok());
  r = request("web03", 103);
  r.owner = "alice";
  r.keys.clear();
  ASSERT_TRUE(admin.enroll(r, "root").ok());
  ASSERT_TRUE(admin.revoke("web02", "root").ok());
  EXPECT_EQ(consoles.ended, std::vector<std::string>{"web02: the BMC was revoked"});
  EXPECT_EQ(host.sockets.closed, std::vector<std::string>{"10.254.0.2"});
  EXPECT_TRUE(host.users.users.count("alice"));  // alice keeps web03
}

// ---- set ----

// Everything but the state file, as text: what a change of credentials
// must leave alone.
std::string snapshot_but_state(const FakeHost& h) {
  std::string out;
  for (const auto& [name, l] : h.links.links) out += "link " + name + "\n";
  for (const auto& [name, uid] : h.users.users) out += "user " + name + "\n";
  for (const auto& [path, content] : h.files.files)
    if (path.find("state.json") == std::string::npos) out += "file " + path + "\n" + content + "\n";
  return out + "firewall\n" + h.firewall.live;
}

TEST_F(JumphostTest, SetCredentialsChangeTheStateAlone) {
  EnrollRequest r = request("web01", 101);
  r.bmc_user = "ADMIN";
  r.bmc_password = "old-pw";
  ASSERT_TRUE(jh.enroll(r, "root").ok());
  const std::string before = snapshot_but_state(host);
  const int applies = host.firewall.applies;
  SetRequest s;
  s.name = "web01";
  s.bmc_password = "new-pw";
  s.privilege = IpmiPrivilege::operator_;
  s.cipher_suite = 17;
  auto e = jh.admin.set(s, "root");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(jh.state().find("web01")->bmc_password.reveal(), "new-pw");
  EXPECT_EQ(jh.state().find("web01")->ipmi.cipher_suite, 17u);
  EXPECT_EQ(snapshot_but_state(host), before);
  EXPECT_EQ(host.firewall.applies, applies);  // not even applied again
  EXPECT_NE(host.files.files["/var/lib/ipmi-jumphost/state.json"].find("new-pw"), std::string::npos);
  // Nothing asked, nothing written.
  const std::string state = host.files.files["/var/lib/ipmi-jumphost/state.json"];
  SetRequest same;
  same.name = "web01";
  same.cipher_suite = 17;
  ASSERT_TRUE(jh.admin.set(same, "root").ok());
  EXPECT_EQ(host.files.files["/var/lib/ipmi-jumphost/state.json"], state);
  // Checked as enroll checks it, and nothing changes on a refusal.
  SetRequest bad;
  bad.name = "web01";
  bad.bmc_user = "";
  EXPECT_EQ(jh.admin.set(bad, "root").error().message, "set web01: a BMC password needs a BMC user");
  // Cleared: no stored password (the tenant types it), no switch port.
  SetRequest clear;
  clear.name = "web01";
  clear.bmc_password = "";
  ASSERT_TRUE(jh.admin.set(clear, "root").ok());
  EXPECT_TRUE(jh.state().find("web01")->bmc_password.empty());
  bad = SetRequest{};
  bad.name = "nope";
  EXPECT_EQ(jh.admin.set(bad, "root").error().message, "set nope: no BMC of that name is enrolled");
}

TEST_F(JumphostTest, SetPortsChangeTheFirewallAndThePermitopen) {
  ASSERT_TRUE(jh.enroll(request("web01", 101), "root").ok());
  SetRequest s;
  s.name = "web01";
  s.ports = std::vector<unsigned>{22, 8443};
  ASSERT_TRUE(jh.admin.set(s, "root").ok());
  const std::string keys = host.files.files["/etc/ipmi-jumphost/keys/web01"];
  EXPECT_NE(keys.find("permitopen=\"web01-ipmi:8443\""), std::string::npos) << keys;
  EXPECT_EQ(keys.find("web01-ipmi:443\""), std::string::npos) << keys;
  EXPECT_NE(host.firewall.live.find("8443"), std::string::npos);
  // A forward already open to a port no longer allowed does not live on.
  EXPECT_EQ(host.sockets.closed, std::vector<std::string>{"10.254.0.2"});
  EXPECT_TRUE(jh.doctor().size() > 0);
  for (const auto& f : jh.doctor()) EXPECT_TRUE(f.ok) << f.what << ": " << f.fix;
}

TEST_F(JumphostTest, SetOwnerMovesTheAccessAndEndsTheOldOnes) {
  RecordedConsoles consoles;
  Admin admin(jh.world, &consoles);
  EnrollRequest r = request("web01", 101);
  r.owner = "alice";
  ASSERT_TRUE(admin.enroll(r, "root").ok());
  r = request("db01", 102);
  r.owner = "bob";
  r.keys = {KeySource{"bob.pub", std::string(testing::kBobKey) + "\n"}};
  ASSERT_TRUE(admin.enroll(r, "root").ok());
  SetRequest s;
  s.name = "web01";
  s.owner = "bob";
  auto e = admin.set(s, "root");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(jh.state().find("web01")->owner, "bob");
  EXPECT_FALSE(host.users.users.count("alice"));  // she owned nothing else
  EXPECT_FALSE(jh.state().tenants.count("alice"));
  EXPECT_FALSE(host.files.files.count("/etc/ipmi-jumphost/keys/alice"));
  EXPECT_NE(host.files.files["/etc/ipmi-jumphost/keys/bob"].find("web01-ipmi:443"), std::string::npos);
  EXPECT_EQ(consoles.ended, std::vector<std::string>{"web01: the BMC has another owner now"});
  EXPECT_EQ(host.sockets.closed, std::vector<std::string>{"10.254.0.2"});
  for (const auto& f : jh.doctor()) EXPECT_TRUE(f.ok) << f.what << ": " << f.fix;
  // A new owner who is not yet a tenant is made one.
  s.owner = "carol";
  ASSERT_TRUE(admin.set(s, "root").ok());
  EXPECT_TRUE(host.users.users.count("carol"));
  EXPECT_TRUE(host.users.users.count("bob"));  // bob keeps db01
  EXPECT_EQ(host.files.files["/etc/ipmi-jumphost/keys/bob"].find("web01-ipmi"), std::string::npos);
  for (const auto& f : jh.doctor()) EXPECT_TRUE(f.ok) << f.what << ": " << f.fix;
}

// A change on a worker (set or enroll with --check) leaves the live state
// alone, which the bus thread reads meanwhile: its new state and what
// follows it (the old owner's console ended) wait in the Commit for the
// bus thread, while the host and the state file are changed as ever.
TEST_F(JumphostTest, ADeferredCommitLeavesTheLiveStateToTheBusThread) {
  RecordedConsoles consoles;
  Admin admin(jh.world, &consoles);
  EnrollRequest r = request("web01", 101);
  r.owner = "alice";
  ASSERT_TRUE(admin.enroll(r, "root").ok());
  const std::string before = serialize_state(jh.state());
  const uint64_t generation = jh.world.generation;

  Admin::Commit commit;
  admin.defer_commit(&commit);
  r = request("db01", 102);
  r.owner = "bob";
  r.keys = {KeySource{"bob.pub", std::string(testing::kBobKey) + "\n"}};
  ASSERT_TRUE(admin.enroll(r, "root").ok());
  SetRequest s;
  s.name = "web01";
  s.owner = "carol";
  // (The set builds on the live state, which the commit has not reached:
  // each deferred change is taken in before the next, as the bus does.)
  EXPECT_EQ(serialize_state(jh.state()), before);
  EXPECT_EQ(jh.world.generation, generation);
  ASSERT_TRUE(commit.state.has_value());
  EXPECT_TRUE(commit.state->find("db01"));
  EXPECT_TRUE(host.links.links.count("eth1.102"));
  EXPECT_EQ(host.files.files["/var/lib/ipmi-jumphost/state.json"], serialize_state(*commit.state));
  jh.world.state = std::move(*commit.state);
  commit = {};
  ASSERT_TRUE(admin.set(s, "root").ok());
  EXPECT_EQ(jh.state().find("web01")->owner, "alice");
  EXPECT_TRUE(consoles.ended.empty());
  ASSERT_EQ(commit.after.size(), 1u);
  ASSERT_TRUE(commit.state.has_value());
  EXPECT_EQ(commit.state->find("web01")->owner, "carol");
  jh.world.state = std::move(*commit.state);
  for (auto& after : commit.after) after();
  EXPECT_EQ(consoles.ended, std::vector<std::string>{"web01: the BMC has another owner now"});
  admin.defer_commit(nullptr);
  for (const auto& f : jh.doctor()) EXPECT_TRUE(f.ok) << f.what << ": " << f.fix;
}

TEST_F(JumphostTest, SetFailingHalfWayChangesNothing) {
  EnrollRequest r = request("web01", 101);
  r.owner = "alice";
  ASSERT_TRUE(jh.enroll(r, "root").ok());
  r = request("web02", 102);
  r.owner = "alice";
  r.keys.clear();
  ASSERT_TRUE(jh.enroll(r, "root").ok());  // alice stays a tenant: her uid too
  const std::string before = snapshot(host);
  const std::string state_before = serialize_state(jh.state());
  SetRequest s;
  s.name = "web01";
  s.owner = "carol";
  host.files.fail_write_path = "/var/lib/ipmi-jumphost/state.json";
  auto e = jh.admin.set(s, "root");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("(state record) failed"), std::string::npos) << e.error().message;
  host.files.fail_write_path.clear();
  EXPECT_EQ(snapshot(host), before);
  EXPECT_EQ(serialize_state(jh.state()), state_before);
}

// --check: the BMC's answer decides before anything is kept.
TEST_F(JumphostTest, CheckRefusesCredentialsTheBmcDoesNotTake) {
  std::vector<std::string> checked;
  Admin admin(jh.world, nullptr, [&](const Enrollment& e) -> Result<BmcProbe> {
    checked.push_back(e.name + " " + e.bmc_user + " " + e.link);
    BmcProbe p;
    p.credentials_ok = e.bmc_password.reveal() == "right";
    if (!p.credentials_ok) p.error = "BMC " + e.name + " (10.254.0.2) refused the IPMI user name or password";
    return p;
  });
  EnrollRequest r = request("web01", 101);
  r.bmc_user = "ADMIN";
  r.bmc_password = "wrong";
  r.check = true;
  const std::string before = snapshot(host);
  auto e = admin.enroll(r, "root");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message,
            "enroll web01: step 2/7 (IPMI check) failed: BMC web01 (10.254.0.2) refused the IPMI user name or "
            "password; the earlier steps were undone");
  EXPECT_EQ(snapshot(host), before);
  EXPECT_EQ(checked, std::vector<std::string>{"web01 ADMIN eth1.101"});  // through its link, made by then
  r.bmc_password = "right";
  ASSERT_TRUE(admin.enroll(r, "root").ok());
  SetRequest s;
  s.name = "web01";
  s.bmc_password = "wrong";
  s.check = true;
  auto set = admin.set(s, "root");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(jh.state().find("web01")->bmc_password.reveal(), "right");
}

TEST_F(JumphostTest, AllocatesDistinctSubnets) {
  EnrollRequest r = request("web01", 101);
  ASSERT_TRUE(jh.enroll(r, "root").ok());
  r = request("web02", 102);
  r.keys.clear();
  auto e = jh.enroll(r, "root");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->bmc_address.str(), "10.254.0.6/30");
  // A wider subnet given by hand, a route of the host's and an address of
  // another link are all skipped, however they nest.
  r = request("web03", 103);
  r.keys.clear();
  r.bmc_address = "10.254.0.18/28";  // 10.254.0.16-31
  ASSERT_TRUE(jh.enroll(r, "root").ok());
  host.links.links["eth0"].routes.push_back(parse_ipv4_cidr("10.254.0.8/29").value());  // 10.254.0.8-15
  host.links.links["eth0"].addresses.push_back(parse_ipv4_cidr("10.254.0.33/30").value());
  host.links.links["eth0"].routes.push_back(parse_ipv4_cidr("0.0.0.0/0").value());  // no claim
  r = request("web04", 104);
  r.keys.clear();
  e = jh.enroll(r, "root");
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->bmc_address.str(), "10.254.0.38/30");
}

TEST_F(JumphostTest, ShowAndListHaveNoSecrets) {
  EnrollRequest r = request("web01", 101);
  r.bmc_user = "ADMIN";
  r.bmc_password = "hunter2";
  ASSERT_TRUE(jh.enroll(r, "root").ok());
  EXPECT_EQ(jh.list().dump().find("hunter2"), std::string::npos);
  EXPECT_EQ(jh.show("web01")->dump().find("hunter2"), std::string::npos);
  EXPECT_EQ((*jh.show("web01"))["tenant"]["keys"][0]["fingerprint"], testing::kAliceFingerprint);
  EXPECT_EQ(jh.show("nope").error().message, "no BMC named nope is enrolled");
}

}  // namespace
}  // namespace ij

namespace ij {
namespace {

// Two trunks (two switches, or more than 4,094 BMCs): a VLAN ID is unique
// per trunk, each trunk closes with its first BMC and opens with its last,
// the doctor checks both.
class TwoTrunksTest : public ::testing::Test {
 protected:
  static Config two_trunks() {
    Config c = testing::test_config();
    c.trunks = {"eth1", "eth2"};
    c.vlan_per_trunk = true;  // a switch each
    return c;
  }
  TwoTrunksTest() : jh(two_trunks(), State{}, host.host()) {
    host.links.links["eth2"] = LinkInfo{false, 0, "", true, {}};
    jh.reconcile();
    host.files.files["/proc/sys/net/ipv4/ip_forward"] = "0\n";
  }
  EnrollRequest request(const std::string& name, unsigned vlan, const std::string& trunk) {
    EnrollRequest r;
    r.name = name;
    r.vlan = vlan;
    r.trunk = trunk;
    return r;
  }
  void harden(const std::string& link) {
    for (const KernelSetting& s : link_hardening(link))
      if (!s.optional) host.files.files[s.path] = s.value + "\n";
  }
  FakeHost host;
  testing::TestJumphost jh;
};

TEST_F(TwoTrunksTest, OneVlanIdOnEachTrunk) {
  ASSERT_TRUE(jh.enroll(request("web01", 101, ""), "root").ok());
  auto db = jh.enroll(request("db01", 101, "eth2"), "root");
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ(db->link, "eth2.101");
  EXPECT_EQ(host.links.links.at("eth2.101").parent, "eth2");
  EXPECT_EQ(host.links.links.at("eth1.101").parent, "eth1");
  EXPECT_EQ(host.firewall.spec.sets["closed_trunks"], (std::set<std::string>{"\"eth1\"", "\"eth2\""}));
  auto again = jh.enroll(request("app01", 101, "eth2"), "root");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "enroll app01: VLAN 101 is already used by BMC db01 on trunk eth2");
  auto unknown = jh.enroll(request("app01", 102, "eth7"), "root");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "enroll app01: --trunk 'eth7' is not a trunk of this jumphost (trunks: eth1 eth2)");
  harden("eth1.101");
  harden("eth2.101");
  for (const auto& f : jh.doctor()) EXPECT_TRUE(f.ok) << f.what << ": " << f.fix;
  std::vector<std::string> trunks_ok;
  for (const auto& f : jh.doctor())
    if (f.what.find("is closed to untagged traffic") != std::string::npos) trunks_ok.push_back(f.what);
  EXPECT_EQ(trunks_ok, (std::vector<std::string>{"the trunk eth1 is closed to untagged traffic",
                                                 "the trunk eth2 is closed to untagged traffic"}));
  // eth2's last BMC goes: it is no longer closed; eth1 stays.
  ASSERT_TRUE(jh.revoke("db01", "root").ok());
  EXPECT_EQ(host.firewall.spec.sets["closed_trunks"], std::set<std::string>{"\"eth1\""});
  // A restart agrees.
  EXPECT_EQ(jh.reconcile(), 0);
}

// A full trunk says where the way out is.
TEST_F(TwoTrunksTest, AFullTrunkSaysWhatToDo) {
  State full;
  for (unsigned v = 1; v <= kMaxVlan; ++v) {
    Enrollment e;
    e.name = "b" + std::to_string(v);
    e.vlan = v;
    e.owner = "t";
    e.link = "eth1." + std::to_string(v);
    full.enrollments[e.name] = e;
  }
  testing::TestJumphost crowded(two_trunks(), full, host.host());
  auto e = crowded.enroll(request("web01", 101, "eth1"), "root");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message,
            "enroll web01: the trunk eth1 carries 4094 BMC VLANs, every VLAN ID 802.1Q has: enroll on another trunk "
            "(--trunk eth2), or connect a second switch to another port of the jumphost, add that port to 'trunks' in "
            "jumphost.conf and enroll with --trunk IFNAME");
  // Trunks to one switch share its 4,094 VLANs.
  Config shared = two_trunks();
  shared.vlan_per_trunk = false;
  testing::TestJumphost one_switch(shared, full, host.host());
  e = one_switch.enroll(request("web01", 101, "eth2"), "root");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message.rfind("enroll web01: this jumphost has a BMC on each of the 4094 VLAN IDs 802.1Q has, "
                                    "and its trunks share one switch's VLANs (vlan_scope = jumphost): ", 0),
            0u)
      << e.error().message;
}

// By default the trunks share one switch: a VLAN ID is unique on the jumphost.
TEST_F(TwoTrunksTest, OneSwitchOneVlanSpace) {
  jh.world.config.vlan_per_trunk = false;
  ASSERT_TRUE(jh.enroll(request("web01", 101, ""), "root").ok());
  auto db = jh.enroll(request("db01", 101, "eth2"), "root");
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message, "enroll db01: VLAN 101 is already used by BMC web01");
  ASSERT_TRUE(jh.enroll(request("db01", 102, "eth2"), "root").ok());
  // A switch port label released on eth1's switch is not taken on eth2's.
  jh.world.config.vlan_per_trunk = true;
  EnrollRequest r = request("app01", 103, "");
  r.switch_port = "5";
  ASSERT_TRUE(jh.enroll(r, "root").ok());
  ASSERT_TRUE(jh.revoke("app01", "root").ok());
  r = request("app02", 104, "eth2");
  r.switch_port = "5";
  auto app = jh.enroll(r, "root");
  ASSERT_FALSE(app.ok());
  EXPECT_EQ(app.error().message, "enroll app02: switch port 5 is the released port of BMC app01 on trunk eth1's switch: "
                                 "give each switch's ports labels of their own (e.g. sw2-5)");
  r.trunk = "eth1";  // on eth1 the port is taken again
  EXPECT_TRUE(jh.enroll(r, "root").ok());
}

}  // namespace
}  // namespace ij
