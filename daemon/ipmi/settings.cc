#include "daemon/ipmi/settings.h"

#include <freeipmi/api/ipmi-api.h>
#include <ipmi_monitoring.h>
#include <ipmiconsole.h>

#include <cctype>
#include <set>

#include "common/base/strings.h"

namespace ij {
namespace {

struct Workaround {
  const char* name;
  unsigned freeipmi;     // for ipmi_ctx_open_outofband_2_0, 0 if it has no meaning there
  unsigned ipmiconsole;  // for libipmiconsole
  // For libipmimonitoring's IPMI 2.0 sessions: its own constants. They
  // have libfreeipmi's values in 1.6, but the library maps them itself
  // (ipmi_monitoring_ipmi_communication.c) and refuses a bit it does not
  // know, so one set is not passed for the other.
  unsigned ipmimonitoring = 0;
};

// ipmiconsole(8) and ipmipower(8), "-W": the names FreeIPMI's tools accept.
constexpr Workaround kWorkarounds[] = {
    {"authcap", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_AUTHENTICATION_CAPABILITIES,
     IPMICONSOLE_WORKAROUND_AUTHENTICATION_CAPABILITIES,
     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_AUTHENTICATION_CAPABILITIES},
    {"intel20", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_INTEL_2_0_SESSION, IPMICONSOLE_WORKAROUND_INTEL_2_0_SESSION,
     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_INTEL_2_0_SESSION},
    {"supermicro20", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_SUPERMICRO_2_0_SESSION,
     IPMICONSOLE_WORKAROUND_SUPERMICRO_2_0_SESSION,
     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_SUPERMICRO_2_0_SESSION},
    {"sun20", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_SUN_2_0_SESSION, IPMICONSOLE_WORKAROUND_SUN_2_0_SESSION,
     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_SUN_2_0_SESSION},
    {"opensesspriv", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE,
     IPMICONSOLE_WORKAROUND_OPEN_SESSION_PRIVILEGE,
     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_OPEN_SESSION_PRIVILEGE},
    {"integritycheckvalue", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_NON_EMPTY_INTEGRITY_CHECK_VALUE,
     IPMICONSOLE_WORKAROUND_NON_EMPTY_INTEGRITY_CHECK_VALUE,
     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_NON_EMPTY_INTEGRITY_CHECK_VALUE},
    {"nochecksumcheck", IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_NO_CHECKSUM_CHECK, IPMICONSOLE_WORKAROUND_NO_CHECKSUM_CHECK,
     IPMI_MONITORING_WORKAROUND_FLAGS_PROTOCOL_VERSION_2_0_NO_CHECKSUM_CHECK},
    {"serialalertsdeferred", 0, IPMICONSOLE_WORKAROUND_SERIAL_ALERTS_DEFERRED},
    {"solpacketseq", 0, IPMICONSOLE_WORKAROUND_INCREMENT_SOL_PACKET_SEQUENCE},
    {"solpayloadsize", 0, IPMICONSOLE_WORKAROUND_IGNORE_SOL_PAYLOAD_SIZE},
    {"solport", 0, IPMICONSOLE_WORKAROUND_IGNORE_SOL_PORT},
    {"solstatus", 0, IPMICONSOLE_WORKAROUND_SKIP_SOL_ACTIVATION_STATUS},
    {"solchannelsupport", 0, IPMICONSOLE_WORKAROUND_SKIP_CHANNEL_PAYLOAD_SUPPORT},
};

const Workaround* find_workaround(std::string_view name) {
  for (const Workaround& w : kWorkarounds)
    if (name == w.name) return &w;
  return nullptr;
}

Error invalid(std::string m) { return make_error(Errc::invalid_argument, std::move(m)); }

}  // namespace

struct PrivilegeName {
  IpmiPrivilege privilege;
  const char* name;
};
constexpr PrivilegeName kPrivileges[] = {
    {IpmiPrivilege::user, "user"}, {IpmiPrivilege::operator_, "operator"}, {IpmiPrivilege::admin, "admin"}};

const char* privilege_name(IpmiPrivilege p) {
  for (const PrivilegeName& n : kPrivileges)
    if (n.privilege == p) return n.name;
  return "?";
}

Result<IpmiPrivilege> parse_privilege(std::string_view word) {
  for (const PrivilegeName& n : kPrivileges)
    if (word == n.name) return n.privilege;
  return invalid("IPMI privilege '" + quote_for_message(word) + "' is not one of user, operator, admin");
}

Status validate_cipher_suite(long id) {
  // IPMI 2.0 table 22-20; FreeIPMI supports 0-3, 6-8, 11, 12 and 17.
  // Suite 0 authenticates nothing: anyone on the BMC's VLAN could act as
  // the jumphost (the CVE-2013-4786 family of BMC advisories).
  if (id == 0) return invalid("cipher suite 0 has no authentication at all and is refused: use 3 or 17");
  for (long ok : {1, 2, 3, 6, 7, 8, 11, 12, 17})
    if (id == ok) return ok_status();
  return invalid("cipher suite " + std::to_string(id) + " is not one FreeIPMI supports (1-3, 6-8, 11, 12, 17)");
}

const char* cipher_suite_weakness(unsigned id) {
  switch (id) {
    case 1: return "authenticates but neither protects integrity nor encrypts";
    case 2: return "does not encrypt";
    case 6: case 7: case 8: return "authenticates with HMAC-MD5";
    case 11: case 12: return "uses MD5 for integrity";
    default: return nullptr;  // 3 (SHA1, AES-128) and 17 (SHA256, AES-128) are the recommended ones
  }
}

Status validate_workarounds(const std::vector<std::string>& names) {
  std::set<std::string> seen;
  for (const std::string& name : names) {
    if (!find_workaround(name)) {
      std::vector<std::string> known;
      for (const Workaround& w : kWorkarounds) known.push_back(w.name);
      return invalid("unknown IPMI workaround '" + quote_for_message(name) + "' (known: " + join(known, ",") + ")");
    }
    if (!seen.insert(name).second) return invalid("IPMI workaround '" + name + "' is listed twice");
  }
  return ok_status();
}

Result<std::vector<std::string>> parse_workarounds(std::string_view text) {
  std::vector<std::string> out;
  if (trim(text).empty()) return out;
  for (const std::string& raw : split(text, ',')) out.emplace_back(trim(raw));
  IJ_TRY(validate_workarounds(out));
  return out;
}

Status validate_ipmi_settings(const IpmiSettings& s) {
  IJ_TRY(validate_cipher_suite(s.cipher_suite));
  return validate_workarounds(s.workarounds);
}

unsigned freeipmi_workaround_flags(const std::vector<std::string>& names) {
  unsigned flags = 0;
  for (const std::string& n : names)
    if (const Workaround* w = find_workaround(n)) flags |= w->freeipmi;
  return flags;
}

unsigned ipmiconsole_workaround_flags(const std::vector<std::string>& names) {
  unsigned flags = 0;
  for (const std::string& n : names)
    if (const Workaround* w = find_workaround(n)) flags |= w->ipmiconsole;
  return flags;
}

unsigned ipmimonitoring_workaround_flags(const std::vector<std::string>& names) {
  unsigned flags = 0;
  for (const std::string& n : names)
    if (const Workaround* w = find_workaround(n)) flags |= w->ipmimonitoring;
  return flags;
}

ConsoleLibraryDefaults read_libipmiconsole_conf(std::string_view text) {
  // FreeIPMI's conffile syntax (common/miscutil/conffile.c): "KEY VALUE...",
  // words split on any white space, '#' to the end of the line, a '\' at
  // the end of a line joins the next, '"' quotes (and goes), and \\, \#, \"
  // stand for the character. Where unsure, this reads more as set than the
  // library would (a '#' inside quotes is not taken for a comment): a flag
  // seen that is not set costs the consoles, one missed costs a crash.
  ConsoleLibraryDefaults d;
  std::vector<std::string> words;
  std::string word;
  bool in_word = false, quoted = false, comment = false;
  auto lower = [](std::string w) {
    for (char& ch : w) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return w;
  };
  auto end_word = [&] {
    if (in_word) words.push_back(std::move(word));
    word.clear();
    in_word = false;
  };
  auto end_line = [&] {
    end_word();
    quoted = comment = false;
    if (words.empty()) return;
    const std::string key = lower(words[0]);
    d.keys.push_back(key);
    if (key == "libipmiconsole-context-engine-flags")
      for (size_t i = 1; i < words.size(); ++i) d.lock_memory |= lower(words[i]) == "lockmemory";
    words.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch == '\n') {
      end_line();
      continue;
    }
    if (comment) continue;
    if (ch == '\\' && i + 1 < text.size()) {
      const char next = text[i + 1];
      const bool crlf = next == '\r' && i + 2 < text.size() && text[i + 2] == '\n';
      if (next == '\n' || crlf) {  // the line goes on
        end_word();
        i += crlf ? 2 : 1;
        continue;
      }
      if (next == '\\' || next == '#' || next == '"') {
        word += next;
        in_word = true;
        ++i;
        continue;
      }
    }
    if (ch == '"') {
      quoted = !quoted;
      in_word = true;
      continue;
    }
    if (ch == '#' && !quoted) {
      end_word();
      comment = true;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(ch)) && !quoted) {
      end_word();
      continue;
    }
    word += ch;
    in_word = true;
  }
  end_line();
  return d;
}

}  // namespace ij
