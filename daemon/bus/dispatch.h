// Serves the contract's rows (common/bus/contract.h) on one object. For each
// row the caller is identified from the bus's credentials and authorised for
// the row's role before the handler runs; the handler's Result becomes the
// reply or an org.ipmijumphost.Jumphost1.Error.*. The handlers themselves
// only read the arguments, call the core and return (systemd's
// networkd-link-bus.c is the model).
#pragma once

#include <sdbus-c++/sdbus-c++.h>

#include <functional>
#include <exception>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "common/base/result.h"
#include "common/bus/contract.h"

namespace ij {

struct Caller {
  uid_t uid = 0;
  std::string name;  // user name, or "uid N" when it has none
};

// Sends the reply of an asynchronous method; callable once, on the bus thread.
template <class T>
using Replier = std::function<void(Result<T>)>;

class Dispatcher {
 public:
  // Decides whether the caller of the message being handled may call a
  // method of `role`; the error is the D-Bus error the caller gets.
  using Authorize = std::function<Result<Caller>(bus::Role role, const char* method)>;
  Dispatcher(sdbus::IObject& object, Authorize authorize) : object_(object), authorize_(std::move(authorize)) {}

  // Synchronous rows: handler(const Caller&, args...) -> Result<Reply>
  // (Status for rows without a reply). Asynchronous rows:
  // handler(const Caller&, Replier<Reply>, args...).
  template <class M, class H>
  void serve(H handler) {
    served_.insert(std::string(M::interface) + "." + M::name);
    Row<M, typename M::Args>::add(*this, std::move(handler));
  }

  // Finishes the object's registration; refuses a contract row that has no
  // handler, so a method cannot be published without one.
  void finish();

 private:
  template <class M, class Args>
  struct Row;

  [[noreturn]] static void throw_error(const Error& e);
  // Calls carry BMC passwords (Enroll, a tenant's typed one): the message
  // being handled is marked so that libsystemd erases it when it is freed.
  void mark_sensitive() const;
  // sdbus-c++ 1.2 turns only its own sdbus::Error into an error reply; any
  // other exception would end the daemon. A bug or a failed allocation in
  // one handler fails that call, logged, never the process.
  template <class F>
  static auto guarded(const char* method, F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const sdbus::Error&) {
      throw;
    } catch (const std::exception& e) {
      internal_error(method, e.what());
    }
  }
  [[noreturn]] static void internal_error(const char* method, const char* what);
  template <class T>
  static typename bus::Wire<T>::type reply_or_throw(Result<T> r) {
    if (!r) throw_error(r.error());
    return bus::Wire<T>::encode(*r);
  }
  static void reply_or_throw(const Status& s) {
    if (!s) throw_error(s.error());
  }

  // sdbus-c++ registers the method when the registrator, a temporary,
  // goes: all of it happens in one expression.
  template <class M, class F>
  void add(F implementation) {
    std::apply(
        [&](auto... names) {
          if constexpr (std::is_same_v<typename M::Reply, bus::NoReply>)
            object_.registerMethod(M::name).onInterface(M::interface).withInputParamNames(names...).implementedAs(
                std::move(implementation));
          else
            object_.registerMethod(M::name)
                .onInterface(M::interface)
                .withInputParamNames(names...)
                .withOutputParamNames(M::out)
                .implementedAs(std::move(implementation));
        },
        M::in);
  }

  sdbus::IObject& object_;
  Authorize authorize_;
  std::set<std::string> served_;
};

template <class M, class... A>
struct Dispatcher::Row<M, std::tuple<A...>> {
  template <class H>
  static void add(Dispatcher& d, H handler) {
    using Reply = typename M::Reply;
    if constexpr (M::async) {
      using Wire = typename bus::Wire<Reply>::type;
      d.add<M>([&d, handler](sdbus::Result<Wire>&& result, A... args) {
        guarded(M::name, [&] {
          d.mark_sensitive();
          Result<Caller> caller = d.authorize_(M::role, M::name);
          if (!caller) throw_error(caller.error());
          auto shared = std::make_shared<sdbus::Result<Wire>>(std::move(result));
          handler(*caller, Replier<Reply>([shared](Result<Reply> r) {
                    if (r) shared->returnResults(bus::Wire<Reply>::encode(*r));
                    else shared->returnError(sdbus::Error(bus::error_name(r.error().code), r.error().message));
                  }),
                  std::move(args)...);
        });
      });
    } else {
      d.add<M>([&d, handler](A... args) {
        return guarded(M::name, [&] {
          d.mark_sensitive();
          Result<Caller> caller = d.authorize_(M::role, M::name);
          if (!caller) throw_error(caller.error());
          return reply_or_throw(handler(*caller, std::move(args)...));
        });
      });
    }
  }
};

}  // namespace ij
