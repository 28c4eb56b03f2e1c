#include "daemon/host/firewall_real.h"

#include "common/base/strings.h"
#include "daemon/render/firewall.h"
#include "common/sys/exec.h"
#include "common/sys/fs.h"

namespace ij {
namespace {

std::string last_line(const std::string& output) {
  std::vector<std::string> lines = split_lines(output);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it)
    if (!trim(*it).empty()) return std::string(trim(*it));
  return "no output";
}

}  // namespace

Result<std::optional<std::string>> RealFirewall::listing() {
  auto r = run_program({config_.nft_binary, "-s", "list", "table", kFirewallFamily, kFirewallTable});
  if (!r) return r.error();
  if (r->exit_code != 0) return std::optional<std::string>{};
  return std::optional<std::string>(r->output);
}

Status RealFirewall::apply(const std::string& script) {
  IJ_TRY(ensure_dir(config_.runtime_dir, 0700));
  IJ_TRY(write_file_atomic(script_path(), script, 0600));
  // nft -f applies a file as one transaction: when any part of it fails,
  // nothing of it is applied, so no separate check (nft -c) is needed.
  auto run = run_program({config_.nft_binary, "-f", script_path()});
  if (!run) return run.error();
  if (run->exit_code != 0)
    return make_error(Errc::failed, "nft rejects the firewall: " + last_line(run->output) +
                                        " (is nftables installed and the kernel's nf_tables available?)");
  auto now = listing();
  if (!now) return now.error();
  if (!now->has_value()) return make_error(Errc::failed, "the firewall table is missing right after nft -f");
  return write_file_atomic(listing_path(), **now, 0600);
}

Result<bool> RealFirewall::matches(const std::string& script) {
  auto applied = read_file(script_path());
  if (!applied) return applied.error();
  auto expected = read_file(listing_path());
  if (!expected) return expected.error();
  if (!applied->has_value() || **applied != script || !expected->has_value()) return false;
  auto now = listing();
  if (!now) return now.error();
  return now->has_value() && **now == **expected;
}

Status RealFirewall::remove() {
  IJ_TRY(ensure_dir(config_.runtime_dir, 0700));
  // Declaring the table first makes the deletion succeed whether or not it
  // is there, in one transaction.
  const std::string table = std::string(kFirewallFamily) + " " + kFirewallTable;
  IJ_TRY(write_file_atomic(script_path(), "table " + table + "\ndelete table " + table + "\n", 0600));
  auto run = run_program({config_.nft_binary, "-f", script_path()});
  if (!run) return run.error();
  if (run->exit_code != 0) return make_error(Errc::failed, "nft cannot delete the table: " + last_line(run->output));
  (void)remove_file(listing_path());
  return ok_status();
}

}  // namespace ij
