#include "daemon/model/sshkey.h"

#include <gcrypt.h>

#include <array>
#include <cstdint>

#include "common/base/strings.h"
#include "daemon/model/base64.h"

namespace ij {
namespace {

// Key algorithms sshd 9.x accepts for users (ssh-dss is disabled by default).
constexpr std::array<std::string_view, 7> kKeyTypes = {
    "ssh-ed25519",          "ssh-rsa",
    "ecdsa-sha2-nistp256",  "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",  "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
};

// Words that start an authorized_keys options list (sshd(8) AUTHORIZED_KEYS FILE FORMAT).
constexpr std::array<std::string_view, 20> kOptionWords = {
    "agent-forwarding", "cert-authority", "command=",        "environment=",  "expiry-time=",
    "from=",            "no-agent-forwarding", "no-port-forwarding", "no-pty", "no-user-rc",
    "no-X11-forwarding", "permitlisten=",  "permitopen=",     "port-forwarding", "principals=",
    "pty",               "no-touch-required", "restrict",      "tunnel=",       "verify-required",
};

Error invalid(std::string m) { return make_error(Errc::invalid_argument, std::move(m)); }

// Reads one SSH wire-format string (RFC 4251 section 5: uint32 length, bytes).
bool read_string(std::string_view& blob, std::string_view* out) {
  if (blob.size() < 4) return false;
  uint32_t n = (uint32_t(uint8_t(blob[0])) << 24) | (uint32_t(uint8_t(blob[1])) << 16) |
               (uint32_t(uint8_t(blob[2])) << 8) | uint32_t(uint8_t(blob[3]));
  if (n > blob.size() - 4) return false;
  *out = blob.substr(4, n);
  blob.remove_prefix(4 + n);
  return true;
}

// Checks the blob's structure for its type (RFC 8709 ed25519, RFC 4253 rsa,
// RFC 5656 ecdsa, PROTOCOL.u2f for sk-*): right field count, no trailing bytes.
Status check_blob(std::string_view type, std::string_view blob) {
  std::string_view field;
  if (!read_string(blob, &field) || field != type)
    return invalid("the key data does not match its type '" + std::string(type) + "'");
  size_t fields = 0;
  std::string_view first;
  while (!blob.empty()) {
    if (!read_string(blob, &field)) return invalid("the key data is truncated");
    if (fields == 0) first = field;
    ++fields;
  }
  size_t want = 0;
  if (type == "ssh-ed25519") want = 1;
  else if (type == "ssh-rsa") want = 2;
  else if (starts_with(type, "ecdsa-")) want = 2;
  else if (type == "sk-ssh-ed25519@openssh.com") want = 2;
  else want = 3;  // sk-ecdsa: curve, point, application
  if (fields != want) return invalid("the key data has the wrong number of fields for " + std::string(type));
  if ((type == "ssh-ed25519" || type == "sk-ssh-ed25519@openssh.com") && first.size() != 32)
    return invalid("an ed25519 public key is 32 bytes, this one is " + std::to_string(first.size()));
  return ok_status();
}

bool is_key_type(std::string_view t) {
  for (auto k : kKeyTypes)
    if (k == t) return true;
  return false;
}

bool looks_like_options(std::string_view t) {
  for (auto w : kOptionWords)
    if (starts_with(t, w)) return true;
  return t.find('=') != std::string_view::npos || t.find(',') != std::string_view::npos;
}

}  // namespace

std::string SshKey::line() const { return comment.empty() ? type + " " + base64 : type + " " + base64 + " " + comment; }

std::string ssh_fingerprint(std::string_view blob) {
  // libgcrypt must be initialised once before use (its manual, "Initializing the library").
  static const bool initialised = gcry_check_version(nullptr) != nullptr;
  (void)initialised;
  unsigned char digest[32];
  gcry_md_hash_buffer(GCRY_MD_SHA256, digest, blob.data(), blob.size());
  return "SHA256:" + base64_encode(std::string_view(reinterpret_cast<char*>(digest), sizeof digest), false);
}

Result<SshKey> parse_ssh_key(std::string_view line) {
  if (line.size() > kMaxKeyLineLength) return invalid("the key line is longer than 16 KiB");
  for (char c : line) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u >= 0x7f)
      return invalid("the key line contains a control or non-ASCII character");
  }
  std::vector<std::string> fields = split_ws(line);
  if (fields.empty()) return invalid("the key line is empty");
  const std::string& type = fields[0];
  if (!is_key_type(type)) {
    if (looks_like_options(type))
      return invalid("the key carries its own options ('" + quote_for_message(type, 40) +
                     "'): give the bare key, the daemon sets the options");
    return invalid("unknown key type '" + quote_for_message(type, 40) + "'");
  }
  if (fields.size() < 2) return invalid("the key line has a type but no key data");
  auto blob = base64_decode(fields[1]);
  if (!blob) return invalid("the key data is not valid base64");
  IJ_TRY(check_blob(type, *blob));
  std::vector<std::string> rest(fields.begin() + 2, fields.end());
  SshKey key{type, fields[1], join(rest, " "), ssh_fingerprint(*blob)};
  if (key.comment.size() > 256) return invalid("the key comment is longer than 256 characters");
  return key;
}

Result<std::vector<SshKey>> parse_ssh_key_file(std::string_view source, std::string_view text) {
  std::vector<SshKey> keys;
  std::vector<std::string> lines = split(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view l = trim(lines[i]);
    if (l.empty() || l[0] == '#') continue;
    auto key = parse_ssh_key(l);
    if (!key) return key.error().with_context(std::string(source) + ":" + std::to_string(i + 1));
    keys.push_back(std::move(*key));
  }
  if (keys.empty()) return invalid(std::string(source) + ": no key in it");
  return keys;
}

}  // namespace ij
