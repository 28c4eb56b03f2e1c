#include "daemon/model/secret.h"

namespace ij {
namespace {

struct Wipe {
  void operator()(const std::string* s) const {
    auto* w = const_cast<std::string*>(s);
    // volatile: the stores may not be dropped for memory about to be freed.
    volatile char* p = w->data();
    for (size_t i = 0; i < w->size(); ++i) p[i] = '\0';
    delete w;
  }
};

}  // namespace

Secret::Secret(std::string&& value) {
  // A copy, then the source wiped: a move would leave a short string's
  // bytes in its inline buffer.
  value_ = std::shared_ptr<const std::string>(new std::string(value), Wipe{});
  volatile char* p = value.data();
  for (size_t i = 0; i < value.size(); ++i) p[i] = '\0';
  value.clear();
}

const std::string& Secret::reveal() const {
  static const std::string kEmpty;
  return value_ ? *value_ : kEmpty;
}

}  // namespace ij
