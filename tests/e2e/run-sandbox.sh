#!/bin/bash
# run-sandbox.sh BINDIR SCRIPT: runs the end-to-end SCRIPT as root inside a
# throwaway sandbox that never touches this machine's own /etc, links or
# state:
#   - new mount, network and PID namespaces (unshare);
#   - /etc and /var/lib as overlays whose upper layers live in a tmpfs, /run,
#     /var/log, /var/cache (the daemon's SDR caches) and /var/mail as tmpfs
#     (useradd writes lastlog and faillog);
#   - a veth "eth1" as the trunk, loopback up;
#   - a private dbus-daemon as the system bus (DBUS_SYSTEM_BUS_ADDRESS) with
#     the project's own policy file;
#   - a real sshd on 127.0.0.1:22 of the namespace.
# SCRIPT then starts the daemon itself (see lib.sh). Exit status is SCRIPT's;
# 77 (skipped) when not root.
set -euo pipefail

if [ "${IJ_IN_SANDBOX:-}" != 1 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "run-sandbox.sh: needs root for namespaces and mounts; skipped" >&2
    exit 77
  fi
  export IJ_IN_SANDBOX=1
  exec unshare --mount --net --pid --fork --mount-proc --propagation private "$0" "$@"
fi

bindir=$(cd "$1" && pwd)
script=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
src=$(cd "$(dirname "$0")/../.." && pwd)

T=$(mktemp -d /tmp/ij-sandbox.XXXXXX)
trap 'cd /; umount -l "$T" 2>/dev/null; rmdir "$T"' EXIT
mount -t tmpfs -o mode=0755 ij-sandbox "$T"
for d in etc var/lib; do
  mkdir -p "$T/upper/$d" "$T/work/$d"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$T/upper/$d,workdir=$T/work/$d" "/$d"
done
for d in /run /var/log /var/cache /var/mail; do
  [ -d "$d" ] && mount -t tmpfs -o mode=0755 ij-sandbox "$d"
done

. "$src/tests/e2e/host_setup.sh"
setup_trunk
start_system_bus "$src" "$T"
start_sshd 127.0.0.1

export IJ_BIN=$bindir IJ_SRC=$src IJ_T=$T
cd "$T"
"$script"
