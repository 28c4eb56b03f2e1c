#!/bin/bash
# run-sandbox.sh BINDIR SCRIPT: runs the end-to-end SCRIPT as root inside a
# throwaway sandbox that never touches this machine's own /etc, links or
# state:
#   - new mount, network and PID namespaces (unshare);
#   - /etc and /var/lib as overlays whose upper layers live in a tmpfs, /run,
#     /var/log and /var/mail as tmpfs (useradd writes lastlog and faillog);
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
for d in /run /var/log /var/mail; do
  [ -d "$d" ] && mount -t tmpfs -o mode=0755 ij-sandbox "$d"
done
mkdir -p /run/sshd /run/dbus

# The trunk: the kernel's "dummy" type may be missing, veth is not.
ip link set lo up
ip link add eth1 type veth peer name eth1-peer
ip link set eth1 up
ip link set eth1-peer up

# Host keys and a pristine sshd_config in the overlay.
ssh-keygen -A >/dev/null
rm -f /etc/ssh/sshd_config.d/*.conf

# The system bus.
bus_socket=/run/dbus/system_bus_socket
cat > "$T/system-bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus" send_member="UpdateActivationEnvironment"/>
  </policy>
  <include>$src/dbus/org.ipmijumphost.Jumphost1.conf</include>
</busconfig>
CONF
dbus-daemon --config-file="$T/system-bus.conf" --fork --nopidfile
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$bus_socket

/usr/sbin/sshd -o ListenAddress=127.0.0.1 -o PidFile=/run/sshd.pid

export IJ_BIN=$bindir IJ_SRC=$src IJ_T=$T
cd "$T"
"$script"
