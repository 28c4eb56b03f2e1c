#include "daemon/ipmi/freeipmi_monitoring.h"

#include <ipmi_monitoring.h>

#include <dirent.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <functional>

#include "common/base/log.h"
#include "common/base/strings.h"
#include "common/sys/fs.h"
#include "daemon/ipmi/freeipmi_session.h"

namespace ij {
namespace {

// The cache directory is root's alone: the SDR tells what hardware a
// tenant's server has.
constexpr mode_t kSdrCacheDirMode = 0700;
// One directory per BMC name (a validated name: letters, digits and '-'),
// holding the library's file for its address (%H: the library insists on
// it), removed when the BMC is revoked or changes hands (forget): a new BMC
// that gets the same name, or the same address, never reads the records of
// the one before, even where both SDRs carry the same timestamps
// (identical models).
constexpr const char* kSdrCacheFileFormat = "sdr-cache-%H";

// A BMC answers with as many records as it likes: past these, the rest are
// not kept (a tenant's terminal, and the daemon's memory, are not its to fill).
constexpr size_t kMaxRecords = 4096;
// Names and words from the BMC: at most this long, printable ASCII only.
constexpr size_t kMaxTextLength = 64;

// IPMI timestamps up to 20000000h count seconds since the BMC started, not
// a date (IPMI 2.0 section 37.1); FFFFFFFFh is "unspecified".
constexpr uint32_t kPostInitTimestampMax = 0x20000000;
constexpr uint32_t kUnspecifiedTimestamp = 0xffffffff;

// Readings and records are interpreted with the library's built-in tables
// (the ones ipmi-sensors and ipmi-sel use); no flag asks for more.
constexpr unsigned kSensorReadingFlags = 0;
constexpr unsigned kSelFlags = 0;

std::once_flag g_init_once;
int g_init_errnum = IPMI_MONITORING_ERR_SUCCESS;

class MonitoringCtx {
 public:
  MonitoringCtx() : ctx_(ipmi_monitoring_ctx_create()) {}
  ~MonitoringCtx() {
    if (ctx_) ipmi_monitoring_ctx_destroy(ctx_);
  }
  MonitoringCtx(const MonitoringCtx&) = delete;
  MonitoringCtx& operator=(const MonitoringCtx&) = delete;
  ipmi_monitoring_ctx_t get() const { return ctx_; }

 private:
  ipmi_monitoring_ctx_t ctx_;
};

int monitoring_privilege(IpmiPrivilege p) {
  switch (p) {
    case IpmiPrivilege::user: return IPMI_MONITORING_PRIVILEGE_LEVEL_USER;
    case IpmiPrivilege::operator_: return IPMI_MONITORING_PRIVILEGE_LEVEL_OPERATOR;
    case IpmiPrivilege::admin: break;
  }
  return IPMI_MONITORING_PRIVILEGE_LEVEL_ADMIN;
}

// The session's settings, as libfreeipmi's sessions get them; the library
// copies the strings into its own IPMI context.
class Config {
 public:
  explicit Config(const BmcTarget& t) : user_(t.user), password_(t.password.str()) {
    c_.driver_type = -1;  // in-band only
    c_.protocol_version = IPMI_MONITORING_PROTOCOL_VERSION_2_0;
    c_.username = user_.empty() ? nullptr : user_.data();
    c_.password = password_.empty() ? nullptr : password_.data();
    c_.privilege_level = monitoring_privilege(t.settings.privilege);
    c_.authentication_type = -1;  // IPMI 1.5 only
    c_.cipher_suite_id = static_cast<int>(t.settings.cipher_suite);
    c_.session_timeout_len = static_cast<int>(ipmi_ms(kIpmiSessionTimeout));
    c_.retransmission_timeout_len = static_cast<int>(ipmi_ms(kIpmiRetransmissionTimeout));
    c_.workaround_flags = ipmimonitoring_workaround_flags(t.settings.workarounds);
  }
  ~Config() { wipe(password_); }
  Config(const Config&) = delete;
  Config& operator=(const Config&) = delete;
  ipmi_monitoring_ipmi_config* get() { return &c_; }

