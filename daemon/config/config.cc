#include "daemon/config/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <functional>
#include <map>

#include "common/base/strings.h"
#include "common/model/names.h"
#include "common/sys/fs.h"
#include "daemon/render/switch_config.h"


namespace ij {
namespace {

using Setter = std::function<Status(Config&, const std::string&)>;

Error bad(const std::string& what) { return make_error(Errc::invalid_argument, what); }

Setter absolute_path(std::string Config::*field) {
  return [field](Config& c, const std::string& v) -> Status {
    if (v.empty() || v[0] != '/') return bad("'" + quote_for_message(v) + "' is not an absolute path");
    if (v.find('\n') != std::string::npos || v.find(' ') != std::string::npos)
      return bad("a path with spaces is not supported");
    c.*field = v;
    return ok_status();
  };
}

Setter group_name(std::string Config::*field) {
  return [field](Config& c, const std::string& v) -> Status {
    IJ_TRY(validate_user_name(v));
    c.*field = v;
    return ok_status();
  };
}

const std::map<std::string, Setter>& setters() {
  static const std::map<std::string, Setter> table = {
      {"trunk",
       [](Config& c, const std::string& v) -> Status {
         IJ_TRY(validate_ifname(v));
         IJ_TRY(vlan_link_name(v, kMaxVlan));  // the longest link name must fit
         c.trunk = v;
         return ok_status();
       }},
      {"trunks",
       [](Config& c, const std::string& v) -> Status {
         std::vector<std::string> names;
         std::string spaced = v;
         std::replace(spaced.begin(), spaced.end(), ',', ' ');
         for (const std::string& field : split_ws(spaced)) {
           IJ_TRY(validate_ifname(field));
           IJ_TRY(vlan_link_name(field, kMaxVlan));
           if (std::find(names.begin(), names.end(), field) != names.end())
             return bad("'" + quote_for_message(field) + "' is named twice");
           names.push_back(field);
         }
         if (names.empty()) return bad("no interface named");
         c.trunks = names;
         return ok_status();
       }},
      {"vlan_scope",
       [](Config& c, const std::string& v) -> Status {
         if (v != "jumphost" && v != "trunk") return bad("'" + quote_for_message(v) + "' is not jumphost or trunk");
         c.vlan_per_trunk = v == "trunk";
         return ok_status();
       }},
      {"address_pool",
       [](Config& c, const std::string& v) -> Status {
         auto cidr = parse_ipv4_cidr(v);
         if (!cidr) return cidr.error();
         if (cidr->address != cidr->network()) return bad("'" + v + "' is not a network address (host bits set)");
         if (std::string special = special_range_of(*cidr); !special.empty())
           return bad(cidr->str() + " overlaps " + special + ", which no BMC subnet may");
         c.address_pool = *cidr;
         return ok_status();
       }},
      {"pool_prefix",
       [](Config& c, const std::string& v) -> Status {
         unsigned long p = 0;
         if (!parse_uint(v, 16, 30, &p)) return bad("'" + quote_for_message(v) + "' is not a prefix length in 16-30");
         c.pool_prefix = static_cast<unsigned>(p);
         return ok_status();
       }},
      {"trunk_untagged",
       [](Config& c, const std::string& v) -> Status {
         if (v != "drop" && v != "allow") return bad("'" + quote_for_message(v) + "' is not drop or allow");
         c.trunk_untagged_allowed = v == "allow";
         return ok_status();
       }},
      {"default_ports",
       [](Config& c, const std::string& v) -> Status {
         auto ports = parse_ports(v);
         if (!ports) return ports.error();
         c.default_ports = *ports;
         return ok_status();
       }},
      {"state_dir", absolute_path(&Config::state_dir)},
      {"hosts_file", absolute_path(&Config::hosts_file)},
      {"keys_dir", absolute_path(&Config::keys_dir)},
      {"sshd_config", absolute_path(&Config::sshd_config)},
      {"sshd_dropin_dir", absolute_path(&Config::sshd_dropin_dir)},
      {"sshd_binary", absolute_path(&Config::sshd_binary)},
      {"sshd_pid_file", absolute_path(&Config::sshd_pid_file)},
      // Obsolete since the table is applied through libnftables: accepted
      // (an upgrade must not stop the daemon), warned about at start.
      {"nft_binary", absolute_path(&Config::nft_binary)},
      {"wrapper", absolute_path(&Config::wrapper)},
      {"tenant_home", absolute_path(&Config::tenant_home)},
      {"runtime_dir", absolute_path(&Config::runtime_dir)},
      {"tenant_group", group_name(&Config::tenant_group)},
      {"admin_group", group_name(&Config::admin_group)},
      {"public_host",
       [](Config& c, const std::string& v) -> Status {
         for (char ch : v)
           if (!(isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == ':'))
             return bad("'" + quote_for_message(v) + "' is not a host name or address");
         c.public_host = v;
         return ok_status();
       }},
      {"switch_vendor",
       [](Config& c, const std::string& v) -> Status {
         // Kept as the name: make_switch_plan parses it, or jumpctl's --vendor, again.
         IJ_TRY(parse_switch_vendor(v));
         c.switch_vendor = v;
         return ok_status();
       }},
      {"switch_trunk_port",
       [](Config& c, const std::string& v) -> Status {
         IJ_TRY(validate_switch_port(v));
         c.switch_trunk_port = v;
         return ok_status();
       }},
      {"switch_quarantine_vlan",
       [](Config& c, const std::string& v) -> Status {
         unsigned long vid = 0;
         if (!parse_uint(v, 0, 4094, &vid)) return bad("'" + quote_for_message(v) + "' is not 0 or a VLAN ID in 1-4094");
         c.switch_quarantine_vlan = static_cast<unsigned>(vid);
         return ok_status();
       }},
      {"switch_bridge",
       [](Config& c, const std::string& v) -> Status {
         IJ_TRY(validate_ifname(v));
         c.switch_bridge = v;
         return ok_status();
       }},
      {"console_log",
       [](Config& c, const std::string& v) -> Status {
         auto m = parse_console_log_mode(v);
         if (!m) return m.error();
         c.console_log = *m;
         return ok_status();
       }},
      {"console_log_dir", absolute_path(&Config::console_log_dir)},
      {"sdr_cache_dir", absolute_path(&Config::sdr_cache_dir)},
      {"console_replay",
       [](Config& c, const std::string& v) -> Status {
         unsigned long n = 0;
         if (!parse_uint(v, 0, 1 << 20, &n)) return bad("'" + quote_for_message(v) + "' is not a byte count in 0-1048576");
         c.console_replay = n;
         return ok_status();
       }},
      {"console_log_max",
       [](Config& c, const std::string& v) -> Status {
         unsigned long n = 0;
         if (!parse_uint(v, 65536, 1ul << 30, &n))
           return bad("'" + quote_for_message(v) + "' is not a byte count in 65536-1073741824");
         c.console_log_max = n;
         return ok_status();
       }},
      {"public_port",
       [](Config& c, const std::string& v) -> Status {
         unsigned long p = 0;
         if (!parse_uint(v, 1, 65535, &p)) return bad("'" + quote_for_message(v) + "' is not a port in 1-65535");
         c.public_port = static_cast<unsigned>(p);
         return ok_status();
       }},
  };
  return table;
}

}  // namespace

Config default_config() {
  Config c;
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) c.public_host = host;
  return c;
}

