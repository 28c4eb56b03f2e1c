// What a tenant may see and reach: only the BMCs they own.
#include "common/base/strings.h"
#include "common/model/names.h"
#include "daemon/core/jumphost.h"

namespace ij {

Result<BmcTarget> Jumphost::target_for(const std::string& tenant, const std::string& bmc,
                                       const std::string& password) const {
  const Enrollment* e = state_.find(bmc);
  // The same answer whether the BMC does not exist or is someone else's:
  // a tenant learns nothing about other tenants' BMCs.
  if (!e || e->owner != tenant)
    return make_error(Errc::not_found, "you have no BMC named " + quote_for_message(bmc));
  BmcTarget t;
  t.name = e->name;
  t.host = e->bmc_address.address.str();
  t.user = e->bmc_user;
  t.password = e->bmc_password.empty() ? password : e->bmc_password;
  t.settings = e->ipmi;
  if (t.password.size() > 20) return make_error(Errc::invalid_argument, "the BMC password is longer than 20 bytes");
  return t;
}

Result<std::string> Jumphost::default_bmc_of(const std::string& tenant) const {
  auto owned = state_.owned_by(tenant);
  if (owned.size() == 1) return owned[0]->name;
  if (owned.empty()) return make_error(Errc::not_found, "you have no BMC");
  std::vector<std::string> names;
  for (const Enrollment* e : owned) names.push_back(e->name);
  return make_error(Errc::invalid_argument, "you have several BMCs, name one: " + join(names, " "));
}

nlohmann::json Jumphost::tenant_bmcs(const std::string& tenant) const {
  nlohmann::json bmcs = nlohmann::json::array();
  for (const Enrollment* e : state_.owned_by(tenant))
    bmcs.push_back({{"name", e->name},
                   {"host_name", bmc_host_name(e->name)},
                   {"ports", e->ports},
                   {"password_stored", !e->bmc_password.empty()},
                   {"has_user", !e->bmc_user.empty()}});
  return {{"user", tenant},
          {"jumphost", config_.public_host.empty() ? "JUMPHOST" : config_.public_host},
          {"port", config_.public_port},
          {"bmcs", bmcs}};
}

}  // namespace ij
