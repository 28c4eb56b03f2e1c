#include "daemon/state/state_json.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/base/strings.h"
#include "common/model/names.h"
#include "daemon/model/fields.h"

namespace ij {
namespace {

using nlohmann::json;

json enrollment_json(const Enrollment& e) {
  json j = {{"name", e.name},
            {"vlan", e.vlan},
            {"owner", e.owner},
            {"link", e.link},
            {"bmc_address", e.bmc_address.str()},
            {"jumphost_address", e.jumphost_address.str()},
            {"ports", e.ports},
            {"bmc_user", e.bmc_user},
            {"switch_port", e.switch_port},
            {"ipmi", {{"privilege", privilege_name(e.ipmi.privilege)},
                      {"cipher_suite", e.ipmi.cipher_suite},
                      {"workarounds", e.ipmi.workarounds}}},
            {"enrolled_at", e.enrolled_at},
            {"enrolled_by", e.enrolled_by}};
  j["bmc_password"] = e.bmc_password.reveal();
  if (e.console_log) j["console_log"] = console_log_mode_name(*e.console_log);
  return j;
}

Error bad(const std::string& m) { return make_error(Errc::invalid_argument, m); }

template <class T>
Result<T> field(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return make_error(Errc::invalid_argument, std::string("missing field '") + key + "'");
  try {
    return it->get<T>();
  } catch (const json::exception&) {
    return make_error(Errc::invalid_argument, std::string("field '") + key + "' has the wrong type");
  }
}

#define IJ_FIELD(var, type, obj, key)      \
  auto var##_r = field<type>(obj, key);    \
  if (!var##_r) return var##_r.error();    \
  type var = std::move(*var##_r)

Result<Enrollment> parse_enrollment(const json& j) {
  if (!j.is_object()) return make_error(Errc::invalid_argument, "an enrollment is not an object");
  Enrollment e;
  IJ_FIELD(name, std::string, j, "name");
  IJ_FIELD(vlan, long, j, "vlan");
  IJ_FIELD(owner, std::string, j, "owner");
  IJ_FIELD(link, std::string, j, "link");
  IJ_FIELD(bmc, std::string, j, "bmc_address");
  IJ_FIELD(jh, std::string, j, "jumphost_address");
  IJ_FIELD(ports, std::vector<unsigned>, j, "ports");
  IJ_FIELD(bmc_user, std::string, j, "bmc_user");
  IJ_FIELD(bmc_password, std::string, j, "bmc_password");
  IJ_FIELD(switch_port, std::string, j, "switch_port");
  IJ_FIELD(enrolled_at, std::string, j, "enrolled_at");
  IJ_FIELD(enrolled_by, std::string, j, "enrolled_by");
  IJ_TRY(validate_vlan(vlan));  // before it is narrowed to the model's type
  auto bmc_cidr = parse_ipv4_cidr(bmc);
  if (!bmc_cidr) return bmc_cidr.error();
  auto jh_cidr = parse_ipv4_cidr(jh);
  if (!jh_cidr) return jh_cidr.error();
  e.name = name;
  e.vlan = static_cast<unsigned>(vlan);
  e.owner = owner;
  e.link = link;
  e.bmc_address = *bmc_cidr;
  e.jumphost_address = *jh_cidr;
  e.ports = ports;
  e.bmc_user = bmc_user;
  e.bmc_password = Secret(std::move(bmc_password));
  wipe(*bmc_password_r);  // moved from, but a short password's bytes stay in its inline buffer
  e.switch_port = switch_port;
  e.enrolled_at = enrolled_at;
  e.enrolled_by = enrolled_by;
  if (auto ipmi = j.find("ipmi"); ipmi != j.end()) {  // absent in files written before it existed
    if (!ipmi->is_object()) return bad("field 'ipmi' is not an object");
    IJ_FIELD(privilege, std::string, *ipmi, "privilege");
    IJ_FIELD(cipher_suite, unsigned, *ipmi, "cipher_suite");
    IJ_FIELD(workarounds, std::vector<std::string>, *ipmi, "workarounds");
    auto p = parse_privilege(privilege);
    if (!p) return p.error();
    e.ipmi = IpmiSettings{*p, cipher_suite, workarounds};
  }
  if (auto mode = j.find("console_log"); mode != j.end()) {  // absent: the configuration's
    if (!mode->is_string()) return bad("field 'console_log' is not a string");
    auto m = parse_console_log_mode(mode->get<std::string>());
    if (!m) return m.error();
    e.console_log = *m;
  }
  // The same checks as an enroll's, field by field.
  IJ_TRY(validate_enrollment(e));
  return e;
}

Result<Tenant> parse_tenant(const json& j) {
  if (!j.is_object()) return make_error(Errc::invalid_argument, "a tenant is not an object");
  IJ_FIELD(user, std::string, j, "user");
  IJ_FIELD(keys, std::vector<std::string>, j, "keys");
  IJ_TRY(validate_user_name(user));
  Tenant t{user, {}};
  for (const std::string& line : keys) {
    auto key = parse_ssh_key(line);
    if (!key) return key.error().with_context("tenant '" + user + "'");
    t.keys.push_back(std::move(*key));
  }
  return t;
}

Result<ReleasedPort> parse_released(const json& j) {
  if (!j.is_object()) return bad("a released port is not an object");
  IJ_FIELD(port, std::string, j, "port");
  IJ_FIELD(vlan, long, j, "vlan");
  IJ_FIELD(bmc, std::string, j, "bmc");
  IJ_FIELD(revoked_at, std::string, j, "revoked_at");
  IJ_TRY(validate_switch_port(port));
  IJ_TRY(validate_vlan(vlan));
  IJ_TRY(validate_bmc_name(bmc));
  IJ_TRY(validate_text("revoked_at", revoked_at, 32, false));
  std::string trunk;  // written since several trunks; optional
  if (j.contains("trunk")) {
    if (!j["trunk"].is_string()) return bad("'trunk' is not a string");
    trunk = j["trunk"].get<std::string>();
    IJ_TRY(validate_ifname(trunk));
  }
  return ReleasedPort{port, static_cast<unsigned>(vlan), bmc, revoked_at, trunk};
}

}  // namespace

namespace {

// The state as nlohmann's DOM, dumped: the reference the writer below must
// equal byte for byte, and what runs when a string is not UTF-8 (nlohmann
// then throws, as it always did).
std::string serialize_state_dom(const State& state) {
  json enrollments = json::array();
  for (const auto& [name, e] : state.enrollments) enrollments.push_back(enrollment_json(e));
  json tenants = json::array();
  for (const auto& [user, t] : state.tenants) {
    json keys = json::array();
    for (const SshKey& k : t.keys) keys.push_back(k.line());
    tenants.push_back({{"user", user}, {"keys", keys}});
  }
  json released = json::array();
  for (const auto& [port, r] : state.released_ports) {
    json one = {{"port", r.port}, {"vlan", r.vlan}, {"bmc", r.bmc}, {"revoked_at", r.revoked_at}};
    if (!r.trunk.empty()) one["trunk"] = r.trunk;
    released.push_back(std::move(one));
  }
  json j = {{"version", kStateVersion}, {"enrollments", enrollments}, {"tenants", tenants}, {"released_ports", released}};
  return j.dump(2) + "\n";
}

// Whether TEXT is well-formed UTF-8 (no overlong forms, surrogates or code
// points past U+10FFFF): what nlohmann's dump accepts.
bool valid_utf8(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp, min;
    if ((b & 0xE0) == 0xC0) len = 2, cp = b & 0x1F, min = 0x80;
    else if ((b & 0xF0) == 0xE0) len = 3, cp = b & 0x0F, min = 0x800;
    else if ((b & 0xF8) == 0xF0) len = 4, cp = b & 0x07, min = 0x10000;
    else return false;
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// Writes the state as nlohmann's dump(2) would, without building the DOM:
// at 4,094 BMCs the DOM took about 0.6 s of every change under QEMU's TCG
// (40 ms on this machine's own CPU), the writer a tenth of it. Keys are
// written in the DOM's (sorted) order; state_test compares the two.
class StateWriter {
 public:
  explicit StateWriter(std::string& out) : out_(out) {}
  bool ok() const { return ok_; }

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k) {
    item();
    quoted(k);
    out_ += ": ";
    after_key_ = true;
  }
  void string(std::string_view v) {
    item();
    quoted(v);
  }
  void number(long long v) {
    item();
    out_ += std::to_string(v);
  }
  void field(std::string_view k, std::string_view v) {
    key(k);
    string(v);
  }
  void number_field(std::string_view k, long long v) {
    key(k);
    number(v);
  }
  void strings(const std::vector<std::string>& list) {
    begin_array();
    for (const std::string& s : list) string(s);
    end_array();
  }

 private:
  // Before a value or a key: a comma after an earlier item, then the line
  // and indentation (a value right after its key stays on the key's line).
  void item() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
      out_ += '\n';
      out_.append(2 * first_.size(), ' ');
    }
  }
  void open(char c) {
    item();
    out_ += c;
    first_.push_back(true);
  }
  void close(char c) {
    const bool empty = first_.back();
    first_.pop_back();
    if (!empty) {
      out_ += '\n';
      out_.append(2 * first_.size(), ' ');
    }
    out_ += c;
  }
  void quoted(std::string_view v) {
    if (!valid_utf8(v)) ok_ = false;
    out_ += '"';
    for (char ch : v) {
      const auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c <= 0x1F) {
            char u[8];
            std::snprintf(u, sizeof u, "\\u%04x", c);
            out_ += u;
          } else {
            out_ += ch;
          }
      }
    }
    out_ += '"';
  }

