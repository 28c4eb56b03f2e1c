#include "daemon/model/sshkey.h"

#include <gtest/gtest.h>

#include "daemon/model/base64.h"
#include "tests/unit/test_keys.h"

namespace ij {
namespace {

using testing::kAliceFingerprint;
using testing::kAliceKey;

TEST(SshKey, ParsesAndFingerprintsLikeSshKeygen) {
  auto k = parse_ssh_key(kAliceKey);
  ASSERT_TRUE(k.ok()) << k.error().message;
  EXPECT_EQ(k->type, "ssh-ed25519");
  EXPECT_EQ(k->comment, "alice@laptop");
  EXPECT_EQ(k->fingerprint, kAliceFingerprint);
  EXPECT_EQ(k->line(), kAliceKey);
  auto ec = parse_ssh_key(testing::kEcdsaKey);
  ASSERT_TRUE(ec.ok()) << ec.error().message;
  EXPECT_EQ(ec->fingerprint, testing::kEcdsaFingerprint);
}

TEST(SshKey, RefusesOptions) {
  EXPECT_EQ(parse_ssh_key(std::string("command=\"/bin/sh\" ") + kAliceKey).error().message,
            "the key carries its own options ('command=\"/bin/sh\"'): give the bare key, the daemon sets the options");
  EXPECT_EQ(parse_ssh_key(std::string("no-pty,permitopen=\"x:1\" ") + kAliceKey).error().code, Errc::invalid_argument);
  EXPECT_EQ(parse_ssh_key(std::string("restrict ") + kAliceKey).error().message,
            "the key carries its own options ('restrict'): give the bare key, the daemon sets the options");
}

TEST(SshKey, RefusesBrokenKeys) {
  EXPECT_EQ(parse_ssh_key("ssh-dss AAAA").error().message, "unknown key type 'ssh-dss'");
  EXPECT_EQ(parse_ssh_key("ssh-ed25519").error().message, "the key line has a type but no key data");
  EXPECT_EQ(parse_ssh_key("ssh-ed25519 AAAA!!").error().message, "the key data is not valid base64");
  // An RSA blob labelled ed25519.
  EXPECT_EQ(parse_ssh_key("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQAB").error().message,
            "the key data does not match its type 'ssh-ed25519'");
  // ed25519 with a 31-byte key.
  std::string blob = std::string("\0\0\0\x0bssh-ed25519\0\0\0\x1f", 19) + std::string(31, 'k');
  EXPECT_EQ(parse_ssh_key("ssh-ed25519 " + base64_encode(blob)).error().message,
            "an ed25519 public key is 32 bytes, this one is 31");
  EXPECT_EQ(parse_ssh_key(std::string(kAliceKey) + "\x01").error().message,
            "the key line contains a control or non-ASCII character");
}

TEST(SshKeyFile, PointsAtTheLine) {
  auto keys = parse_ssh_key_file("alice.pub", std::string("# mine\n\n") + kAliceKey + "\n" + testing::kBobKey + "\n");
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 2u);
  EXPECT_EQ(parse_ssh_key_file("k.pub", std::string(kAliceKey) + "\nfoo bar\n").error().message,
            "k.pub:2: unknown key type 'foo'");
  EXPECT_EQ(parse_ssh_key_file("empty.pub", "\n# nothing\n").error().message, "empty.pub: no key in it");
}

TEST(Base64, RoundTripsAndIsStrict) {
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64_decode("Zm9vYg==").value(), "foob");
  EXPECT_FALSE(base64_decode("Zm9vYh==").has_value());  // non-zero trailing bits
  EXPECT_FALSE(base64_decode("Zm9v=g==").has_value());
  EXPECT_FALSE(base64_decode("Zm9").has_value());
}

}  // namespace
}  // namespace ij
