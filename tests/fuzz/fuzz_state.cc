// Fuzzes the state file parser: an edited or corrupted state must never
// become a hosts line, a keys line or a firewall rule that breaks out of its
// place.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string_view>

#include "daemon/config/config.h"
#include "daemon/render/firewall.h"
#include "daemon/render/hosts.h"
#include "daemon/render/sshd.h"
#include "daemon/state/state_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto state = ij::parse_state("fuzz", std::string_view(reinterpret_cast<const char*>(data), size));
  if (!state) return 0;
  if (ij::parse_state("again", ij::serialize_state(*state)).ok() == false) __builtin_trap();
  ij::Config config;
  config.wrapper = "/usr/bin/ipmi-wrapper";
  std::string block = ij::render_hosts_block(*state);
  size_t lines = 0;
  for (char c : block) lines += c == '\n';
  if (!block.empty() && lines != state->enrollments.size() + 2) __builtin_trap();
  std::map<std::string, uid_t> uids;
  for (const auto& [user, tenant] : state->tenants) {
    uids[user] = static_cast<uid_t>(1000 + uids.size());
    std::string keys = ij::render_authorized_keys(*state, tenant, config.wrapper);
    size_t key_lines = 0;
    for (char c : keys) key_lines += c == '\n';
    if (key_lines != tenant.keys.size() + 1) __builtin_trap();
  }
  // A set's elements are one line whatever the state holds: the script is
  // the empty one plus at most one line for each of the four sets the state
  // fills (BMC links, BMC addresses, tenant uids, tenant ports).
  auto count_lines = [](const std::string& s) {
    size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
  };
  size_t empty = count_lines(ij::render_firewall(ij::firewall_spec(ij::State{}, {}, {"eth1"})));
  size_t lines_now = count_lines(ij::render_firewall(ij::firewall_spec(*state, uids, {"eth1"})));
  if (lines_now < empty || lines_now > empty + 4) __builtin_trap();
  return 0;
}
