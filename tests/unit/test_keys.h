// Public keys made with ssh-keygen for the tests, with the fingerprints
// `ssh-keygen -l` printed for them.
#pragma once

namespace ij::testing {
inline constexpr const char* kAliceKey =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA0Sp4e162IfruvnML7fs1Za6zj4FBX/hC9kGRC4gdXn alice@laptop";
inline constexpr const char* kAliceFingerprint = "SHA256:NEKXrzZs7FwjxmNsi/J/Boj8OY+TGOLPHKiJn8I33Ng";
inline constexpr const char* kBobKey =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIMA1f3fOPPLX2IwOGx2IzTzROf26PsgyB+Kegw3+VTA8 bob";
inline constexpr const char* kBobFingerprint = "SHA256:DC5L++gLBilbeNqsbFHhf+lMP/9+SJZAZTtlIG4uh1Y";
inline constexpr const char* kEcdsaKey =
    "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBLACmoM5iphjZO+50AW2LeevvvKeGaoFUtxUS+n0yCUF3m"
    "RCD/5T3KJQ1BiI5js55O8qfe7Sfi7+owvAISS/aDY= ec";
inline constexpr const char* kEcdsaFingerprint = "SHA256:oJ/yAx5YVB/oYO9I93Kv7Rt/SgC8OYtcGuC66VUOeBQ";
}  // namespace ij::testing
