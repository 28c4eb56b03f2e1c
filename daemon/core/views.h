// What the operator reads: the enrollments, one with its tenant, the
// tenant's client configuration and the switch's. Pure functions of the
// configuration and the state; never a BMC password.
#pragma once

#include <string>
#include <vector>

#include "common/bus/views.h"
#include "daemon/config/config.h"
#include "daemon/model/enrollment.h"

namespace ij {

// `console_log`: the configuration's, for enrollments that set none.
bus::EnrollmentView enrollment_view(const Enrollment& e, ConsoleLogMode console_log = ConsoleLogMode::always);
std::vector<bus::EnrollmentView> list_view(const State& state, ConsoleLogMode console_log = ConsoleLogMode::always);
Result<bus::EnrollmentDetail> show_view(const State& state, const std::string& name,
                                        ConsoleLogMode console_log = ConsoleLogMode::always);
Result<std::string> client_config(const Config& config, const State& state, const std::string& name);
// The switch's configuration for `names` (all when empty) in `vendor`'s
// dialect (the configured one when empty).
Result<std::string> switch_config(const Config& config, const State& state, const std::string& vendor,
                                  const std::vector<std::string>& names);

}  // namespace ij
