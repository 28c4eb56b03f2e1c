#include "daemon/host/sshd_real.h"

#include <glob.h>
#include <signal.h>

#include "common/base/log.h"
#include "common/base/strings.h"
#include "common/sys/exec.h"
#include "common/sys/fs.h"

namespace ij {
namespace {

std::string first_error_line(const std::string& output) {
  for (const std::string& line : split_lines(output)) {
    std::string_view l = trim(line);
    if (!l.empty()) return std::string(l);
  }
  return "no output";
}

}  // namespace

Status RealSshd::test_config(const std::string& main_config) {
  auto r = run_program({config_.sshd_binary, "-t", "-f", main_config});
  if (!r) return r.error();
  if (r->exit_code != 0)
    return make_error(Errc::failed, "sshd -t rejects the configuration: " + first_error_line(r->output));
  return ok_status();
}

Status RealSshd::check_candidate(const std::string& dropin) {
  // A scratch main config that reads the candidate first, then the live
  // configuration: sshd keeps the first value of each keyword, so the
  // candidate takes the place of the installed drop-in.
  IJ_TRY(ensure_dir(config_.runtime_dir, 0700));
  const std::string candidate = config_.runtime_dir + "/candidate-dropin.conf";
  const std::string main = config_.runtime_dir + "/check-sshd_config";
  IJ_TRY(write_file_atomic(candidate, dropin, 0600));
  Status s = write_file_atomic(main, "Include " + candidate + "\nInclude " + config_.sshd_config + "\n", 0600);
  if (s) s = test_config(main);
  // The verdict is the check's: a scratch file left behind holds nothing
  // secret (0600 in a 0700 directory) and the next check overwrites it, so a
  // failed cleanup is worth a warning, not an error that would hide the
  // verdict or undo an enroll whose configuration sshd accepted.
  for (const std::string& scratch : {candidate, main})
    if (Status r = remove_file(scratch); !r) log::warning(r.error().message);
  return s;
}

Result<std::vector<SshdListener>> RealSshd::listeners() {
  // The listen addresses are global, whatever -C says; but OpenSSH 9.2's
  // `sshd -T` without -C dies on any `Match LocalPort` ("'lport' not in
  // connection test specification"), so give it one.
  auto r = run_program({config_.sshd_binary, "-T", "-f", config_.sshd_config, "-C",
                        "host=jumphost-check,addr=127.0.0.1,laddr=127.0.0.1,lport=22"});
  if (!r) return r.error();
  if (r->exit_code != 0) return make_error(Errc::failed, "sshd -T failed: " + first_error_line(r->output));
  std::vector<SshdListener> out = parse_sshd_listeners(r->output);
  if (out.empty()) return make_error(Errc::failed, "sshd -T lists no listenaddress");
  return out;
}

Result<std::string> RealSshd::effective(const std::string& user, const SshdListener& at) {
  // The client's address stays loopback: which Match Address blocks come
  // before ours is read from the files (sshd_order.h), not tried address by
  // address. A wildcard listener is tried as the wildcard.
  auto r = run_program({config_.sshd_binary, "-T", "-f", config_.sshd_config, "-C",
                        "user=" + user + ",host=jumphost-check,addr=127.0.0.1,laddr=" + at.address +
                            ",lport=" + std::to_string(at.port)});
  if (!r) return r.error();
  if (r->exit_code != 0) return make_error(Errc::failed, "sshd -T failed: " + first_error_line(r->output));
  return r->output;
}

Status RealSshd::verify_effective(const std::string& user, const std::string& command) {
  auto at = listeners();
  if (!at) return at.error();
  for (const SshdListener& l : *at) {
    auto output = effective(user, l);
    if (!output) return output.error();
    std::string forced = "none";
    for (const std::string& line : split_lines(*output))
      if (starts_with(line, "forcecommand ")) forced = line.substr(13);
    if (forced != command)
      return make_error(Errc::failed, "sshd gives user " + user + " ForceCommand '" + forced + "' on " + l.str() +
                                          " instead of the wrapper: is " + user + " in group " + config_.tenant_group +
                                          ", and does " + config_.sshd_config + " Include " + config_.sshd_dropin_dir +
                                          "/*.conf before any Match block?");
  }
  return ok_status();
}

SshdConfigReader RealSshd::config_files() {
  return SshdConfigReader{
      [](const std::string& path) { return read_file(path); },
      [](const std::string& pattern) -> Result<std::vector<std::string>> {
        // As servconf.c calls it: flags 0, no match is no error.
        glob_t g{};
        const int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
        std::vector<std::string> out;
        if (rc == 0)
          for (size_t i = 0; i < g.gl_pathc; ++i) out.push_back(g.gl_pathv[i]);
        globfree(&g);
        if (rc != 0 && rc != GLOB_NOMATCH) return make_error(Errc::failed, "cannot expand Include " + pattern);
        return out;
      },
  };
}

Status RealSshd::reload() {
  // A HUP makes sshd re-exec itself; with a broken configuration it would
  // exit and lock everyone out, so check first.
  IJ_TRY(test_config(config_.sshd_config));
  auto text = read_file(config_.sshd_pid_file);
  if (!text) return text.error();
  if (!text->has_value()) {
    log::info("sshd is not running (no " + config_.sshd_pid_file + "): nothing to reload");
    return ok_status();
  }
  unsigned long pid = 0;
  if (!parse_uint(trim(**text), 2, 4194304, &pid))
    return make_error(Errc::failed, config_.sshd_pid_file + " does not hold a process ID");
  auto comm = read_file("/proc/" + std::to_string(pid) + "/comm");
  if (!comm || !comm->has_value() || trim(**comm) != "sshd") {
    log::info("sshd is not running (stale " + config_.sshd_pid_file + "): nothing to reload");
    return ok_status();
  }
  if (::kill(static_cast<pid_t>(pid), SIGHUP) < 0)
    return make_error(Errc::failed, "cannot signal sshd (pid " + std::to_string(pid) + ")");
  return ok_status();
}

}  // namespace ij
