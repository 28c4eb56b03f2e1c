// The difference between the desired host (desired.h) and the observed one,
// as a list of checks. The doctor prints every check; the reconcile repairs
// every failed check that says how (Repair), and reports the others. Both
// call find_drift(), so what the doctor reports is exactly what the
// reconcile repairs (tests/unit/drift_test.cc plants each kind).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/core/desired.h"
#include "daemon/host/host.h"

namespace ij {

enum class Repair {
  none,            // the operator must act (the fix says how)
  add_user,        // recreate the tenant's Unix user
  apply_firewall,  // replace the table with the desired script
  create_link,     // the VLAN link, hardened, addressed, up
  configure_link,  // an existing link: hardening, address, up
  harden_trunk,    // the trunk's per-link settings
  write_file,      // the desired content (sshd files checked first)
  remove_file,     // a file that must not be there
};

struct Check {
  bool ok = false;
  std::string what;     // a line for the operator
  std::string fix;      // what to do, when not ok
  Repair repair = Repair::none;
  std::string subject;  // the user, link or path the repair acts on
  // For write_file: the content to write, and the file's desired entry.
  std::string content;
  std::optional<DesiredFile> file;
  std::optional<DesiredLink> link;
};

// The wrapper is what sshd runs for every tenant, as them: a regular,
// executable file that only root can change (owned by root, not writable by
// group or others, in a directory the same holds for). The error says which.
Status check_wrapper(Files& files, const std::string& path);

// The trunks with an address of the host now (an input of the desired host).
AddressedTrunks trunks_with_address(const Config& config, Host& host);

// Reads the host (never changes it) and compares. `desired` must have been
// derived with the uids the host has now.
std::vector<Check> find_drift(const Config& config, const DesiredHost& desired, Host& host);
// Its part for the files: the desired files, then the strays in the
// daemon's directories (the teardown takes the files away with it).
std::vector<Check> find_file_drift(const DesiredHost& desired, Host& host);

// Carries out one failed check's repair.
Status repair(const Config& config, const Check& check, const DesiredHost& desired, Host& host);
// "recreated", "removed", ...: what a repair did, for the log.
const char* repair_done(Repair r);

}  // namespace ij
