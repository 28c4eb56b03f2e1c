#!/bin/bash
# tests/lab/ctl.sh COMMAND...: runs COMMAND as root inside the lab's VM (the
# operator's console: jumpctl, ip, the BMCs' namespaces) and exits with its
# status. The lab's tools are on PATH: the installed jumpctl, and after it
# the build directory (the test helpers).
set -u
lab=${IJ_LAB_DIR:-/tmp/ij-lab}
[ -d "$lab/ctl" ] || { echo "lab: not up (tests/lab/up.sh)" >&2; exit 1; }
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD_DIR:-$src/build}
id="$(date +%s%N)-$$"
base="$lab/ctl/$id"
{
  echo "export PATH=\$PATH:$build DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket"
  printf '%q ' "$@"; echo
} > "$base.tmp"
mv "$base.tmp" "$base.cmd"
for _ in $(seq 1 1200); do
  if [ -e "$base.rc" ]; then
    cat "$base.out"
    rc=$(cat "$base.rc")
    rm -f "$base.run" "$base.out" "$base.rc"
    exit "$rc"
  fi
  sleep 0.1
done
echo "lab: no answer from the VM within 120 s" >&2
exit 1
