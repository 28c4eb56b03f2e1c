// A secret (a BMC password) held once in memory. Copies of the state share
// one immutable buffer, which is overwritten when the last copy goes; the
// daemon copies the state for every change (the next state, the undo), so
// without this each copy would leave the password in freed memory.
#pragma once

#include <memory>
#include <string>

namespace ij {

class Secret {
 public:
  Secret() = default;
  // Takes `value`'s bytes; `value` is left empty.
  explicit Secret(std::string&& value);

  bool empty() const { return !value_ || value_->empty(); }
  // For the IPMI session and the state file only; never for a message.
  const std::string& reveal() const;

 private:
  std::shared_ptr<const std::string> value_;
};

}  // namespace ij
