#include "daemon/core/access.h"

#include <gtest/gtest.h>

#include "common/bus/contract.h"

namespace ij {
namespace {

TEST(Access, ManagerIsForAdminsOnly) {
  for (const char* m : {"Enroll", "Revoke", "List", "Show", "AddKeys", "RemoveKey", "ClientConfig", "Doctor",
                        "SwitchConfig", "Console", "Consoles", "ConsoleLog"}) {
    SCOPED_TRACE(m);
    auto role = bus::required_role(bus::kManagerInterface, m);
    ASSERT_EQ(role, bus::Role::admin);
    EXPECT_TRUE(authorize(*role, m, "alice", CallerFacts{true, false}).ok());
    Status s = authorize(*role, m, "alice", CallerFacts{false, true, "jumphost-admin"});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Errc::access_denied);
    EXPECT_EQ(s.error().message,
              std::string("alice may not call ") + m + ": only root and members of group jumphost-admin may");
    // The configuration's admin_group, whatever it is called.
    EXPECT_EQ(authorize(*role, m, "alice", CallerFacts{false, false, "noc"}).error().message,
              std::string("alice may not call ") + m + ": only root and members of group noc may");
  }
}

TEST(Access, TenantIsForTenantsOnly) {
  for (const char* m : {"ListMine", "Power", "Console", "ConsoleLog"}) {
    SCOPED_TRACE(m);
    auto role = bus::required_role(bus::kTenantInterface, m);
    ASSERT_EQ(role, bus::Role::tenant);
    EXPECT_TRUE(authorize(*role, m, "alice", CallerFacts{false, true}).ok());
    // Being an operator makes nobody a tenant.
    EXPECT_EQ(authorize(*role, m, "root", CallerFacts{true, false}).error().message,
              "root is not a tenant of this jumphost");
  }
}

TEST(Access, MethodsOutsideTheContractHaveNoRole) {
  EXPECT_FALSE(bus::required_role(bus::kManagerInterface, "DropTables").has_value());
  EXPECT_FALSE(bus::required_role("org.example.Other", "Enroll").has_value());
  // A method of one interface is not one of the other.
  EXPECT_FALSE(bus::required_role(bus::kTenantInterface, "Enroll").has_value());
}

}  // namespace
}  // namespace ij
