// Boot device, identify and clearing the event log: libfreeipmi commands,
// one session each (freeipmi_probe.cc has the probe).
#include <chrono>
#include <thread>

#include "daemon/ipmi/boot_flags.h"
#include "daemon/ipmi/freeipmi_ops.h"
#include "daemon/ipmi/freeipmi_session.h"

namespace ij {
namespace {

// Clear SEL may answer "erasure in progress"; asking again tells when it is
// done (IPMI 2.0 section 31.9). A SEL of a few thousand entries erases in
// well under this; a BMC that never says "completed" does not hold the
// caller's worker longer.
constexpr std::chrono::seconds kSelEraseWait{10};
constexpr std::chrono::milliseconds kSelErasePoll{200};
// A reservation is cancelled by a new event arriving in between (section
// 31.4); a new one is taken that many times.
constexpr int kSelReserveTries = 3;

bool reservation_cancelled(const Session& s, const FiidObj& rs) {
  uint64_t code = 0;
  return ipmi_ctx_errnum(s.get()) == IPMI_ERR_BAD_COMPLETION_CODE && rs.read("comp_code", &code) &&
         code == IPMI_COMP_CODE_RESERVATION_CANCELLED;
}

std::string boot_words(const BootSetting& b) {
  return std::string("the boot device ") + boot_device_name(b.device) + (b.persistent ? " (persistent)" : "");
}

}  // namespace

Status freeipmi_set_boot_device(const BmcTarget& t, const BootSetting& setting) {
  Session s;
  IJ_TRY(s.open(t));
  FiidObj rs(tmpl_cmd_set_system_boot_options_rs);
  if (!rs) return out_of_memory();
  const auto data = encode_boot_flags(setting);
  if (ipmi_cmd_set_system_boot_options(s.get(), kBootFlagsParameter, IPMI_SYSTEM_BOOT_OPTIONS_PARAMETER_VALID_UNLOCKED,
                                       data.data(), data.size(), rs.get()) < 0)
    return s.refused(t, boot_words(setting));
  // Boot info acknowledge (parameter 4): the BIOS has not handled these
  // flags yet, so it reads them at the next boot (ipmitool's bootdev and
  // ipmi-chassis do the same). Some BMCs lack the parameter; the flags are
  // set all the same.
  const uint8_t unhandled = IPMI_SYSTEM_BOOT_OPTION_BOOT_INFO_UNACKNOWLEDGE;
  if (ipmi_cmd_set_system_boot_options_boot_info_acknowledge(s.get(), IPMI_SYSTEM_BOOT_OPTIONS_PARAMETER_VALID_UNLOCKED,
                                                             &unhandled, nullptr, nullptr, nullptr, nullptr,
                                                             rs.get()) < 0 &&
      !s.was_refused())
    return s.error(t);
  return ok_status();
}

Result<BootSetting> freeipmi_boot_device(const BmcTarget& t) {
  Session s;
  IJ_TRY(s.open(t));
  FiidObj rs(tmpl_cmd_get_system_boot_options_rs);
  if (!rs) return out_of_memory();
  if (ipmi_cmd_get_system_boot_options(s.get(), kBootFlagsParameter, IPMI_SYSTEM_BOOT_OPTIONS_NO_SET_SELECTOR,
                                       IPMI_SYSTEM_BOOT_OPTIONS_NO_BLOCK_SELECTOR, rs.get()) < 0)
    return s.refused(t, "to tell its boot device");
  uint8_t data[64];
  const int n = fiid_obj_get_data(rs.get(), "configuration_parameter_data", data, sizeof data);
  if (n < 0) return make_error(Errc::failed, bmc_who(t) + " sent its boot options without the boot flags");
  Result<BootSetting> b = decode_boot_flags(std::span<const uint8_t>(data, static_cast<size_t>(n)));
  if (!b) return make_error(b.error().code, bmc_who(t) + ": " + b.error().message);
  return b;
}

Status freeipmi_identify(const BmcTarget& t, const IdentifyRequest& request) {
  if (!request.forever && request.seconds > kMaxIdentifySeconds)
    return make_error(Errc::invalid_argument, "identify lasts at most " + std::to_string(kMaxIdentifySeconds) +
                                                  " s (or until turned off)");
  Session s;
  IJ_TRY(s.open(t));
  FiidObj rs(tmpl_cmd_chassis_identify_rs);
  if (!rs) return out_of_memory();
  // As ipmi-chassis sends it: an interval alone (0 turns the light off),
  // or for "on until turned off" FFh with the force bit (IPMI 2.0 section
  // 28.5; a BMC of IPMI 1.5 knows only the interval byte).
  const uint8_t interval = request.forever ? 0xff : static_cast<uint8_t>(request.seconds);
  const uint8_t force = IPMI_CHASSIS_FORCE_IDENTIFY_ON;
  if (ipmi_cmd_chassis_identify(s.get(), &interval, request.forever ? &force : nullptr, rs.get()) < 0)
    return s.refused(t, "identify");
  return ok_status();
}

Status freeipmi_sel_clear(const BmcTarget& t) {
  Session s;
  IJ_TRY(s.open(t));
  FiidObj reserve(tmpl_cmd_reserve_sel_rs), clear(tmpl_cmd_clear_sel_rs);
  if (!reserve || !clear) return out_of_memory();
  uint64_t reservation = 0;
  for (int tries = 1;; ++tries) {
    if (ipmi_cmd_reserve_sel(s.get(), reserve.get()) < 0) return s.refused(t, "to reserve its event log");
    if (!reserve.read("reservation_id", &reservation))
      return make_error(Errc::failed, bmc_who(t) + " reserved its event log without a reservation ID");
    if (ipmi_cmd_clear_sel(s.get(), static_cast<uint16_t>(reservation), IPMI_SEL_CLEAR_OPERATION_INITIATE_ERASE,
                           clear.get()) == 0)
      break;
    if (!reservation_cancelled(s, clear) || tries == kSelReserveTries)
      return s.refused(t, "to clear its event log");
  }
  const auto deadline = std::chrono::steady_clock::now() + kSelEraseWait;
  for (;;) {
    uint64_t progress = 0;
    if (!clear.read("erasure_progress", &progress))
      return make_error(Errc::failed, bmc_who(t) + " answered Clear SEL without its progress");
    if (progress == IPMI_SEL_CLEAR_ERASE_COMPLETED) return ok_status();
    if (std::chrono::steady_clock::now() >= deadline)
      return make_error(Errc::failed, bmc_who(t) + " was still erasing its event log after " +
                                          std::to_string(kSelEraseWait.count()) + " s");
    std::this_thread::sleep_for(kSelErasePoll);
    if (ipmi_cmd_clear_sel(s.get(), static_cast<uint16_t>(reservation), IPMI_SEL_CLEAR_OPERATION_GET_ERASURE_STATUS,
                           clear.get()) < 0)
      return s.refused(t, "to tell whether its event log is erased");
  }
}

}  // namespace ij
