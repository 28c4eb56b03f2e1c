#include "daemon/ipmi/cipher_suites.h"

#include <gtest/gtest.h>

namespace ij {
namespace {

std::vector<unsigned> ids(std::vector<uint8_t> bytes) {
  auto r = parse_cipher_suite_records(bytes);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : std::vector<unsigned>{};
}

std::string error_of(std::vector<uint8_t> bytes) {
  auto r = parse_cipher_suite_records(bytes);
  return r.ok() ? "(parsed)" : r.error().message;
}

TEST(CipherSuites, StandardRecordsWithTheirAlgorithms) {
  // Suite 3: HMAC-SHA1 (01h), HMAC-SHA1-96 (41h), AES-CBC-128 (81h); suite
  // 17: HMAC-SHA256 (03h), HMAC-SHA256-128 (44h), AES-CBC-128.
  EXPECT_EQ(ids({0xc0, 0x03, 0x01, 0x41, 0x81, 0xc0, 0x11, 0x03, 0x44, 0x81}), (std::vector<unsigned>{3, 17}));
}

TEST(CipherSuites, AsIpmiSimSendsThem) {
  // ipmi_sim's first two answers (16 bytes each, a record split across them).
  EXPECT_EQ(ids({0xc0, 0x00, 0x00, 0x40, 0x80, 0xc0, 0x01, 0x01, 0x40, 0x80, 0xc0, 0x02, 0x01, 0x41, 0x80, 0xc0,
                 0x03, 0x01, 0x41, 0x81}),
            (std::vector<unsigned>{0, 1, 2, 3}));
}

TEST(CipherSuites, OemRecordsSkipTheirIana) {
  // C1h, ID 80h, IANA 00 0B 00 (which starts with algorithm-like bytes), then one algorithm.
  EXPECT_EQ(ids({0xc1, 0x80, 0x00, 0x0b, 0x00, 0x01, 0xc0, 0x03, 0x01, 0x41, 0x81}), (std::vector<unsigned>{0x80, 3}));
  // An IANA byte that looks like a record start is still the IANA.
  EXPECT_EQ(ids({0xc1, 0x05, 0xc0, 0xc1, 0xc2, 0x01}), (std::vector<unsigned>{5}));
}

TEST(CipherSuites, EachIdOnceInOrderAndEmptyIsNone) {
  EXPECT_EQ(ids({0xc0, 0x11, 0xc0, 0x03, 0xc0, 0x11}), (std::vector<unsigned>{17, 3}));
  EXPECT_TRUE(ids({}).empty());
  EXPECT_EQ(ids({0xc0, 0x03}), (std::vector<unsigned>{3}));  // no algorithm bytes
}

TEST(CipherSuites, ErrorsPointAtTheByte) {
  EXPECT_EQ(error_of({0x01, 0xc0, 0x03}), "cipher suite records, byte 0: 01h where a record (C0h or C1h) should start");
  EXPECT_EQ(error_of({0xc0, 0x03, 0x01, 0xc2, 0x03}),
            "cipher suite records, byte 3: C2h where a record (C0h or C1h) should start");
  EXPECT_EQ(error_of({0xc0, 0x03, 0x01, 0xc0}), "cipher suite records, byte 3: standard record cut short");
  EXPECT_EQ(error_of({0xc1, 0x80, 0x00, 0x0b}), "cipher suite records, byte 0: OEM record cut short");
}

}  // namespace
}  // namespace ij
