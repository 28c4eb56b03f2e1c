#include "daemon/core/intent.h"

#include "common/base/log.h"
#include "common/base/strings.h"
#include "common/model/names.h"

namespace ij {

std::string intent_path(const Config& config) { return config.state_dir + "/intent"; }

std::string serialize_intent(const Intent& intent) {
  std::string out = "# ipmi-jumphostd: a change in progress; read at start if it was interrupted\n";
  out += "operation " + intent.operation + "\n";
  out += "bmc " + intent.bmc + "\n";
  for (const std::string& l : intent.links) out += "link " + l + "\n";
  for (const std::string& u : intent.users) out += "user " + u + "\n";
  return out;
}

Result<Intent> parse_intent(const std::string& text) {
  Intent intent;
  std::vector<std::string> lines = split_lines(text);
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](const std::string& why) {
      return make_error(Errc::failed, "line " + std::to_string(i + 1) + ": " + why);
    };
    const size_t sp = line.find(' ');
    if (sp == std::string::npos) return bad("expected 'KEY VALUE'");
    const std::string key = line.substr(0, sp), value = line.substr(sp + 1);
    if (key == "operation") {
      if (value != "enroll" && value != "set" && value != "revoke") return bad("unknown operation");
      intent.operation = value;
    } else if (key == "bmc") {
      IJ_TRY(validate_bmc_name(value));
      intent.bmc = value;
    } else if (key == "link") {
      IJ_TRY(validate_ifname(value));
      intent.links.push_back(value);
    } else if (key == "user") {
      IJ_TRY(validate_user_name(value));
      intent.users.push_back(value);
    } else {
      return bad("unknown key '" + quote_for_message(key) + "'");
    }
  }
  if (intent.operation.empty() || intent.bmc.empty()) return make_error(Errc::failed, "no operation or no BMC");
  return intent;
}

Status write_intent(Files& files, const Config& config, const Intent& intent) {
  Status s = files.write(intent_path(config), serialize_intent(intent), 0600, "");
  if (!s) return s.error().with_context("cannot record the change before making it");
  return s;
}

void clear_intent(Files& files, const Config& config) {
  if (Status s = files.remove(intent_path(config)); !s)
    log::error("cannot remove " + intent_path(config) + ": " + s.error().message +
               " (the next start would check the change it names again: harmless)");
}

Result<std::optional<std::string>> recover_interrupted(const Config& config, const State& state, Host& host) {
  const std::string path = intent_path(config);
  auto text = host.files.read(path);
  if (!text) return text.error();
  if (!text->has_value()) return std::optional<std::string>{};
  auto intent = parse_intent(**text);
  if (!intent)
    return make_error(Errc::failed, path + ": " + intent.error().message +
                                        ": the record of an interrupted change does not parse; check the host with "
                                        "jumpctl doctor, then remove the file");
  const std::string what = intent->operation + " " + intent->bmc;
  log::warning("the daemon stopped during " + what + " (" + path + "); the start puts the host in line with the state",
               {intent->operation, intent->bmc, "", "", "interrupted"});
  std::set<std::string> links;
  for (const auto& [name, e] : state.enrollments) links.insert(e.link);
  for (const std::string& link : intent->links) {
    if (links.count(link)) continue;
    auto info = host.links.inspect(link);
    if (!info) return info.error();
    if (!info->has_value()) continue;
    IJ_TRY(host.links.remove(link));
    log::warning("interrupted " + what + ": removed VLAN link " + link + ", which the state does not name",
                 {intent->operation, intent->bmc, "", "", "repaired"});
  }
  for (const std::string& user : intent->users) {
    if (state.tenants.count(user)) continue;
    auto uid = host.users.lookup(user);
    if (!uid) return uid.error();
    if (!uid->has_value()) continue;
    // Only a user the daemon made: a tenant-group member.
    auto ours = host.users.in_group(user, config.tenant_group);
    if (!ours) return ours.error();
    if (!*ours) {
      log::warning("interrupted " + what + ": user " + user + " exists but is not in group " + config.tenant_group +
                       ": left as it is",
                   {intent->operation, intent->bmc, user, "", ""});
      continue;
    }
    IJ_TRY(host.users.remove(user));
    log::warning("interrupted " + what + ": removed user " + user + ", whom the state does not name",
                 {intent->operation, intent->bmc, user, "", "repaired"});
  }
  std::optional<std::string> finish;
  if (intent->operation == "revoke" && state.find(intent->bmc)) finish = intent->bmc;
  clear_intent(host.files, config);
  return finish;
}

}  // namespace ij