  std::string& out_;
  std::vector<bool> first_;  // per open object or array: nothing in it yet
  bool after_key_ = false;
  bool ok_ = true;
};

void write_enrollment(StateWriter& w, const Enrollment& e) {
  w.begin_object();
  w.field("bmc_address", e.bmc_address.str());
  w.field("bmc_password", e.bmc_password.reveal());
  w.field("bmc_user", e.bmc_user);
  if (e.console_log) w.field("console_log", console_log_mode_name(*e.console_log));
  w.field("enrolled_at", e.enrolled_at);
  w.field("enrolled_by", e.enrolled_by);
  w.key("ipmi");
  w.begin_object();
  w.number_field("cipher_suite", e.ipmi.cipher_suite);
  w.field("privilege", privilege_name(e.ipmi.privilege));
  w.key("workarounds");
  w.strings(e.ipmi.workarounds);
  w.end_object();
  w.field("jumphost_address", e.jumphost_address.str());
  w.field("link", e.link);
  w.field("name", e.name);
  w.field("owner", e.owner);
  w.key("ports");
  w.begin_array();
  for (unsigned p : e.ports) w.number(p);
  w.end_array();
  w.field("switch_port", e.switch_port);
  w.number_field("vlan", e.vlan);
  w.end_object();
}

}  // namespace

