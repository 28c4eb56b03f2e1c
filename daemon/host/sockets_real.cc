#include "daemon/host/sockets_real.h"

#include "common/base/strings.h"
#include "common/sys/exec.h"

namespace ij {

Status RealSockets::close_to(const Ipv4& address) {
  // argv only: the address is ours (the state's), never a caller's text.
  auto r = run_program({"/usr/bin/ss", "--kill", "--tcp", "--numeric", "--ipv4", "dst", address.str()});
  if (!r) return r.error();
  if (r->exit_code != 0)
    return make_error(Errc::failed, "ss --kill dst " + address.str() + " exited with " +
                                        std::to_string(r->exit_code) + ": " + std::string(trim(r->output)));
  return ok_status();
}

}  // namespace ij
