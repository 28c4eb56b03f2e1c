// Fuzzes the state file parser: an edited or corrupted state must never
// become a hosts line or an sshd drop-in that breaks out of its place.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/config/config.h"
#include "common/render/hosts.h"
#include "common/render/sshd.h"
#include "common/state/state_json.h"

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
  for (const auto& [user, tenant] : state->tenants) {
    std::string dropin = ij::render_sshd_dropin(config, *state, user);
    size_t matches = 0;
    for (size_t at = 0; (at = dropin.find("Match ", at)) != std::string::npos; ++at) ++matches;
    if (matches != 1) __builtin_trap();
    std::string keys = ij::render_authorized_keys(*state, tenant, config.wrapper);
    size_t key_lines = 0;
    for (char c : keys) key_lines += c == '\n';
    if (key_lines != tenant.keys.size() + 1) __builtin_trap();
  }
  return 0;
}
