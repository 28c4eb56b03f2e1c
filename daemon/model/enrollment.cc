#include "daemon/model/enrollment.h"

namespace ij {

const Enrollment* State::find(const std::string& name) const {
  auto it = enrollments.find(name);
  return it == enrollments.end() ? nullptr : &it->second;
}

std::vector<const Enrollment*> State::owned_by(const std::string& user) const {
  std::vector<const Enrollment*> out;
  for (const auto& [name, e] : enrollments)
    if (e.owner == user) out.push_back(&e);
  return out;
}

std::set<std::string> State::tenant_names() const {
  std::set<std::string> out;
  for (const auto& [user, t] : tenants) out.insert(user);
  return out;
}

}  // namespace ij
