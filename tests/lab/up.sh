#!/bin/bash
# tests/lab/up.sh [--background]: brings up the ipmi-jumphost lab.
#
# Installs what it needs from Debian (the packages in .ci/packages), builds
# the project, and boots a QEMU VM with Debian's kernel (which has 802.1Q and
# bridge VLAN filtering) on this machine's root file system, read-only, under
# a tmpfs overlay: nothing of this machine's /etc, users or links changes.
# In the VM, systemd as PID 1 with its system bus and the image's sshd
# (forwarded to 127.0.0.1:2222 here), the project's .deb installed with
# apt-get and its service running as shipped, a VLAN-filtering bridge as
# the switch, configured by
# `jumpctl switch-config --vendor linux`, three simulated BMCs (ipmi_sim) in
# their own namespaces and VLANs, and two demo tenants: alice (web01) and bob
# (db01, app01). It prints the ssh commands to try and stays up until Ctrl-C
# (or, with --background, until tests/lab/down.sh).
# Environment: IJ_LAB_DIR (default /tmp/ij-lab), IJ_LAB_PORT (default 2222),
# IJ_VM_ACCEL (default auto: KVM where it works, TCG otherwise).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
lab=${IJ_LAB_DIR:-/tmp/ij-lab}
port=${IJ_LAB_PORT:-2222}
background=0
[ "${1:-}" = --background ] && background=1

say() { echo "lab: $*"; }
die() { echo "lab: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run me as root (sudo bash tests/lab/up.sh): the VM shares this machine's root file system"
if [ -e "$lab/vm.pid" ] && kill -0 "$(cat "$lab/vm.pid")" 2>/dev/null; then
  die "the lab is already up (pid $(cat "$lab/vm.pid")); tests/lab/down.sh stops it"
fi
if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$port "; then die "127.0.0.1:$port is in use; set IJ_LAB_PORT"; fi

missing=$(grep -v '^#' "$src/.ci/packages" | while read -r p; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"; done)
if [ -n "$missing" ]; then
  say "installing from Debian: $(echo $missing)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
    die "apt-get could not install: $(echo $missing)"
fi
ls /boot/vmlinuz-* >/dev/null 2>&1 || die "no kernel in /boot: apt-get install linux-image-amd64"

build=${BUILD_DIR:-$src/build}
say "building into $build"
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" >/dev/null
# The package, unless one newer than every source file is there (the
# package test leaves one in BUILD/deb).
newest_deb() { ls "$build"/deb/ipmi-jumphost_*_amd64.deb 2>/dev/null | head -1 || true; }
# A source file newer than the package (git ls-files: the tree's own files).
newer_source() { (cd "$src" && git ls-files -co --exclude-standard | xargs -d '\n' -r find -newer "$1" -type f 2>/dev/null | head -1) || true; }
deb=$(newest_deb)
if [ -z "$deb" ] || [ -n "$(newer_source "$deb")" ]; then
  say "building the package (tests/package/build-deb.sh, about 80 s)"
  bash "$src/tests/package/build-deb.sh" "$build/deb" > "$build/deb.log" 2>&1 || { tail -20 "$build/deb.log" >&2; die "the package did not build (log: $build/deb.log)"; }
  deb=$(newest_deb)
fi
say "package $deb"

rm -rf "$lab"
mkdir -m 0755 -p "$lab/keys"
mkdir -m 0700 "$lab/ctl"
for t in alice bob carol; do ssh-keygen -q -t ed25519 -N '' -C "$t@ij-lab" -f "$lab/keys/$t"; done
chmod 0644 "$lab/keys/"*.pub
{
  echo "# ssh -F $lab/ssh_config alice <command>"
  for t in alice bob carol; do
    printf 'Host %s\n  HostName 127.0.0.1\n  Port %s\n  User %s\n  IdentityFile %s\n' "$t" "$port" "$t" "$lab/keys/$t"
    printf '  IdentitiesOnly yes\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n'
  done
} > "$lab/ssh_config"

say "booting the VM"
t0=$(date +%s)
IJ_VM_INIT=systemd IJ_VM_ACCEL=${IJ_VM_ACCEL:-auto} IJ_VM_TIMEOUT=0 IJ_VM_HOSTFWD="tcp:127.0.0.1:$port-:22" IJ_VM_SHARE="$lab/ctl" \
  setsid "$src/tests/vm/run-in-vm.sh" bash "$src/tests/lab/inside.sh" "$build" "$lab" "$deb" "$port" > "$lab/console.log" 2>&1 &
echo $! > "$lab/vm.pid"
until grep -q -e IJ-LAB-READY -e IJ-LAB-FAILED "$lab/console.log" 2>/dev/null; do
  if ! kill -0 "$(cat "$lab/vm.pid")" 2>/dev/null; then
    tail -20 "$lab/console.log" >&2
    die "the VM stopped before the lab was up (console: $lab/console.log)"
  fi
  if [ $(($(date +%s) - t0)) -gt 600 ]; then die "the lab was not up after 600 s (console: $lab/console.log)"; fi
  sleep 0.5
done
if grep -q IJ-LAB-FAILED "$lab/console.log"; then
  grep "ij-lab:" "$lab/console.log" >&2
  cp "$lab/console.log" "$lab.console.log"
  "$src/tests/lab/down.sh" >/dev/null 2>&1 || true
  die "the lab did not come up (console: $lab.console.log)"
fi
grep -E "^(run-in-vm.sh|ij-lab:)" "$lab/console.log" | sed 's/^/  /'
say "up in $(($(date +%s) - t0)) s"

s="ssh -F $lab/ssh_config"
cat <<TXT

The lab is up. Tenants alice (BMC web01) and bob (BMCs db01, app01):

  $s alice power status            # web01: off
  $s alice power on                # then status again
  $s -t alice console              # web01's serial console (type a line; &. detaches)
  $s bob power status db01
  $s alice list                    # alice's BMCs and the tunnels she may open
  $s -N -L 8443:web01-ipmi:443 alice &   then: socat - TCP:127.0.0.1:8443
  $s alice power status db01       # refused: not alice's BMC

Operator (jumpctl runs inside the VM):  bash $src/tests/lab/ctl.sh jumpctl list
Stop:  bash $src/tests/lab/down.sh$( [ $background = 0 ] && echo " (or Ctrl-C here)")
TXT

if [ $background = 0 ]; then
  trap '"$src/tests/lab/down.sh"; exit 0' INT TERM
  wait "$(cat "$lab/vm.pid")" || true
fi
