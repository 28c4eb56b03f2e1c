// What sshd reads before the tenants' block, read as sshd reads it.
//
// sshd (OpenSSH 9.2, servconf.c) reads the main file and, at each Include,
// the files it names (a relative path is under /etc/ssh, a glob expands in
// sorted order), in order, at start and again for each connection. From the
// Match blocks that match a connection it keeps the FIRST value of each
// keyword (`if (*activep && *intptr == -1)`), so a site's block read before
// ours, e.g. `Match Address 10.99.0.0/16` with `AllowTcpForwarding yes` and
// `PermitListen any`, gives a tenant connecting from there a listening
// forward, while `sshd -T -C user=alice,addr=127.0.0.1` still shows the
// tenants' restrictions. A global line cannot do that, wherever it is: the
// per-connection pass skips global lines, and copy_set_server_options() lays
// every value a matching block set over the global ones. So the Match lines
// read before ours (in a file read earlier, or around the Include that reads
// ours) are what the daemon refuses to enroll under and the doctor reports.
//
// Pure: files and globs come through SshdConfigReader, so the tests give it
// a virtual file system (tests/unit/sshd_order_test.cc, fuzz_sshd_order.cc).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/base/result.h"

namespace ij {

// sshd's SSHDIR on Debian, where a relative Include starts (-f does not move it).
inline constexpr const char* kSshdSystemDir = "/etc/ssh";
// sshd's SERVCONF_MAX_DEPTH: Includes nested deeper stop sshd.
inline constexpr int kSshdMaxIncludeDepth = 16;
// Ours: every Include of a glob reads its files again, so a file that
// includes itself twice would make 2^16 reads before sshd's depth limit.
inline constexpr size_t kSshdMaxFilesRead = 1000;

struct SshdConfigReader {
  // The file's text; nullopt when it does not exist.
  std::function<Result<std::optional<std::string>>(const std::string& path)> read;
  // The existing paths a glob(3) pattern names, in any order.
  std::function<Result<std::vector<std::string>>(const std::string& pattern)> glob;
};

// A line of sshd's configuration.
struct SshdDirective {
  std::string file;
  unsigned line = 0;
  std::string text;  // as written, blanks collapsed: "Match Address 10.99.0.0/16"
};

struct SshdOrder {
  bool reaches_ours = false;           // some Include reads our drop-in
  std::vector<SshdDirective> before;   // the Match lines sshd reads before it, in order
};

// Reads `main_config` and what it includes, in sshd's order, up to `ours`
// (whether or not that file exists yet: the check runs before the first
// enroll writes it). Errors: a file that cannot be read, a NUL byte, an
// Include with unbalanced quotes or nested too deep (sshd refuses all of
// these), more than kSshdMaxFilesRead files.
Result<SshdOrder> read_sshd_order(const std::string& main_config, const std::string& ours,
                                  const std::string& ssh_dir, const SshdConfigReader& fs);

// An address and port sshd listens on. A Match LocalAddress or LocalPort
// block can treat each differently, so the effective settings are checked
// on each.
struct SshdListener {
  std::string address;  // as sshd prints it, without brackets: "0.0.0.0", "::"
  unsigned port = 22;
  std::string str() const;  // "0.0.0.0:22", "[::]:22"
};
// The `listenaddress ADDR:PORT [rdomain R]` lines of `sshd -T`, in order.
std::vector<SshdListener> parse_sshd_listeners(const std::string& sshd_t_output);

// "FILE:LINE: 'Match ...' comes before the tenants' block in OURS and would
// win over it for some connections"
std::string describe_before(const SshdDirective& d, const std::string& ours);
// What the operator does about it.
inline constexpr const char* kSshdOrderFix = "move it after, or into the main file after the Include";

}  // namespace ij
