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
  auto* held = new std::string(std::move(value));
  value_ = std::shared_ptr<const std::string>(held, Wipe{});
  // A short string moves by copying its inline buffer: clear the source too.
  volatile char* p = value.data();
  for (size_t i = 0; i < value.size(); ++i) p[i] = '\0';
  value.clear();
}

const std::string& Secret::reveal() const {
  static const std::string kEmpty;
  return value_ ? *value_ : kEmpty;
}

}  // namespace ij
