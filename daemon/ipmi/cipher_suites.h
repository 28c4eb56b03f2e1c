// The cipher suites a BMC offers, from the record data of Get Channel
// Cipher Suites (IPMI 2.0 section 22.15, table 22-18): a record starts with
// C0h (standard: then the suite's ID) or C1h (OEM: the ID, then a 3-byte
// IANA number), and the algorithm bytes that follow it (00xxxxxxb
// authentication, 01xxxxxxb integrity, 10xxxxxxb confidentiality) belong
// to it. The bytes come from the BMC: untrusted.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/base/result.h"

namespace ij {

// Get Channel Cipher Suites answers at most 16 record bytes per list
// index; a shorter answer is the last (section 22.15).
constexpr size_t kCipherSuiteBytesPerIndex = 16;
// List indexes run 0-3Fh.
constexpr unsigned kCipherSuiteMaxIndex = 0x3f;

// The suite IDs in the order offered, each once. An error names the byte
// that does not fit ("cipher suite records, byte 3: ...").
Result<std::vector<unsigned>> parse_cipher_suite_records(std::span<const uint8_t> data);

}  // namespace ij
