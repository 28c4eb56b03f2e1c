// Errors as values across module boundaries (std::expected is C++23; GCC 12 lacks it).
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace ij {

// What kind of failure; the daemon maps each to a D-Bus error name
// org.ipmijumphost.Jumphost1.Error.<Name> (see common/bus/names.h).
enum class Errc {
  invalid_argument,  // the caller's input is wrong
  not_found,         // names something that does not exist
  exists,            // would collide with something that exists
  access_denied,     // the caller may not do this
  unsupported,       // the host cannot do this (e.g. no 802.1Q in the kernel)
  failed,            // an operation on the host failed
};

struct Error {
  Errc code = Errc::failed;
  std::string message;

  // Adds context in front: "while doing X: <message>".
  Error with_context(const std::string& context) const {
    return Error{code, context + ": " + message};
  }
};

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

using Status = Result<std::monostate>;
inline Status ok_status() { return std::monostate{}; }

}  // namespace ij

// Returns the error of a Status/Result expression from the enclosing function.
#define IJ_TRY(expr)                          \
  do {                                        \
    auto ij_try_r_ = (expr);                  \
    if (!ij_try_r_.ok()) return ij_try_r_.error(); \
  } while (0)
