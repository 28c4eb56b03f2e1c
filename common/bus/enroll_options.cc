#include "common/bus/enroll_options.h"

#include <type_traits>

#include "common/base/strings.h"

namespace ij::bus {
namespace {

using KeyStruct = sdbus::Struct<std::string, std::string>;

// How a field's type travels: as itself, except key files, which are (ss).
template <class T>
struct OnWire {
  using type = T;
  static type to(const T& v) { return v; }
  static T from(const type& v) { return v; }
};

template <>
struct OnWire<std::vector<KeyFile>> {
  using type = std::vector<KeyStruct>;
  static type to(const std::vector<KeyFile>& keys) {
    type out;
    for (const KeyFile& k : keys) out.emplace_back(k.label, k.text);
    return out;
  }
  static std::vector<KeyFile> from(const type& v) {
    std::vector<KeyFile> out;
    for (const KeyStruct& k : v) out.push_back(KeyFile{std::get<0>(k), std::get<1>(k)});
    return out;
  }
};

}  // namespace

VariantMap encode(const EnrollOptions& options) {
  VariantMap wire;
  EnrollOptions::fields(options, [&](const char* key, const auto& field) {
    using T = typename std::decay_t<decltype(field)>::value_type;
    if (field) wire[key] = sdbus::Variant(OnWire<T>::to(*field));
  });
  return wire;
}

Result<EnrollOptions> decode_enroll_options(const VariantMap& wire) {
  EnrollOptions options;
  for (const auto& [key, value] : wire) {
    bool known = false;
    std::optional<Error> error;
    EnrollOptions::fields(options, [&](const char* name, auto& field) {
      if (key != name) return;
      known = true;
      using T = typename std::decay_t<decltype(field)>::value_type;
      using Wire = typename OnWire<T>::type;
      if (!value.containsValueOfType<Wire>()) {
        error = make_error(Errc::invalid_argument, "option '" + key + "' must have D-Bus type " +
                                                       sdbus::signature_of<Wire>::str());
        return;
      }
      field = OnWire<T>::from(value.get<Wire>());
    });
    if (error) return *error;
    if (!known) return make_error(Errc::invalid_argument, "unknown enroll option '" + quote_for_message(key) + "'");
  }
  return options;
}

}  // namespace ij::bus
