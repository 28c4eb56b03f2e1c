#include "daemon/state/state_json.h"

#include <gtest/gtest.h>

#include "daemon/core/views.h"
#include "tests/unit/test_keys.h"

namespace ij {
namespace {

State sample_state() {
  State s;
  Enrollment e;
  e.name = "web01";
  e.vlan = 101;
  e.owner = "alice";
  e.link = "eth1.101";
  e.bmc_address = parse_ipv4_cidr("10.254.0.2/30").value();
  e.jumphost_address = parse_ipv4_cidr("10.254.0.1/30").value();
  e.ports = {22, 443};
  e.bmc_user = "ADMIN";
  e.bmc_password = Secret("s3cret");
  e.enrolled_at = "2026-11-25T12:00:00Z";
  e.enrolled_by = "root";
  s.enrollments[e.name] = e;
  s.tenants["alice"] = Tenant{"alice", {parse_ssh_key(testing::kAliceKey).value()}};
  return s;
}

TEST(State, RoundTrips) {
  State s = sample_state();
  std::string text = serialize_state(s);
  auto back = parse_state("state.json", text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(serialize_state(*back), text);
  EXPECT_EQ(back->find("web01")->bmc_password.reveal(), "s3cret");
  EXPECT_EQ(back->tenants.at("alice").keys.at(0).fingerprint, testing::kAliceFingerprint);
}

// The writer builds the file without nlohmann's DOM; it must be the DOM's
// dump(2) byte for byte, whatever the fields hold.
TEST(State, WriterIsTheDomsDump) {
  EXPECT_EQ(serialize_state(State{}), serialize_state_reference(State{}));
  State s = sample_state();
  EXPECT_EQ(serialize_state(s), serialize_state_reference(s));
  Enrollment e = s.enrollments.at("web01");
  e.name = "db02";
  e.ports = {};
  e.bmc_user = "";
  e.bmc_password = Secret("q\"uo\\te\b\f\n\r\t\x01\x1f\x7f \xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91");
  e.switch_port = "Gi1/0/7 \"rack 3\"";
  e.ipmi.workarounds = {"opensesspriv", "solchannelsupport"};
  e.ipmi.cipher_suite = 17;
  e.console_log = ConsoleLogMode::always;
  s.enrollments[e.name] = e;
  s.tenants["bob"] = Tenant{"bob", {}};
  s.released_ports["Gi1/0/9"] = ReleasedPort{"Gi1/0/9", 7, "old01", "2026-11-20T00:00:00Z", ""};
  s.released_ports["Gi1/0/10"] = ReleasedPort{"Gi1/0/10", 8, "old02", "2026-11-21T00:00:00Z", "eth2"};
  const std::string written = serialize_state(s);
  EXPECT_EQ(written, serialize_state_reference(s));
  EXPECT_NE(written.find("\\u0001"), std::string::npos);
  // (parse_state refuses such fields; the JSON reads them back unchanged.)
  const auto json = nlohmann::json::parse(written);
  EXPECT_EQ(json["enrollments"][0]["bmc_password"].get<std::string>(), e.bmc_password.reveal());
  EXPECT_EQ(json["enrollments"][0]["switch_port"].get<std::string>(), e.switch_port);
  // Not UTF-8: the DOM's refusal, as before the writer.
  e.bmc_user = "\xc3";
  s.enrollments[e.name] = e;
  EXPECT_THROW(serialize_state(s), nlohmann::json::exception);
  e.bmc_user = "\xed\xa0\x80";  // a surrogate
  s.enrollments[e.name] = e;
  EXPECT_THROW(serialize_state(s), nlohmann::json::exception);
}

TEST(State, ViewsHaveNoSecrets) {
  State s = sample_state();
  std::string view = nlohmann::json(enrollment_view(s.enrollments.at("web01"))).dump();
  EXPECT_EQ(view.find("s3cret"), std::string::npos);
  EXPECT_NE(view.find("\"bmc_password_stored\":true"), std::string::npos);
  EXPECT_NE(view.find("\"host_name\":\"web01-ipmi\""), std::string::npos);
}

TEST(State, RevalidatesEverything) {
  std::string good = serialize_state(sample_state());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    size_t at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return t.replace(at, from.size(), to);
  };
  EXPECT_EQ(parse_state("s.json", "{").error().message, "s.json: byte 2: not valid JSON");
  EXPECT_EQ(parse_state("s.json", "[]").error().message, "s.json: not a JSON object");
  EXPECT_EQ(parse_state("s.json", with("\"version\": 1", "\"version\": 7")).error().message,
            "s.json: state version 7 is not supported (this daemon reads version 1)");
  EXPECT_EQ(parse_state("s.json", with("\"vlan\": 101", "\"vlan\": 5000")).error().message,
            "s.json: enrollments[0]: VLAN ID 5000 is outside 1-4094");
  // A name that would break out of the hosts block or a drop-in.
  EXPECT_FALSE(parse_state("s.json", with("\"name\": \"web01\"", "\"name\": \"web01\\nMatch all\"")).ok());
  EXPECT_EQ(parse_state("s.json", with("\"jumphost_address\": \"10.254.0.1/30\"", "\"jumphost_address\": \"10.9.0.1/30\""))
                .error()
                .message,
            "s.json: enrollments[0]: jumphost_address does not belong with bmc_address");
  EXPECT_EQ(parse_state("s.json", with("\"user\": \"alice\"", "\"user\": \"carol\"")).error().message,
            "s.json: enrollment 'web01' has owner 'alice' who is not a tenant");
  EXPECT_EQ(parse_state("s.json", with("\"ssh-ed25519 ", "\"command=\\\"/bin/sh\\\" ssh-ed25519 ")).error().code,
            Errc::invalid_argument);
  EXPECT_EQ(parse_state("s.json", with("\"ports\": [", "\"portz\": [")).error().message,
            "s.json: enrollments[0]: missing field 'ports'");
  // The same checks, with the same words, as an enroll's (daemon/model/fields.h).
  EXPECT_EQ(parse_state("s.json", with("\"s3cret\"", "\"s3cret-s3cret-s3cret-s3cret\"")).error().message,
            "s.json: enrollments[0]: the BMC password is longer than 20 bytes (IPMI 2.0 limit)");
  EXPECT_EQ(parse_state("s.json", with("\"bmc_user\": \"ADMIN\"", "\"bmc_user\": \"AD MIN\"")).error().message,
            "s.json: enrollments[0]: BMC user 'AD MIN' contains a character that is not allowed");
  EXPECT_EQ(parse_state("s.json", with("\"bmc_user\": \"ADMIN\"", "\"bmc_user\": \"\"")).error().message,
            "s.json: enrollments[0]: a BMC password needs a BMC user");
  EXPECT_EQ(parse_state("s.json", with("\"privilege\": \"admin\"", "\"privilege\": \"root\"")).error().message,
            "s.json: enrollments[0]: IPMI privilege 'root' is not one of user, operator, admin");
}

// A tenant without a BMC would have keys without permitopen=, which sshd
// reads as "any target".
TEST(State, RefusesATenantWithoutABmc) {
  State s = sample_state();
  s.tenants["carol"] = Tenant{"carol", {parse_ssh_key(testing::kBobKey).value()}};
  EXPECT_EQ(parse_state("s.json", serialize_state(s)).error().message,
            "s.json: tenant 'carol' owns no BMC (a revoke removes a tenant with their last BMC): remove the entry or "
            "restore the state");
}

// Checked against the configuration at start: an edited link name would put
// the host's own interface under the BMC links' rules.
TEST(State, AgreesWithTheConfiguration) {
  Config c = default_config();
  c.trunk = "eth1";
  State s = sample_state();
  EXPECT_TRUE(check_state_for("s.json", c, s).ok());
  s.enrollments.at("web01").link = "eth0";
  EXPECT_EQ(check_state_for("s.json", c, s).error().message,
            "s.json: enrollment 'web01' has link 'eth0', not TRUNK.101 (the trunk and its VLAN): restore the state");
  s.enrollments.at("web01").link = "eth2.101";
  EXPECT_EQ(check_state_for("s.json", c, s).error().message,
            "s.json: enrollment 'web01' has link 'eth2.101' on trunk eth2, which is not in 'trunk' (eth1): restore the "
            "state, or set 'trunk' as it was");
  c.trunks = {"eth1", "eth2"};
  EXPECT_TRUE(check_state_for("s.json", c, s).ok());
  s = sample_state();
  Enrollment e = s.enrollments.at("web01");
  e.name = "web02";
  e.vlan = 102;
  e.link = "eth1.102";
  e.bmc_address = parse_ipv4_cidr("10.254.0.1/16").value();
  s.enrollments[e.name] = e;
  EXPECT_EQ(check_state_for("s.json", c, s).error().message,
            "s.json: enrollments 'web01' and 'web02' have overlapping subnets");
}

TEST(State, RefusesDuplicateVlans) {
  State s = sample_state();
  Enrollment e = s.enrollments.at("web01");
  e.name = "web02";
  e.bmc_address = parse_ipv4_cidr("10.254.0.6/30").value();
  e.jumphost_address = parse_ipv4_cidr("10.254.0.5/30").value();
  s.enrollments[e.name] = e;
  EXPECT_EQ(parse_state("s.json", serialize_state(s)).error().message,
            "s.json: enrollments 'web01' and 'web02' both use VLAN 101 on eth1");
  // The same VLAN on another trunk is another link.
  s.enrollments.at("web02").link = "eth2.101";
  EXPECT_TRUE(parse_state("s.json", serialize_state(s)).ok());
}

}  // namespace
}  // namespace ij
