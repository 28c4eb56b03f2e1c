#include "daemon/model/base64.h"

#include <cstdint>

namespace ij {
namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  if (text.back() == '=') pad = (text[text.size() - 2] == '=') ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    uint32_t acc = 0;
    for (size_t j = 0; j < 4; ++j) {
      char c = text[i + j];
      int v;
      if (last && j >= 4 - pad) {
        if (c != '=') return std::nullopt;
        v = 0;
      } else {
        v = value_of(c);
        if (v < 0) return std::nullopt;
      }
      acc = (acc << 6) | static_cast<uint32_t>(v);
    }
    size_t bytes = last ? 3 - pad : 3;
    // Canonical encoding only: the bits behind the padding must be zero.
    if (last && pad == 1 && (acc & 0xff) != 0) return std::nullopt;
    if (last && pad == 2 && (acc & 0xffff) != 0) return std::nullopt;
    for (size_t j = 0; j < bytes; ++j) out += static_cast<char>((acc >> (16 - 8 * j)) & 0xff);
  }
  return out;
}

std::string base64_encode(std::string_view bytes, bool pad) {
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    for (int j = 3; j >= 0; --j) out += kAlphabet[(v >> (6 * j)) & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (rest == 2) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kAlphabet[(v >> 6) & 63];
    if (pad) out += (rest == 2) ? "=" : "==";
  }
  return out;
}

}  // namespace ij
