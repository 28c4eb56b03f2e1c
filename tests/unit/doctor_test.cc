#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/host/hardening.h"
#include "tests/fakes/test_jumphost.h"
#include "tests/fakes/fake_host.h"
#include "tests/unit/test_keys.h"

namespace ij {
namespace {

class DoctorTest : public ::testing::Test {
 protected:
  DoctorTest() : jh(testing::test_config(), State{}, host.host()) {
    jh.reconcile();
    host.files.files["/proc/sys/net/ipv4/ip_forward"] = "0\n";
    EnrollRequest r;
    r.name = "web01";
    r.vlan = 101;
    r.keys = {KeySource{"a.pub", testing::kAliceKey}};
    EXPECT_TRUE(jh.enroll(r, "root").ok());
    for (const KernelSetting& s : link_hardening("eth1.101"))
      if (!s.optional) host.files.files[s.path] = s.value + "\n";
  }
  std::vector<std::string> problems() {
    std::vector<std::string> out;
    for (const bus::Finding& f : jh.doctor())
      if (!f.ok) out.push_back(f.what);
    return out;
  }
  testing::FakeHost host;
  testing::TestJumphost jh;
};

TEST_F(DoctorTest, CleanWhenAllIsAsItShouldBe) { EXPECT_EQ(problems(), std::vector<std::string>{}); }

TEST_F(DoctorTest, FindsEachPlantedProblem) {
  host.files.files["/proc/sys/net/ipv4/ip_forward"] = "1\n";
  EXPECT_EQ(problems(), std::vector<std::string>{"forwarding is on (/proc/sys/net/ipv4/ip_forward = 1): the jumphost "
                                                 "could route between BMC VLANs"});
  host.files.files["/proc/sys/net/ipv4/ip_forward"] = "0\n";

  host.firewall.live.clear();
  EXPECT_EQ(problems(), std::vector<std::string>{"the firewall table inet ipmi_jumphost is missing or was changed"});
  jh.reconcile();

  host.files.files["/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf"] += "\tAllowTcpForwarding yes\n";
  EXPECT_EQ(problems(), std::vector<std::string>{"sshd drop-in /etc/ssh/sshd_config.d/00-ipmi-jumphost.conf was changed"});
  jh.reconcile();

  host.files.files["/proc/sys/net/ipv4/conf/eth1.101/rp_filter"] = "0\n";
  EXPECT_EQ(problems(), std::vector<std::string>{"/proc/sys/net/ipv4/conf/eth1.101/rp_filter is 0, not 1"});
  host.files.files["/proc/sys/net/ipv4/conf/eth1.101/rp_filter"] = "1\n";

  host.links.links.erase("eth1.101");
  EXPECT_EQ(problems(), std::vector<std::string>{"VLAN link eth1.101 of BMC web01 is missing"});
  jh.reconcile();

  host.sshd.effective_settings["web01"] = "passwordauthentication yes\nforcecommand /usr/bin/ipmi-wrapper\n";
  auto p = problems();
  ASSERT_EQ(p.size(), 2u);  // on each address sshd listens on
  EXPECT_EQ(p[0].rfind("sshd gives tenant web01 on 0.0.0.0:22: passwordauthentication yes (want no), ", 0), 0u) << p[0];
  EXPECT_EQ(p[1].rfind("sshd gives tenant web01 on [::]:22: passwordauthentication yes (want no), ", 0), 0u) << p[1];
  EXPECT_NE(p[0].find("trustedusercakeys (unset) (want /dev/null)"), std::string::npos) << p[0];
  host.sshd.effective_settings.clear();

  // The attack, in a drop-in that sorts before ours: sshd -T from
  // 127.0.0.1 shows nothing, reading the files does.
  host.files.files["/etc/ssh/sshd_config.d/00-access.conf"] =
      "Match Address 10.99.0.0/16\n\tAllowTcpForwarding yes\n\tPermitListen any\n";
  EXPECT_EQ(problems(), std::vector<std::string>{
                            "/etc/ssh/sshd_config.d/00-access.conf:1: 'Match Address 10.99.0.0/16' comes before the "
                            "tenants' block in /etc/ssh/sshd_config.d/00-ipmi-jumphost.conf and would win over it for "
                            "some connections"});
  for (const bus::Finding& f : jh.doctor()) {
    if (!f.ok) {
      EXPECT_EQ(f.fix, "move it after, or into the main file after the Include");
    }
  }
  host.files.files.erase("/etc/ssh/sshd_config.d/00-access.conf");

  host.files.files["/etc/ipmi-jumphost/keys/mallory"] = "x";
  EXPECT_EQ(problems(), std::vector<std::string>{"/etc/ipmi-jumphost/keys/mallory belongs to no tenant"});
}

// One sshd -T per tenant on the first address, and the first tenant's on
// every other one: a Match LocalPort or LocalAddress shows there.
TEST_F(DoctorTest, EveryAddressSshdListensOnOnce) {
  EnrollRequest r;
  r.name = "db01";
  r.vlan = 102;
  r.owner = "bob";
  r.keys = {KeySource{"b.pub", testing::kBobKey}};
  ASSERT_TRUE(jh.enroll(r, "root").ok());
  for (const KernelSetting& s : link_hardening("eth1.102"))
    if (!s.optional) host.files.files[s.path] = s.value + "\n";
  host.sshd.listening.push_back(SshdListener{"10.0.0.1", 2222});
  host.sshd.effective_at["bob 10.0.0.1:2222"] = "allowtcpforwarding yes\nforcecommand none\n";
  host.sshd.effective_calls.clear();
  auto p = problems();
  EXPECT_EQ(host.sshd.effective_calls,
            (std::vector<std::string>{"bob 0.0.0.0:22", "bob [::]:22", "bob 10.0.0.1:2222"}));
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].rfind("sshd gives tenant bob on 10.0.0.1:2222: passwordauthentication (unset) (want no), ", 0), 0u)
      << p[0];
  EXPECT_NE(p[0].find("allowtcpforwarding yes (want local)"), std::string::npos) << p[0];
  EXPECT_NE(p[0].find("forcecommand none"), std::string::npos) << p[0];
  std::vector<std::string> ok;
  for (const bus::Finding& f : jh.doctor())
    if (f.ok && f.what.rfind("sshd gives ", 0) == 0) ok.push_back(f.what);
  EXPECT_EQ(ok, (std::vector<std::string>{"sshd gives bob the tenant's restrictions on 0.0.0.0:22, [::]:22",
                                          "sshd gives the 1 other tenant(s) the same block: each is in group "
                                          "ipmi-tenants and no Match block comes before it"}));
}

