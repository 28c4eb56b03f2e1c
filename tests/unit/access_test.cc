#include "daemon/core/access.h"

#include <gtest/gtest.h>

#include "common/bus/names.h"

namespace ij {
namespace {

TEST(Access, ManagerIsForAdminsOnly) {
  Caller alice{1000, "alice"};
  for (const char* m : {"Enroll", "Revoke", "List", "Show", "AddKeys", "RemoveKey", "ClientConfig"}) {
    SCOPED_TRACE(m);
    EXPECT_TRUE(authorize(bus::kManagerInterface, m, alice, CallerFacts{true, false}).ok());
    Status s = authorize(bus::kManagerInterface, m, alice, CallerFacts{false, true});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, Errc::access_denied);
    EXPECT_EQ(s.error().message,
              std::string("alice may not call ") + m + ": only root and members of group jumphost-admin may");
  }
}

TEST(Access, UnknownMethodsAreDenied) {
  EXPECT_FALSE(required_role(bus::kManagerInterface, "DropTables").has_value());
  EXPECT_EQ(authorize(bus::kManagerInterface, "DropTables", Caller{0, "root"}, CallerFacts{true, true}).error().code,
            Errc::access_denied);
  EXPECT_FALSE(authorize("org.example.Other", "Enroll", Caller{0, "root"}, CallerFacts{true, true}).ok());
}

}  // namespace
}  // namespace ij
