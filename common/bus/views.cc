#include "common/bus/views.h"

#include <cstdio>
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

std::string power_summary(const PowerView& v) {
  if (!v.ok) return v.bmc + ": " + v.error;
  if (v.action == "status") return v.bmc + ": " + v.power;
  if (v.waited) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.0f", v.seconds);
    return v.bmc + ": " + v.power + " (after " + secs + " s)";
  }
  return v.bmc + ": ok" + (v.error.empty() ? "" : " (" + v.error + ")");
}

}  // namespace ij::bus

namespace ij {

void to_json(nlohmann::json& j, const SensorReading& v) {
  j = nlohmann::json{{"id", v.id},     {"name", v.name},   {"type", v.type},  {"value", nullptr},
                     {"unit", v.unit}, {"event", v.event}, {"state", v.state}};
  if (v.value) j["value"] = *v.value;
}

void from_json(const nlohmann::json& j, SensorReading& v) {
  j.at("id").get_to(v.id);
  j.at("name").get_to(v.name);
  j.at("type").get_to(v.type);
  const nlohmann::json& value = j.at("value");
  if (value.is_null()) v.value.reset();
  else v.value = value.get<double>();
  j.at("unit").get_to(v.unit);
  j.at("event").get_to(v.event);
  j.at("state").get_to(v.state);
}

}  // namespace ij
