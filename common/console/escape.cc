#include "common/console/escape.h"

namespace ij::console {
namespace {

using Kind = EscapeEvent::Kind;

const EscapeKey* find_escape(char ch) {
  for (const EscapeKey& key : kEscapes)
    if (key.ch == ch) return &key;
  return nullptr;
}

void add_data(std::vector<EscapeEvent>& events, std::string_view bytes) {
  if (bytes.empty()) return;
  if (events.empty() || events.back().kind != Kind::data) events.push_back({Kind::data, {}});
  events.back().bytes.append(bytes);
}

}  // namespace

std::vector<EscapeEvent> EscapeFilter::feed(std::string_view input) {
  std::vector<EscapeEvent> events;
  size_t i = 0;
  while (i < input.size() && !detached_) {
    if (!pending_) {
      // Plain bytes up to the next '&' go through as one run.
      size_t amp = input.find(kEscapeChar, i);
      size_t end = amp == std::string_view::npos ? input.size() : amp;
      add_data(events, input.substr(i, end - i));
      i = end;
      if (amp != std::string_view::npos) {
        pending_ = true;
        ++i;
      }
      continue;
    }
    pending_ = false;
    const char ch = input[i++];
    const EscapeKey* key = find_escape(ch);
    if (key == nullptr) {
      const char both[] = {kEscapeChar, ch};
      add_data(events, std::string_view(both, sizeof both));
      continue;
    }
    switch (key->action) {
      case EscapeAction::detach:
        detached_ = true;
        events.push_back({Kind::detach, {}});
        break;
      case EscapeAction::send_break: events.push_back({Kind::send_break, {}}); break;
      case EscapeAction::take_keyboard: events.push_back({Kind::take_keyboard, {}}); break;
      case EscapeAction::give_keyboard: events.push_back({Kind::give_keyboard, {}}); break;
      case EscapeAction::replay: events.push_back({Kind::replay, {}}); break;
      case EscapeAction::who: events.push_back({Kind::who, {}}); break;
      case EscapeAction::help: events.push_back({Kind::help, {}}); break;
      case EscapeAction::send_escape_char: add_data(events, std::string_view(&kEscapeChar, 1)); break;
    }
  }
  return events;
}

}  // namespace ij::console