Result<Config> parse_config(std::string_view source, std::string_view text) {
  Config c = default_config();
  std::vector<std::string> lines = split(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string where = std::string(source) + ":" + std::to_string(i + 1);
    std::string_view line = trim(lines[i]);
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return bad(where + ": expected 'key = value'");
    std::string key(trim(line.substr(0, eq)));
    std::string value(trim(line.substr(eq + 1)));
    // switch_vendor.TRUNK and switch_trunk_port.TRUNK: that trunk's switch.
    if (size_t dot = key.find('.'); dot != std::string::npos) {
      const std::string base = key.substr(0, dot), trunk = key.substr(dot + 1);
      if (base != "switch_vendor" && base != "switch_trunk_port")
        return bad(where + ": unknown key '" + quote_for_message(key) + "'");
      if (Status t = validate_ifname(trunk); !t) return t.error().with_context(where + ": " + base + ".TRUNK");
      Config scratch;
      Status s = setters().at(base)(scratch, value);
      if (!s) return s.error().with_context(where + ": " + key);
      if (base == "switch_vendor") c.switch_vendors[trunk] = scratch.switch_vendor;
      else c.switch_trunk_ports[trunk] = scratch.switch_trunk_port;
      c.origins[key] = where;
      continue;
    }
    auto it = setters().find(key);
    if (it == setters().end()) return bad(where + ": unknown key '" + quote_for_message(key) + "'");
    Status s = it->second(c, value);
    if (!s) return s.error().with_context(where + ": " + key);
    c.origins[key] = where;
  }
  // trunk and trunks agree: trunks alone makes its first the default trunk;
  // trunk alone is the one trunk; both: trunk must be among trunks.
  if (!c.origins.count("trunks")) {
    c.trunks = {c.trunk};
  } else if (!c.origins.count("trunk")) {
    c.trunk = c.trunks.front();
  } else if (!c.has_trunk(c.trunk)) {
    return bad(c.origins["trunk"] + ": trunk " + c.trunk + " is not among trunks (" + join(c.trunks, " ") + ", " +
               c.origins["trunks"] + ")");
  }
  for (const auto* per : {&c.switch_vendors, &c.switch_trunk_ports})
    for (const auto& [trunk, value] : *per)
      if (!c.has_trunk(trunk))
        return bad(c.origins[(per == &c.switch_vendors ? "switch_vendor." : "switch_trunk_port.") + trunk] + ": " +
                   trunk + " is not a trunk (trunks = " + join(c.trunks, " ") + ")");
  return c;
}

bool Config::has_trunk(const std::string& name) const {
  return std::find(trunks.begin(), trunks.end(), name) != trunks.end();
}

std::string Config::vendor_for(const std::string& t) const {
  auto it = switch_vendors.find(t);
  return it == switch_vendors.end() ? switch_vendor : it->second;
}

std::string Config::switch_port_for(const std::string& t) const {
  auto it = switch_trunk_ports.find(t);
  return it == switch_trunk_ports.end() ? switch_trunk_port : it->second;
}

Result<Config> load_config(const std::string& path, bool must_exist) {
  auto text = read_file(path);
  if (!text) return text.error();
  if (!text->has_value()) {
    if (must_exist) return make_error(Errc::not_found, path + ": no such file");
    return default_config();
  }
  return parse_config(path, **text);
}

std::string wrapper_beside(const std::string& daemon_path) {
  std::string dir = daemon_path.substr(0, daemon_path.rfind('/'));
  std::string prefix = dir.substr(0, dir.rfind('/'));
  return prefix + "/bin/ipmi-wrapper";
}


}  // namespace ij
