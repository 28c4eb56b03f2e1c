#include "daemon/render/sshd_order.h"

#include <fnmatch.h>
#include <gtest/gtest.h>

#include <map>

namespace ij {
namespace {

const std::string kMain = "/etc/ssh/sshd_config";
const std::string kOurs = "/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf";
// Debian 12's sshd_config, shortened: the Include is its first directive.
const std::string kDebian =
    "# This is the sshd server system-wide configuration file.\n"
    "\n"
    "Include /etc/ssh/sshd_config.d/*.conf\n"
    "\n"
    "KbdInteractiveAuthentication no\n"
    "UsePAM yes\n"
    "X11Forwarding yes\n"
    "Subsystem\tsftp\t/usr/lib/openssh/sftp-server\n";

// A virtual file system: glob(3) as fnmatch over the files' names, in an
// order of its own (the reader must sort).
struct VirtualFs {
  std::map<std::string, std::string> files;
  std::vector<std::string> reads;
  SshdConfigReader reader() {
    return SshdConfigReader{
        [this](const std::string& path) -> Result<std::optional<std::string>> {
          reads.push_back(path);
          auto it = files.find(path);
          if (it == files.end()) return std::optional<std::string>{};
          return std::optional<std::string>(it->second);
        },
        [this](const std::string& pattern) -> Result<std::vector<std::string>> {
          std::vector<std::string> out;
          for (auto it = files.rbegin(); it != files.rend(); ++it)
            if (fnmatch(pattern.c_str(), it->first.c_str(), FNM_PATHNAME | FNM_PERIOD) == 0) out.push_back(it->first);
          return out;
        },
    };
  }
  Result<SshdOrder> order() { return read_sshd_order(kMain, kOurs, kSshdSystemDir, reader()); }
  // "FILE:LINE TEXT" of each Match read before ours.
  std::vector<std::string> before() {
    auto o = order();
    EXPECT_TRUE(o.ok()) << o.error().message;
    if (!o) return {"error"};
    EXPECT_TRUE(o->reaches_ours);
    std::vector<std::string> out;
    for (const SshdDirective& d : o->before) out.push_back(d.file + ":" + std::to_string(d.line) + " " + d.text);
    return out;
  }
};

const std::string kAttack = "Match Address 10.99.0.0/16\n\tAllowTcpForwarding yes\n\tPermitListen any\n";

TEST(SshdOrderTest, DebianLayoutBeforeTheFirstEnroll) {
  VirtualFs fs;
  fs.files[kMain] = kDebian + "Match User backup\n\tForceCommand internal-sftp\n";
  EXPECT_EQ(fs.before(), std::vector<std::string>{});
}

TEST(SshdOrderTest, MatchInADropInThatSortsFirstIsFound) {
  VirtualFs fs;
  fs.files[kMain] = kDebian;
  fs.files["/etc/ssh/sshd_config.d/00-access.conf"] = kAttack;
  fs.files["/etc/ssh/sshd_config.d/50-cloud-init.conf"] = "PasswordAuthentication yes\n";
  EXPECT_EQ(fs.before(),
            std::vector<std::string>{"/etc/ssh/sshd_config.d/00-access.conf:1 Match Address 10.99.0.0/16"});
  auto o = fs.order();
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(describe_before(o->before[0], kOurs),
            "/etc/ssh/sshd_config.d/00-access.conf:1: 'Match Address 10.99.0.0/16' comes before the tenants' block in "
            "/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf and would win over it for some connections");
}

TEST(SshdOrderTest, WhatSortsAfterOursIsNotReadAtAll) {
  VirtualFs fs;
  fs.files[kMain] = kDebian;
  fs.files[kOurs] = "Match Group ipmi-tenants\n";
  fs.files["/etc/ssh/sshd_config.d/00-site.conf"] = kAttack;   // the file: 's' > 'i'
  fs.files["/etc/ssh/sshd_config.d/ipmi-jumphost.conf"] = "Match Group ipmi-tenants\n";  // the old name
  EXPECT_EQ(fs.before(), std::vector<std::string>{});
  EXPECT_EQ(fs.reads, std::vector<std::string>{kMain});
}

TEST(SshdOrderTest, ByteOrderAsSshdSortsTheGlob) {
  VirtualFs fs;
  fs.files[kMain] = kDebian;
  // '-' (0x2d) < '0' (0x30) < 'A' < 'a': all three come before "00-i".
  fs.files["/etc/ssh/sshd_config.d/0-a.conf"] = "Match User a\n";
  fs.files["/etc/ssh/sshd_config.d/00-Z.conf"] = "# x\nMatch User z\n";
  fs.files["/etc/ssh/sshd_config.d/00-b.conf"] = "\n\n\nMatch User b\n";
  fs.files["/etc/ssh/sshd_config.d/.00-hidden.conf"] = "Match User hidden\n";  // glob's * skips dot files
  EXPECT_EQ(fs.before(), (std::vector<std::string>{"/etc/ssh/sshd_config.d/0-a.conf:1 Match User a",
                                                   "/etc/ssh/sshd_config.d/00-Z.conf:2 Match User z",
                                                   "/etc/ssh/sshd_config.d/00-b.conf:4 Match User b"}));
}

TEST(SshdOrderTest, GlobalLinesBeforeOursAreNotFindings) {
  // A matching Match block's values replace the global ones whatever the
  // order (servconf.c copy_set_server_options), so these cannot win.
  VirtualFs fs;
  fs.files[kMain] = "PasswordAuthentication yes\nAllowTcpForwarding yes\nPermitListen any\n" + kDebian;
  fs.files["/etc/ssh/sshd_config.d/00-access.conf"] = "AllowTcpForwarding yes\nForceCommand /bin/sh\n";
  EXPECT_EQ(fs.before(), std::vector<std::string>{});
}

TEST(SshdOrderTest, MatchAroundTheIncludeIsFound) {
  VirtualFs fs;
  fs.files[kMain] = "Port 22\nMatch LocalPort 2222\n\tAllowTcpForwarding yes\n" + kDebian;
  EXPECT_EQ(fs.before(), std::vector<std::string>{"/etc/ssh/sshd_config:2 Match LocalPort 2222"});
}

TEST(SshdOrderTest, IncludesAreFollowedRelativeToEtcSsh) {
  VirtualFs fs;
  fs.files[kMain] = "Include site/*.conf\nInclude \"sshd_config.d/*.conf\"  # Debian's\n";
  fs.files["/etc/ssh/site/a.conf"] = "Include /etc/ssh/site/deeper\n";
  fs.files["/etc/ssh/site/deeper"] = "# deeper\nLogLevel INFO\n  mAtCh\t  All  \n";
  EXPECT_EQ(fs.before(), std::vector<std::string>{"/etc/ssh/site/deeper:3 mAtCh All"});
}

TEST(SshdOrderTest, KeywordsAsSshdSplitsThem) {
  VirtualFs fs;
  fs.files[kMain] =
      "# Match User commented\n"
      "MatchUser x\n"               // another keyword: sshd refuses it, and it is no Match
      "Match=User y\n"              // '=' separates too
      "\"Match\" User z\n"          // so does a quoted keyword
      "Include=/etc/ssh/sshd_config.d/*.conf\n";
  EXPECT_EQ(fs.before(), (std::vector<std::string>{"/etc/ssh/sshd_config:3 Match=User y",
                                                   "/etc/ssh/sshd_config:4 \"Match\" User z"}));
}

TEST(SshdOrderTest, OursExistingIsReadOnce) {
  VirtualFs fs;
  fs.files[kMain] = "Include /etc/ssh//sshd_config.d/*.conf /etc/ssh/sshd_config.d/00-ipmi-jumphost.conf\n";
  fs.files[kOurs] = "Match Group ipmi-tenants\n";
  EXPECT_EQ(fs.before(), std::vector<std::string>{});
  EXPECT_EQ(fs.reads, std::vector<std::string>{kMain});
}

TEST(SshdOrderTest, NotReachedWithoutTheInclude) {
  VirtualFs fs;
  fs.files[kMain] = "Port 22\nMatch User x\n";
  auto o = fs.order();
  ASSERT_TRUE(o.ok());
  EXPECT_FALSE(o->reaches_ours);
  ASSERT_EQ(o->before.size(), 1u);
  EXPECT_EQ(o->before[0].line, 2u);
}

TEST(SshdOrderTest, ErrorsPointAtTheInput) {
  auto error = [](VirtualFs& fs) {
    auto o = fs.order();
    return o ? std::string("no error") : o.error().message;
  };
  VirtualFs missing;
  EXPECT_EQ(error(missing), "/etc/ssh/sshd_config does not exist");

  VirtualFs quotes;
  quotes.files[kMain] = "Port 22\nInclude \"/etc/ssh/x\n";
  EXPECT_EQ(error(quotes), "/etc/ssh/sshd_config:2: Include has unbalanced quotes, which sshd refuses");

  VirtualFs nul;
  nul.files[kMain] = std::string("Include a.conf\n");
  nul.files["/etc/ssh/a.conf"] = std::string("Port 22\0\n", 9);
  EXPECT_EQ(error(nul), "/etc/ssh/a.conf holds a NUL byte, which sshd refuses");

  VirtualFs loop;
  loop.files[kMain] = "Include loop.conf\n";
  loop.files["/etc/ssh/loop.conf"] = "Include loop.conf\n";
  EXPECT_EQ(error(loop), "/etc/ssh/loop.conf:1: Includes nested more than 16 deep, which sshd refuses");

  // Twelve files, each including the next one twice: 2^12 reads, within
  // sshd's depth limit. The budget stops it.
  VirtualFs fanout;
  fanout.files[kMain] = "Include a1\n";
  for (int i = 1; i <= 12; ++i) {
    const std::string next = "a" + std::to_string(i + 1);
    fanout.files["/etc/ssh/a" + std::to_string(i)] = "Include " + next + " " + next + "\n";
  }
  const std::string budget = error(fanout);
  EXPECT_EQ(budget.rfind("/etc/ssh/a", 0), 0u) << budget;
  EXPECT_NE(budget.find(":1: more than 1000 files read through Include"), std::string::npos) << budget;
  EXPECT_LE(fanout.reads.size(), kSshdMaxFilesRead + 1);
}

TEST(SshdOrderTest, MessageTextIsSafe) {
  VirtualFs fs;
  fs.files[kMain] = "Match User \x1b[31mx" + std::string(300, 'y') + "\n" + kDebian;
  auto o = fs.order();
  ASSERT_TRUE(o.ok());
  ASSERT_EQ(o->before.size(), 1u);
  EXPECT_EQ(o->before[0].text.find('\x1b'), std::string::npos);
  EXPECT_EQ(o->before[0].text.rfind("Match User \\x1b[31mxyy", 0), 0u);
  EXPECT_EQ(o->before[0].text.substr(o->before[0].text.size() - 3), "...");
}

TEST(SshdListeners, AsSshdTPrintsThem) {
  const std::string output =
      "port 22\nport 2222\naddressfamily any\n"
      "listenaddress [::]:22\nlistenaddress 0.0.0.0:22\nlistenaddress 10.0.0.1:2222 rdomain mgmt\n"
      "listenaddress [fe80::1%eth0]:22\nlistenaddress 0.0.0.0:22\nlistenaddress junk\nlistenaddress 1.2.3.4:0\n"
      "usepam yes\n";
  std::vector<std::string> got;
  for (const SshdListener& l : parse_sshd_listeners(output)) got.push_back(l.address + " " + l.str());
  EXPECT_EQ(got, (std::vector<std::string>{":: [::]:22", "0.0.0.0 0.0.0.0:22", "10.0.0.1 10.0.0.1:2222",
                                           "fe80::1%eth0 [fe80::1%eth0]:22"}));
}

}  // namespace
}  // namespace ij
