#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ij {

std::string_view trim(std::string_view s);
// Splits on any run of spaces and tabs; no empty fields.
std::vector<std::string> split_ws(std::string_view s);
// Splits on one separator character; keeps empty fields.
std::vector<std::string> split(std::string_view s, char sep);
std::vector<std::string> split_lines(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
bool starts_with(std::string_view s, std::string_view prefix);
// Parses a whole decimal number in [lo, hi]; false on anything else.
bool parse_uint(std::string_view s, unsigned long lo, unsigned long hi, unsigned long* out);
// The first line of `s`, trimmed (a /proc/sys value, a tool's answer).
std::string first_line(std::string_view s);
// Overwrites a secret before its memory is given back, and empties it; the
// stores are not optimised away. The whole buffer goes, not just the
// length: a short string's bytes live inside the object (on the stack, say).
void wipe(std::string& secret);

// A passing copy of a secret (one IPMI request's password): wiped when it is
// destroyed, cleared or moved from, so no frame or freed block keeps it.
class SecretText {
 public:
  SecretText() = default;
  explicit SecretText(std::string&& s) : text_(std::move(s)) { wipe(s); }
  SecretText(const SecretText& o) : text_(o.text_) {}
  SecretText(SecretText&& o) noexcept : text_(std::move(o.text_)) { wipe(o.text_); }
  SecretText& operator=(const SecretText& o) {
    if (this != &o) {
      wipe(text_);
      text_ = o.text_;
    }
    return *this;
  }
  SecretText& operator=(SecretText&& o) noexcept {
    if (this != &o) {
      wipe(text_);
      text_ = std::move(o.text_);
      wipe(o.text_);
    }
    return *this;
  }
  ~SecretText() { wipe(text_); }
  void clear() { wipe(text_); }
  bool empty() const { return text_.empty(); }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};
// Renders untrusted text for a message: printable ASCII kept, the rest as \xNN, cut at max.
std::string quote_for_message(std::string_view s, size_t max = 64);

}  // namespace ij
