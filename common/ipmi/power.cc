#include "common/ipmi/power.h"

#include <string>

#include "common/base/strings.h"

namespace ij {
namespace {

struct Name {
  PowerAction action;
  const char* word;
};
constexpr Name kNames[] = {
    {PowerAction::status, "status"}, {PowerAction::on, "on"},       {PowerAction::off, "off"},
    {PowerAction::cycle, "cycle"},   {PowerAction::reset, "reset"}, {PowerAction::soft, "soft"},
    {PowerAction::diag, "diag"},
};

}  // namespace

Result<PowerAction> parse_power_action(std::string_view word) {
  for (const Name& n : kNames)
    if (word == n.word) return n.action;
  return make_error(Errc::invalid_argument, "power action '" + quote_for_message(word) +
                                                "' is not one of status, on, off, cycle, reset, soft, diag");
}

const char* power_action_name(PowerAction a) {
  for (const Name& n : kNames)
    if (a == n.action) return n.word;
  return "?";
}

}  // namespace ij