std::string serialize_state_reference(const State& state) { return serialize_state_dom(state); }

std::string serialize_state(const State& state) {
  std::string out;
  out.reserve(1024 + 900 * state.enrollments.size());
  StateWriter w(out);
  w.begin_object();
  w.key("enrollments");
  w.begin_array();
  for (const auto& [name, e] : state.enrollments) write_enrollment(w, e);
  w.end_array();
  w.key("released_ports");
  w.begin_array();
  for (const auto& [port, r] : state.released_ports) {
    w.begin_object();
    w.field("bmc", r.bmc);
    w.field("port", r.port);
    w.field("revoked_at", r.revoked_at);
    if (!r.trunk.empty()) w.field("trunk", r.trunk);
    w.number_field("vlan", r.vlan);
    w.end_object();
  }
  w.end_array();
  w.key("tenants");
  w.begin_array();
  for (const auto& [user, t] : state.tenants) {
    w.begin_object();
    w.key("keys");
    w.begin_array();
    for (const SshKey& k : t.keys) w.string(k.line());
    w.end_array();
    w.field("user", user);
    w.end_object();
  }
  w.end_array();
  w.number_field("version", kStateVersion);
  w.end_object();
  out += '\n';
  if (!w.ok()) return serialize_state_dom(state);
  return out;
}

