// Fuzzes the merge of our block into an operator's /etc/hosts: the
// operator's lines outside the markers must come out unchanged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "daemon/render/hosts.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view hosts(reinterpret_cast<const char*>(data), size);
  auto removed = ij::merge_hosts_block("fuzz", hosts, "");
  if (!removed) return 0;
  // Merging a block in and taking it out again gives the same text back.
  const std::string block = std::string(ij::kHostsBegin) + "\n10.0.0.2\tx-ipmi\n" + std::string(ij::kHostsEnd) + "\n";
  auto added = ij::merge_hosts_block("fuzz", *removed, block);
  if (!added) __builtin_trap();
  auto again = ij::merge_hosts_block("fuzz", *added, "");
  if (!again || *again != *removed) __builtin_trap();
  return 0;
}