 private:
  std::string user_, password_;
  ipmi_monitoring_ipmi_config c_{};
};

// libipmimonitoring's failures in the words of every other operation.
Error monitoring_error(const BmcTarget& t, ipmi_monitoring_ctx_t ctx, const std::string& what,
                       const std::string& cache_dir) {
  const int e = ipmi_monitoring_ctx_errnum(ctx);
  switch (e) {
    case IPMI_MONITORING_ERR_CONNECTION_TIMEOUT:
    case IPMI_MONITORING_ERR_SESSION_TIMEOUT: return session_error(t, IPMI_ERR_SESSION_TIMEOUT, "");
    case IPMI_MONITORING_ERR_USERNAME_INVALID:
    case IPMI_MONITORING_ERR_PASSWORD_INVALID: return session_error(t, IPMI_ERR_PASSWORD_INVALID, "");
    case IPMI_MONITORING_ERR_PRIVILEGE_LEVEL_INSUFFICIENT:
    case IPMI_MONITORING_ERR_PRIVILEGEL_LEVEL_CANNOT_BE_OBTAINED:
      return session_error(t, IPMI_ERR_PRIVILEGE_LEVEL_INSUFFICIENT, "");
    case IPMI_MONITORING_ERR_SDR_CACHE_PERMISSION:
    case IPMI_MONITORING_ERR_SDR_CACHE_FILESYSTEM:
      return make_error(Errc::failed, bmc_who(t) + ": cannot keep its SDR cache in " + cache_dir + ": " +
                                          ipmi_monitoring_ctx_strerror(e));
    default:
      return session_error(t, IPMI_ERR_IPMI_ERROR, (what + ": " + ipmi_monitoring_ctx_strerror(e)).c_str());
  }
}

const char* state_word(int state) {
  switch (state) {
    case IPMI_MONITORING_STATE_NOMINAL: return "nominal";
    case IPMI_MONITORING_STATE_WARNING: return "warning";
    case IPMI_MONITORING_STATE_CRITICAL: return "critical";
    default: return "unknown";
  }
}

// The units ipmi-sensors prints for the ones the library names.
const char* unit_word(int units) {
  switch (units) {
    case IPMI_MONITORING_SENSOR_UNITS_CELSIUS: return "C";
    case IPMI_MONITORING_SENSOR_UNITS_FAHRENHEIT: return "F";
    case IPMI_MONITORING_SENSOR_UNITS_VOLTS: return "V";
    case IPMI_MONITORING_SENSOR_UNITS_AMPS: return "A";
    case IPMI_MONITORING_SENSOR_UNITS_RPM: return "RPM";
    case IPMI_MONITORING_SENSOR_UNITS_WATTS: return "W";
    case IPMI_MONITORING_SENSOR_UNITS_PERCENT: return "%";
    default: return "";
  }
}

// The library's sensor types are the specification's (table 42-3), so
// libfreeipmi names them as ipmi-sensors and ipmi-sel do.
std::string type_word(int type) {
  if (type < 0 || type > 0xff) return "";
  const char* s = ipmi_get_sensor_type_string(static_cast<uint8_t>(type));
  return s ? s : "";
}

// Text the BMC sent (sensor names come from its SDR, which whoever had the
// machine before may have written): printable ASCII, anything else as
// \xNN, cut at kMaxTextLength. It goes to tenants' terminals and into JSON.
std::string text(const char* s) { return s ? quote_for_message(s, kMaxTextLength) : ""; }

std::string rfc3339(uint32_t timestamp) {
  if (timestamp <= kPostInitTimestampMax || timestamp == kUnspecifiedTimestamp) return "";
  // The specification counts from 1970-01-01 without a zone; read as UTC.
  const std::time_t t = timestamp;
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return "";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Called by the library for each sensor; -1 stops it (the callbacks run
// inside C code, so nothing may be thrown through them).
int on_sensor(ipmi_monitoring_ctx_t ctx, void* data) try {
  auto* out = static_cast<std::vector<SensorReading>*>(data);
  if (out->size() >= kMaxRecords) return 0;
  SensorReading r;
  r.id = static_cast<uint32_t>(ipmi_monitoring_sensor_read_record_id(ctx));
  r.name = text(ipmi_monitoring_sensor_read_sensor_name(ctx));
  r.type = type_word(ipmi_monitoring_sensor_read_sensor_type(ctx));
  r.unit = unit_word(ipmi_monitoring_sensor_read_sensor_units(ctx));
  r.state = state_word(ipmi_monitoring_sensor_read_sensor_state(ctx));
  const void* reading = ipmi_monitoring_sensor_read_sensor_reading(ctx);
  switch (ipmi_monitoring_sensor_read_sensor_reading_type(ctx)) {
    case IPMI_MONITORING_SENSOR_READING_TYPE_DOUBLE:
      if (reading) r.value = *static_cast<const double*>(reading);
      break;
    case IPMI_MONITORING_SENSOR_READING_TYPE_UNSIGNED_INTEGER32:
      if (reading) r.value = *static_cast<const uint32_t*>(reading);
      break;
    default: break;  // discrete: the events say it
  }
  if (char** words = ipmi_monitoring_sensor_read_sensor_bitmask_strings(ctx))
    for (size_t i = 0; words[i] && i < 32; ++i) r.event += (r.event.empty() ? "" : "; ") + text(words[i]);
  out->push_back(std::move(r));
  return 0;
} catch (...) {
  return -1;
}

int on_sel_record(ipmi_monitoring_ctx_t ctx, void* data) try {
  auto* out = static_cast<std::vector<SelEvent>*>(data);
  if (out->size() >= kMaxRecords) return 0;
  SelEvent e;
  e.id = static_cast<uint32_t>(ipmi_monitoring_sel_read_record_id(ctx));
  e.state = state_word(ipmi_monitoring_sel_read_sel_state(ctx));
  const int type_class = ipmi_monitoring_sel_read_record_type_class(ctx);
  unsigned timestamp = kUnspecifiedTimestamp;
  if (type_class == IPMI_MONITORING_SEL_RECORD_TYPE_CLASS_SYSTEM_EVENT_RECORD ||
      type_class == IPMI_MONITORING_SEL_RECORD_TYPE_CLASS_TIMESTAMPED_OEM_RECORD)
    ipmi_monitoring_sel_read_timestamp(ctx, &timestamp);
  e.time = rfc3339(timestamp);
  if (type_class == IPMI_MONITORING_SEL_RECORD_TYPE_CLASS_SYSTEM_EVENT_RECORD) {
    e.sensor = text(ipmi_monitoring_sel_read_sensor_name(ctx));
    e.type = type_word(ipmi_monitoring_sel_read_sensor_type(ctx));
    e.event = text(ipmi_monitoring_sel_read_event_offset_string(ctx));
  } else {
    e.event = "OEM record, type " + std::to_string(ipmi_monitoring_sel_read_record_type(ctx));
  }
  out->push_back(std::move(e));
  return 0;
} catch (...) {
  return -1;
}

// One libipmimonitoring call, through the SDR cache: the library reads
// DIR/NAME/sdr-cache-HOST and compares the SDR repository's last addition and
// erase times (Get SDR Repository Info) with the ones it stored; when they
// differ (the BMC's SDR changed: new firmware, a replaced board) or the file
// is damaged, it deletes the file and reads the whole SDR again
// (ipmi_monitoring_sdr_cache_load). A call that fails while it writes the
// file deletes it too. A context per call: calls run on several threads.
Status monitoring_call(const BmcTarget& t, const std::string& top, std::mutex& cache, const char* what,
                       const std::function<int(ipmi_monitoring_ctx_t, ipmi_monitoring_ipmi_config*)>& call) {
  if (t.name.empty() || t.name.find('/') != std::string::npos || t.name[0] == '.')
    return make_error(Errc::invalid_argument, "SDR cache: no directory for BMC name " + quote_for_message(t.name));
  const std::string dir = top + "/" + t.name;
  std::lock_guard<std::mutex> lock(cache);
  if (Status d = prepare_private_dir(dir, kSdrCacheDirMode); !d)
    return make_error(Errc::failed, "SDR cache: " + d.error().message);
  MonitoringCtx ctx;
  if (!ctx.get()) return out_of_memory();
  if (ipmi_monitoring_ctx_sdr_cache_directory(ctx.get(), dir.c_str()) < 0 ||
      ipmi_monitoring_ctx_sdr_cache_filenames(ctx.get(), kSdrCacheFileFormat) < 0)
    return monitoring_error(t, ctx.get(), "SDR cache", dir);
  Config config(t);
  if (call(ctx.get(), config.get()) < 0) return monitoring_error(t, ctx.get(), what, dir);
  return ok_status();
}

}  // namespace

Status Monitoring::init() {
  // The library keeps its flags in globals and asks that threaded programs
  // initialise it once before any other call. No flag: LOCK_MEMORY would
  // only lock the context (the password is in the libfreeipmi context it
  // makes, which it does not lock), and the DEBUG flags print to stderr.
  std::call_once(g_init_once, [] {
    if (ipmi_monitoring_init(IPMI_MONITORING_FLAGS_NONE, &g_init_errnum) < 0 &&
        g_init_errnum == IPMI_MONITORING_ERR_SUCCESS)
      g_init_errnum = IPMI_MONITORING_ERR_INTERNAL_ERROR;
  });
  if (g_init_errnum != IPMI_MONITORING_ERR_SUCCESS)
    return make_error(Errc::failed, std::string("cannot initialise libipmimonitoring: ") +
                                        ipmi_monitoring_ctx_strerror(g_init_errnum));
  return ok_status();
}

Status Monitoring::ready() {
  IJ_TRY(init());
  // Checked at every call (one lstat): a directory removed or loosened
  // since is noticed, not written through.
  if (Status d = prepare_private_dir(sdr_cache_dir_, kSdrCacheDirMode); !d)
    return make_error(Errc::failed, "SDR cache: " + d.error().message);
  return ok_status();
}

void Monitoring::forget(const std::string& bmc) {
  if (bmc.empty() || bmc.find('/') != std::string::npos || bmc[0] == '.') return;
  std::lock_guard<std::mutex> hold(cache_lock(bmc));
  const std::string dir = sdr_cache_dir_ + "/" + bmc;
  // Only what the library writes there: its cache files.
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* ent = ::readdir(d)) {
      const std::string name = ent->d_name;
      if (name.rfind("sdr-cache-", 0) != 0) continue;
      const std::string path = dir + "/" + name;
      if (::unlink(path.c_str()) < 0)
        log::warning("cannot remove " + path + " (the SDR cache of BMC " + bmc + "): " + std::strerror(errno));
    }
    ::closedir(d);
  }
  if (::rmdir(dir.c_str()) < 0 && errno != ENOENT)
    log::warning("cannot remove " + dir + " (the SDR cache of BMC " + bmc + "): " + std::strerror(errno));
}

std::mutex& Monitoring::cache_lock(const std::string& bmc) {
  std::lock_guard<std::mutex> lock(locks_mutex_);
  std::unique_ptr<std::mutex>& m = cache_locks_[bmc];
  if (!m) m = std::make_unique<std::mutex>();
  return *m;
}

Result<std::vector<SensorReading>> Monitoring::sensors(const BmcTarget& t) {
  IJ_TRY(ready());
  std::vector<SensorReading> out;
  IJ_TRY(monitoring_call(t, sdr_cache_dir_, cache_lock(t.name), "reading its sensors",
                         [&](ipmi_monitoring_ctx_t ctx, ipmi_monitoring_ipmi_config* config) {
                           return ipmi_monitoring_sensor_readings_by_record_id(
                               ctx, t.host.c_str(), config, kSensorReadingFlags, nullptr, 0, on_sensor, &out);
                         }));
  return out;
}

Result<std::vector<SelEvent>> Monitoring::sel(const BmcTarget& t) {
  IJ_TRY(ready());
  std::vector<SelEvent> out;
  IJ_TRY(monitoring_call(t, sdr_cache_dir_, cache_lock(t.name), "reading its event log",
                         [&](ipmi_monitoring_ctx_t ctx, ipmi_monitoring_ipmi_config* config) {
                           return ipmi_monitoring_sel_by_record_id(ctx, t.host.c_str(), config, kSelFlags, nullptr,
                                                                   0, on_sel_record, &out);
                         }));
  return out;
}

}  // namespace ij