Result<State> parse_state(std::string_view source, std::string_view text) {
  const std::string where(source);
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    return make_error(Errc::invalid_argument, where + ": byte " + std::to_string(e.byte) + ": not valid JSON");
  }
  if (!j.is_object()) return make_error(Errc::invalid_argument, where + ": not a JSON object");
  auto version = field<int>(j, "version");
  if (!version) return version.error().with_context(where);
  if (*version != kStateVersion)
    return make_error(Errc::invalid_argument, where + ": state version " + std::to_string(*version) +
                                                  " is not supported (this daemon reads version 1)");
  State state;
  auto enrollments = field<std::vector<json>>(j, "enrollments");
  if (!enrollments) return enrollments.error().with_context(where);
  for (size_t i = 0; i < enrollments->size(); ++i) {
    auto e = parse_enrollment((*enrollments)[i]);
    if (!e) return e.error().with_context(where + ": enrollments[" + std::to_string(i) + "]");
    if (!state.enrollments.emplace(e->name, *e).second)
      return make_error(Errc::invalid_argument, where + ": enrollment '" + e->name + "' appears twice");
  }
  auto tenants = field<std::vector<json>>(j, "tenants");
  if (!tenants) return tenants.error().with_context(where);
  for (size_t i = 0; i < tenants->size(); ++i) {
    auto t = parse_tenant((*tenants)[i]);
    if (!t) return t.error().with_context(where + ": tenants[" + std::to_string(i) + "]");
    if (!state.tenants.emplace(t->user, *t).second)
      return make_error(Errc::invalid_argument, where + ": tenant '" + t->user + "' appears twice");
  }
  if (auto released = j.find("released_ports"); released != j.end()) {  // absent in older files
    auto list = field<std::vector<json>>(j, "released_ports");
    if (!list) return list.error().with_context(where);
    for (size_t i = 0; i < list->size(); ++i) {
      auto r = parse_released((*list)[i]);
      if (!r) return r.error().with_context(where + ": released_ports[" + std::to_string(i) + "]");
      state.released_ports[r->port] = *r;
    }
  }
  // A VLAN ID is unique per trunk: two enrollments with one link name.
  std::map<std::string, std::string> links;
  for (const auto& [name, e] : state.enrollments) {
    auto [it, fresh] = links.emplace(e.link, name);
    if (!fresh)
      return make_error(Errc::invalid_argument, where + ": enrollments '" + it->second + "' and '" + name +
                                                    "' both use VLAN " + std::to_string(e.vlan) + " on " + e.trunk());
  }
  for (const auto& [name, e] : state.enrollments)
    if (!state.tenants.count(e.owner))
      return make_error(Errc::invalid_argument, where + ": enrollment '" + name + "' has owner '" + e.owner +
                                                    "' who is not a tenant");
  // A tenant's forwards are limited by the permitopen= of its BMCs' ports;
  // with no BMC there would be no limit at all (sshd allows every target
  // when a key has none), so a tenant always owns a BMC.
  for (const auto& [user, t] : state.tenants)
    if (state.owned_by(user).empty())
      return make_error(Errc::invalid_argument, where + ": tenant '" + user + "' owns no BMC (a revoke removes a "
                                                    "tenant with their last BMC): remove the entry or restore the state");
  return state;
}

Status check_state_for(std::string_view source, const Config& config, const State& state) {
  const std::string where(source);
  // One VLAN ID space for all trunks unless each has its own switch.
  if (!config.vlan_per_trunk) {
    std::map<unsigned, std::string> vlans;
    for (const auto& [name, e] : state.enrollments)
      if (auto [it, fresh] = vlans.emplace(e.vlan, name); !fresh)
        return bad(where + ": enrollments '" + it->second + "' and '" + name + "' both use VLAN " +
                   std::to_string(e.vlan) + ", on " + state.enrollments.at(it->second).trunk() + " and " + e.trunk() +
                   ", and vlan_scope = jumphost (the trunks share one switch's VLANs): set vlan_scope = trunk if each "
                   "trunk goes to a switch of its own");
  }
  // Each subnet as [first, last], sorted: neighbours are all that may overlap.
  std::vector<std::tuple<uint64_t, uint64_t, std::string>> subnets;
  for (const auto& [name, e] : state.enrollments) {
    const std::string trunk = e.trunk();
    if (trunk.empty() || e.link != trunk + "." + std::to_string(e.vlan))
      return bad(where + ": enrollment '" + name + "' has link '" + e.link + "', not TRUNK." + std::to_string(e.vlan) +
                 " (the trunk and its VLAN): restore the state");
    if (!config.has_trunk(trunk)) {
      const std::string which = config.trunks.size() == 1 ? "'trunk' (" + config.trunk + ")"
                                                          : "'trunks' (" + join(config.trunks, " ") + ")";
      return bad(where + ": enrollment '" + name + "' has link '" + e.link + "' on trunk " + trunk +
                 ", which is not in " + which + ": restore the state, or set 'trunk' as it was");
    }
    auto link = vlan_link_name(trunk, e.vlan);
    if (!link) return link.error().with_context(where + ": enrollment '" + name + "'");
    if (e.link != *link)
      return bad(where + ": enrollment '" + name + "' has link '" + e.link + "', not " + *link +
                 " (the trunk and its VLAN): restore the state, or set 'trunk' as it was");
    const Ipv4Cidr subnet{e.bmc_address.network(), e.bmc_address.prefix};
    if (std::string special = special_range_of(subnet); !special.empty())
      return bad(where + ": enrollment '" + name + "': BMC subnet " + subnet.str() + " overlaps " + special);
    subnets.emplace_back(subnet.network().value, subnet.broadcast().value, name);
  }
  std::sort(subnets.begin(), subnets.end());
  uint64_t reach = 0;
  std::string reach_name;
  for (size_t i = 0; i < subnets.size(); ++i) {
    const auto& [first, last, name] = subnets[i];
    if (i > 0 && first <= reach)
      return bad(where + ": enrollments '" + std::min(reach_name, name) + "' and '" + std::max(reach_name, name) +
                 "' have overlapping subnets");
    if (i == 0 || last > reach) {
      reach = last;
      reach_name = name;
    }
  }
  return ok_status();
}

}  // namespace ij
