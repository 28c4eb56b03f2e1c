#include "daemon/ipmi/cipher_suites.h"

#include <algorithm>
#include <cstdio>
#include <string>

namespace ij {
namespace {

constexpr uint8_t kStandardRecord = 0xc0;
constexpr uint8_t kOemRecord = 0xc1;
constexpr size_t kOemIanaBytes = 3;
// Algorithm bytes have 00b, 01b or 10b in their top two bits; 11b starts a record.
bool is_algorithm(uint8_t b) { return (b & 0xc0) != 0xc0; }

Error bad(size_t offset, const std::string& what) {
  return make_error(Errc::invalid_argument, "cipher suite records, byte " + std::to_string(offset) + ": " + what);
}

std::string hex(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02Xh", b);
  return buf;
}

}  // namespace

Result<std::vector<unsigned>> parse_cipher_suite_records(std::span<const uint8_t> data) {
  std::vector<unsigned> ids;
  size_t i = 0;
  while (i < data.size()) {
    const uint8_t start = data[i];
    size_t header = 0;
    if (start == kStandardRecord) header = 2;
    else if (start == kOemRecord) header = 2 + kOemIanaBytes;
    else return bad(i, hex(start) + " where a record (C0h or C1h) should start");
    if (data.size() - i < header)
      return bad(i, std::string(start == kOemRecord ? "OEM" : "standard") + " record cut short");
    const unsigned id = data[i + 1];
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    i += header;
    while (i < data.size() && is_algorithm(data[i])) ++i;
  }
  return ids;
}

}  // namespace ij
