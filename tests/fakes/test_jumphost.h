// The daemon's core over a fake host, as the unit tests drive it: the
// operator's changes, the views, the reconcile and the doctor, on one
// Jumphost with a fixed clock.
#pragma once

#include <nlohmann/json.hpp>

#include "daemon/core/admin.h"
#include "daemon/core/doctor.h"
#include "daemon/core/jumphost.h"
#include "daemon/core/reconcile.h"
#include "daemon/core/views.h"
#include "tests/fakes/fake_host.h"

namespace ij::testing {

class TestJumphost {
 public:
  TestJumphost(Config config, State state, Host host)
      : world{std::move(config), std::move(state), host, fixed_clock()}, admin(world) {}
  TestJumphost(const TestJumphost&) = delete;  // admin refers to world
  TestJumphost& operator=(const TestJumphost&) = delete;

  Result<Enrollment> enroll(const EnrollRequest& r, const std::string& who) { return admin.enroll(r, who); }
  Status revoke(const std::string& name, const std::string& who) { return admin.revoke(name, who); }
  Result<std::vector<std::string>> add_keys(const std::string& user, const KeySource& s, const std::string& who) {
    return admin.add_keys(user, s, who);
  }
  Status remove_key(const std::string& user, const std::string& fp, const std::string& who) {
    return admin.remove_key(user, fp, who);
  }
  int reconcile() { return ij::reconcile(world).problems(); }
  std::vector<bus::Finding> doctor() { return ij::doctor(world); }
  nlohmann::json list() const { return list_view(world.state); }
  Result<nlohmann::json> show(const std::string& name) const {
    auto d = show_view(world.state, name);
    if (!d) return d.error();
    return nlohmann::json(*d);
  }
  Result<std::string> switch_config(const std::string& vendor, const std::vector<std::string>& names) const {
    return ij::switch_config(world.config, world.state, vendor, names);
  }
  const State& state() const { return world.state; }

  Jumphost world;
  Admin admin;
};

}  // namespace ij::testing
