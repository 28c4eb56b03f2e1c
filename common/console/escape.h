// The console escapes (typed after '&', as conman's, like ssh's '~'), as a
// pure filter over what the user types: no I/O here, so every escape is
// unit-tested and fuzzed; the console client (client.h) performs the events.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ij::console {

inline constexpr char kEscapeChar = '&';
// Printed on "&?"; names every row of kEscapes.
inline constexpr const char* kEscapeHelp =
    "\r\n[&. detach, &B send a break, &F take the keyboard, &M give it up (read-only), &L replay the last output,"
    " &I who is attached, && send &, &? this help]\r\n";

enum class EscapeAction { detach, send_break, take_keyboard, give_keyboard, replay, who, help, send_escape_char };

struct EscapeKey {
  char ch;  // typed after kEscapeChar
  EscapeAction action;
};

// Every escape, in one table (conman's src/common.h). Any other character
// after '&' is not an escape: both go to the console, so a stray '&' in what
// the tenant types is never lost.
inline constexpr EscapeKey kEscapes[] = {
    {'.', EscapeAction::detach},
    {'B', EscapeAction::send_break},
    {'F', EscapeAction::take_keyboard},
    {'M', EscapeAction::give_keyboard},
    {'L', EscapeAction::replay},
    {'I', EscapeAction::who},
    {'?', EscapeAction::help},
    {kEscapeChar, EscapeAction::send_escape_char},
};

struct EscapeEvent {
  enum class Kind { data, detach, send_break, take_keyboard, give_keyboard, replay, who, help };
  Kind kind = Kind::data;
  std::string bytes;  // for data: what to write to the console, never empty

  bool operator==(const EscapeEvent&) const = default;
};

class EscapeFilter {
 public:
  // The events for one chunk of the tenant's input, in order; adjacent data
  // is one event. Data before a break comes first, so the wrapper flushes it
  // to the console before it asks for the break. A '&' at the end of a chunk
  // waits for the next one (a read may split "&." anywhere). Detach is final:
  // what follows it, in this chunk or later ones, is dropped, so the events
  // do not depend on how the input was split into reads.
  std::vector<EscapeEvent> feed(std::string_view input);

  bool detached() const { return detached_; }

 private:
  bool pending_ = false;  // the last byte fed was an unanswered '&'
  bool detached_ = false;
};

}  // namespace ij::console
