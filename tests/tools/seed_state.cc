// ij-seed-state PATH < LINES: writes the daemon's state file for a test, built
// from the model and written by the daemon's own serializer, so tests hold no
// copy of its schema. The result is parsed back with the daemon's parser and
// must come out the same; the file is replaced atomically, mode 0600.
//
// LINES, one record each; blank lines and lines starting with '#' are skipped:
//   bmc NAME VLAN OWNER BMC_CIDR [KEY=VALUE...]
//   tenant USER [KEY_LINE]
// A bmc line's keys (values have no spaces; an empty value is allowed):
//   bmc_user=  bmc_password=  switch_port=     empty unless given
//   ports=22,80,443,5900                       that list unless given
//   workarounds=a,b  cipher_suite=3            FreeIPMI -W names; none / 3 unless given
//   trunk=eth1                                 the link is TRUNK.VLAN
//   jumphost=CIDR                              checked against the one derived from BMC_CIDR
//   enrolled_at=2026-01-01T00:00:00Z  enrolled_by=root
// The IPMI privilege stays the model's default (admin).
// A tenant line's KEY_LINE is the rest of the line, one OpenSSH public key as
// in a .pub file; repeat the line for more keys. Every owner must be a tenant.
// Errors read "stdin:LINE: what" and the exit status is 1.
#include <cstdio>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <string>

#include "common/base/strings.h"
#include "common/model/names.h"
#include "common/sys/fs.h"
#include "daemon/state/state_json.h"

namespace ij {
namespace {

Error bad(const std::string& what) { return make_error(Errc::invalid_argument, what); }

Result<unsigned> number(std::string_view text, unsigned long max, const char* what) {
  unsigned long n = 0;
  if (!parse_uint(text, 0, max, &n)) return bad(std::string(what) + " '" + quote_for_message(text) + "' is not a number");
  return static_cast<unsigned>(n);
}

Status add_bmc(State& state, const std::vector<std::string>& w) {
  if (w.size() < 5) return bad("expected: bmc NAME VLAN OWNER BMC_CIDR [KEY=VALUE...]");
  Enrollment e;
  e.name = w[1];
  IJ_TRY(validate_bmc_name(e.name));
  auto vlan = number(w[2], 99999, "VLAN");  // out of range: validate_vlan says why
  if (!vlan) return vlan.error();
  IJ_TRY(validate_vlan(*vlan));
  e.vlan = *vlan;
  e.owner = w[3];
  IJ_TRY(validate_user_name(e.owner));
  auto bmc = parse_ipv4_cidr(w[4]);
  if (!bmc) return bmc.error();
  e.bmc_address = *bmc;
  auto jh = jumphost_address_for(e.bmc_address);
  if (!jh) return jh.error();
  e.jumphost_address = *jh;

  std::map<std::string, std::string> kv = {{"ports", "22,80,443,5900"},
                                           {"trunk", "eth1"},
                                           {"enrolled_at", "2026-01-01T00:00:00Z"},
                                           {"enrolled_by", "root"}};
  std::set<std::string> given;
  for (size_t i = 5; i < w.size(); ++i) {
    size_t eq = w[i].find('=');
    if (eq == std::string::npos) return bad("'" + quote_for_message(w[i]) + "' is not KEY=VALUE");
    std::string key = w[i].substr(0, eq);
    if (!given.insert(key).second) return bad("key '" + key + "' is given twice");
    kv[key] = w[i].substr(eq + 1);
  }
  for (const auto& [key, value] : kv) {
    if (key == "bmc_user") e.bmc_user = value;
    else if (key == "bmc_password") e.bmc_password = Secret(std::string(value));
    else if (key == "switch_port") e.switch_port = value;
    else if (key == "enrolled_at") e.enrolled_at = value;
    else if (key == "enrolled_by") e.enrolled_by = value;
    else if (key == "ports") {
      auto ports = parse_ports(value);
      if (!ports) return ports.error();
      e.ports = *ports;
    } else if (key == "workarounds") {
      auto names = parse_workarounds(value);
      if (!names) return names.error();
      e.ipmi.workarounds = *names;
    } else if (key == "cipher_suite") {
      auto id = number(value, 255, "cipher suite");
      if (!id) return id.error();
      IJ_TRY(validate_cipher_suite(*id));
      e.ipmi.cipher_suite = *id;
    } else if (key == "trunk") {
      auto link = vlan_link_name(value, e.vlan);
      if (!link) return link.error();
      e.link = *link;
    } else if (key == "jumphost") {
      auto given_jh = parse_ipv4_cidr(value);
      if (!given_jh) return given_jh.error();
      if (!(*given_jh == e.jumphost_address))
        return bad("jumphost " + value + " is not the one for " + w[4] + " (" + e.jumphost_address.str() + ")");
    } else {
      return bad("unknown key '" + quote_for_message(key) + "'");
    }
  }
  if (!state.enrollments.emplace(e.name, e).second) return bad("bmc '" + e.name + "' appears twice");
  return ok_status();
}

Status add_tenant(State& state, std::string_view line) {
  // "tenant USER [KEY_LINE]": the key line keeps its own spaces.
  std::string_view rest = trim(line).substr(std::string_view("tenant").size());
  rest = trim(rest);
  std::string user(rest.substr(0, rest.find_first_of(" \t")));
  IJ_TRY(validate_user_name(user));
  std::string_view key_line = trim(rest.substr(user.size()));
  Tenant& t = state.tenants[user];
  t.user = user;
  if (key_line.empty()) return ok_status();
  auto key = parse_ssh_key(key_line);
  if (!key) return key.error();
  t.keys.push_back(*key);
  return ok_status();
}

Result<State> parse_lines(std::string_view text) {
  State state;
  std::vector<std::string> lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    std::vector<std::string> w = split_ws(lines[i]);
    if (w.empty() || w[0][0] == '#') continue;
    Status s = w[0] == "bmc"      ? add_bmc(state, w)
               : w[0] == "tenant" ? add_tenant(state, lines[i])
                                  : Status(bad("expected a 'bmc' or a 'tenant' line"));
    if (!s) return s.error().with_context("stdin:" + std::to_string(i + 1));
  }
  return state;
}

int fail(const Error& e) {
  std::fprintf(stderr, "ij-seed-state: %s\n", e.message.c_str());
  return 1;
}

}  // namespace
}  // namespace ij

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: ij-seed-state PATH < LINES (see tests/tools/seed_state.cc)\n");
    return 2;
  }
  const std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  auto state = ij::parse_lines(input);
  if (!state) return ij::fail(state.error());
  // What the daemon will read must be what was meant: parse it back with the
  // daemon's own parser and serialize again.
  const std::string text = ij::serialize_state(*state);
  auto back = ij::parse_state("the seeded state", text);
  if (!back) return ij::fail(back.error());
  if (ij::serialize_state(*back) != text) return ij::fail({ij::Errc::failed, "the seeded state does not survive a round trip"});
  ij::Status written = ij::write_file_atomic(argv[1], text, 0600);
  if (!written) return ij::fail(written.error());
  return 0;
}
