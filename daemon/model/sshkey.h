// OpenSSH public keys as operators hand them in (one authorized_keys-style
// line each, without options: the daemon sets the options itself).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/base/result.h"

namespace ij {

struct SshKey {
  std::string type;     // "ssh-ed25519"
  std::string base64;   // the key blob as given (canonical base64)
  std::string comment;  // printable ASCII, may be empty
  std::string fingerprint;  // "SHA256:..." as ssh-keygen -l prints it

  std::string line() const;  // "type base64 comment"
  bool operator==(const SshKey& o) const { return type == o.type && base64 == o.base64; }
};

constexpr size_t kMaxKeyLineLength = 16 * 1024;  // an RSA-16384 line is ~2.8 KiB
constexpr size_t kMaxKeysPerTenant = 64;

// Parses one key line. Errors name what is wrong, without a location prefix.
Result<SshKey> parse_ssh_key(std::string_view line);

// Parses a key file's text: blank lines and '#' comments are skipped; every
// other line must be a key. Errors read "SOURCE:LINE: what".
Result<std::vector<SshKey>> parse_ssh_key_file(std::string_view source, std::string_view text);

// SHA256 fingerprint of a raw key blob, as OpenSSH prints it.
std::string ssh_fingerprint(std::string_view blob);

}  // namespace ij
