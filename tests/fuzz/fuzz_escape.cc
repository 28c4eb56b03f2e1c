// Fuzzes the console escape filter (every byte the tenant types on a console).
// The first byte picks where to split the rest into two reads.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "common/console/escape.h"

namespace {

using ij::console::EscapeEvent;
using ij::console::EscapeFilter;

// Appends, merging data across the boundary between two reads' events.
void append(std::vector<EscapeEvent>& to, std::vector<EscapeEvent> events) {
  for (EscapeEvent& e : events) {
    if (e.kind == EscapeEvent::Kind::data && !to.empty() && to.back().kind == EscapeEvent::Kind::data)
      to.back().bytes += e.bytes;
    else
      to.push_back(std::move(e));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t split = data[0] % (input.size() + 1);

  EscapeFilter whole;
  const std::vector<EscapeEvent> once = whole.feed(input);

  // How reads split the input does not change what happens.
  EscapeFilter parts;
  std::vector<EscapeEvent> twice;
  append(twice, parts.feed(input.substr(0, split)));
  append(twice, parts.feed(input.substr(split)));
  if (twice != once) __builtin_trap();
  // And one byte per read, as a slow link delivers them.
  EscapeFilter bytes;
  std::vector<EscapeEvent> bytewise;
  for (size_t i = 0; i < input.size(); ++i) append(bytewise, bytes.feed(input.substr(i, 1)));
  if (bytewise != once) __builtin_trap();

  size_t sent = 0;
  for (const EscapeEvent& e : once) {
    if (e.kind == EscapeEvent::Kind::data && e.bytes.empty()) __builtin_trap();
    if (e.kind != EscapeEvent::Kind::data && !e.bytes.empty()) __builtin_trap();
    sent += e.bytes.size();
  }
  // Escapes only ever take bytes away.
  if (sent > input.size()) __builtin_trap();
  // Without '&' the console gets exactly what was typed.
  if (input.find(ij::console::kEscapeChar) == std::string_view::npos) {
    if (input.empty() ? !once.empty() : (once.size() != 1 || once[0].bytes != input)) __builtin_trap();
  }
  return 0;
}