// With no Match block before ours, a tenant's sshd settings follow from
// being in the tenant group: one taken out of it is reported without an
// sshd -T of their own.
TEST_F(DoctorTest, ATenantOutOfTheGroupIsFoundWithoutSshdT) {
  for (const char* name : {"db01", "app01"}) {
    EnrollRequest r;
    r.name = name;
    r.vlan = name[0] == 'd' ? 102 : 103;
    r.keys.clear();
    ASSERT_TRUE(jh.enroll(r, "root").ok());
    for (const KernelSetting& s : link_hardening(name[0] == 'd' ? "eth1.102" : "eth1.103"))
      if (!s.optional) host.files.files[s.path] = s.value + "\n";
  }
  host.users.group_of["db01"] = "users";
  host.sshd.effective_calls.clear();
  EXPECT_EQ(problems(), std::vector<std::string>{"tenant db01 is not in group ipmi-tenants: sshd does not give them "
                                                 "the tenants' block"});
  EXPECT_EQ(host.sshd.effective_calls, (std::vector<std::string>{"app01 0.0.0.0:22", "app01 [::]:22"}));
  // With a Match block first, every tenant gets an sshd -T of their own.
  host.users.group_of["db01"] = "ipmi-tenants";
  host.files.files["/etc/ssh/sshd_config.d/00-access.conf"] = "Match Address 10.99.0.0/16\n\tPermitListen any\n";
  host.sshd.effective_settings["web01"] = "passwordauthentication yes\n";
  host.sshd.effective_calls.clear();
  auto p = problems();
  std::sort(host.sshd.effective_calls.begin(), host.sshd.effective_calls.end());
  EXPECT_EQ(host.sshd.effective_calls,
            (std::vector<std::string>{"app01 0.0.0.0:22", "app01 [::]:22", "db01 0.0.0.0:22", "web01 0.0.0.0:22"}));
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[1].rfind("sshd gives tenant web01 on 0.0.0.0:22: passwordauthentication yes (want no)", 0), 0u) << p[1];
}

}  // namespace
}  // namespace ij
