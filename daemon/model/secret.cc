#include "daemon/model/secret.h"

#include "common/base/strings.h"

namespace ij {
namespace {

struct Wipe {
  void operator()(const std::string* s) const {
    auto* w = const_cast<std::string*>(s);
    wipe(*w);
    delete w;
  }
};

}  // namespace

Secret::Secret(std::string&& value) {
  // A copy, then the source wiped: a move would leave a short string's
  // bytes in its inline buffer.
  value_ = std::shared_ptr<const std::string>(new std::string(value), Wipe{});
  wipe(value);
}

const std::string& Secret::reveal() const {
  static const std::string kEmpty;
  return value_ ? *value_ : kEmpty;
}

}  // namespace ij
