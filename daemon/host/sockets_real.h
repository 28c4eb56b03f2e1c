#pragma once

#include "daemon/host/host.h"

namespace ij {

// Through iproute2's ss(8): `ss -K` asks the kernel (SOCK_DESTROY, Linux
// 4.5+ with CONFIG_INET_DIAG_DESTROY, as Debian builds it) to abort the
// sockets that match; the peers see the connection reset.
class RealSockets : public Sockets {
 public:
  Status close_to(const Ipv4& address) override;
};

}  // namespace ij
