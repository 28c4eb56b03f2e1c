// Fuzzes the tenant's command grammar (what arrives in SSH_ORIGINAL_COMMAND).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cli/wrapper/args.h"
#include "common/model/names.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto c = ij::wrapper::parse_tenant_command(text);
  if (!c) return 0;
  // Whatever is accepted is made only of the grammar's own characters and
  // names a valid BMC, if any.
  for (char ch : text)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == ' ' || ch == '\t'))
      __builtin_trap();
  if (!c->bmc.empty() && !ij::validate_bmc_name(c->bmc)) __builtin_trap();
  // Values stay in their ranges; boot options only come with a device.
  if (c->identify.seconds > ij::kMaxIdentifySeconds || (c->identify.forever && c->identify.seconds)) __builtin_trap();
  if (c->lines < 1 || c->lines > ij::console::kMaxLogLines) __builtin_trap();
  if (c->wait && c->verb != ij::wrapper::TenantCommand::Verb::power) __builtin_trap();
  return 0;
}
