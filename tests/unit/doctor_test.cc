#include <gtest/gtest.h>

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

  host.files.files["/etc/ssh/sshd_config.d/ipmi-jumphost.conf"] += "\tAllowTcpForwarding yes\n";
  EXPECT_EQ(problems(), std::vector<std::string>{"sshd drop-in /etc/ssh/sshd_config.d/ipmi-jumphost.conf was changed"});
  jh.reconcile();

  host.files.files["/proc/sys/net/ipv4/conf/eth1.101/rp_filter"] = "0\n";
  EXPECT_EQ(problems(), std::vector<std::string>{"/proc/sys/net/ipv4/conf/eth1.101/rp_filter is 0, not 1"});
  host.files.files["/proc/sys/net/ipv4/conf/eth1.101/rp_filter"] = "1\n";

  host.links.links.erase("eth1.101");
  EXPECT_EQ(problems(), std::vector<std::string>{"VLAN link eth1.101 of BMC web01 is missing"});
  jh.reconcile();

  host.sshd.effective_settings["web01"] = "passwordauthentication yes\nforcecommand /usr/bin/ipmi-wrapper\n";
  auto p = problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].rfind("sshd gives tenant web01: passwordauthentication yes (want no), ", 0), 0u) << p[0];
  host.sshd.effective_settings.clear();

  host.files.files["/etc/ipmi-jumphost/keys/mallory"] = "x";
  EXPECT_EQ(problems(), std::vector<std::string>{"/etc/ipmi-jumphost/keys/mallory belongs to no tenant"});
}

}  // namespace
}  // namespace ij
