#include "common/bus/views.h"

#include <nlohmann/json.hpp>

#include "common/base/strings.h"

namespace ij::bus {

void to_json(nlohmann::json& j, const EnrollmentDetail& v) {
  to_json(j, v.enrollment);
  j["tenant"] = v.tenant;
  j["owner_bmcs"] = v.owner_bmcs;
}

void from_json(const nlohmann::json& j, EnrollmentDetail& v) {
  from_json(j, v.enrollment);
  j.at("tenant").get_to(v.tenant);
  j.at("owner_bmcs").get_to(v.owner_bmcs);
}

Result<std::string> choose_bmc(const std::vector<std::string>& owned, const std::string& requested) {
  if (!requested.empty()) {
    for (const std::string& name : owned)
      if (name == requested) return name;
    return make_error(Errc::not_found, "you have no BMC named " + quote_for_message(requested));
  }
  if (owned.size() == 1) return owned[0];
  if (owned.empty()) return make_error(Errc::not_found, "you have no BMC");
  return make_error(Errc::invalid_argument, "you have several BMCs, name one: " + join(owned, " "));
}

std::vector<std::string> names_of(const TenantBmcs& mine) {
  std::vector<std::string> out;
  for (const TenantBmc& b : mine.bmcs) out.push_back(b.name);
  return out;
}

}  // namespace ij::bus
