#!/bin/bash
# The lab, inside its VM (run by up.sh through tests/vm/run-in-vm.sh with
# systemd as PID 1): the jumphost as an operator installs it (the .deb with
# apt-get, the service as shipped, on the system bus), the image's sshd on
# eth0:22 (forwarded to the host's 127.0.0.1:2222), a Linux bridge "sw"
# playing the switch, three simulated BMCs each on its own access port, and
# two demo tenants enrolled with jumpctl. Then it serves the operator's
# commands from the control directory (tests/lab/ctl.sh) until the VM is
# stopped.
# usage: inside.sh BUILD-DIR LAB-DIR DEB PORT (this machine's port for sshd)
set -u
bindir=$1 lab=$2 deb=$3 port=$4
src=$(cd "$(dirname "$0")/../.." && pwd)
start=$(date +%s%N)
export IJ_BIN=/usr/bin IJ_SRC=$src IJ_T=/run/ij-lab DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket
mkdir -p "$IJ_T"
. "$src/tests/e2e/lib.sh"
. "$src/tests/e2e/bmc_sim.sh"
. "$src/tests/e2e/host_setup.sh"

step() {  # what was done, and the time since the VM's userland started
  local ds=$((($(date +%s%N) - start) / 100000000))
  printf 'ij-lab: %-40s at %d.%d s\n' "$1" $((ds / 10)) $((ds % 10))
}
die() { echo "ij-lab: FAILED: $*"; echo "IJ-LAB-FAILED"; exit 1; }

ip link set lo up
ip link set eth0 up 2>/dev/null && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2 ||
  die "no eth0: the VM has no network card"
setup_trunk
have_8021q || die "the VM's kernel has no 802.1Q"
# sshd's debug log (in the journal) shows what it refused and why
# (tests/lab/lab_test.sh reads it).
# (First in sshd_config: a drop-in read after the daemon's Match block
# would be inside it.)
rm -f /etc/ssh/sshd_config.d/*.conf
sed -i '1i LogLevel DEBUG1' /etc/ssh/sshd_config
systemctl reload ssh || die "sshd did not reload"
step "network, system bus and sshd (systemd)"

cp "$deb" /tmp/ && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "/tmp/${deb##*/}" >"$IJ_T/apt.log" 2>&1 ||
  { cat "$IJ_T/apt.log"; die "apt-get install ${deb##*/}"; }
cat >> /etc/ipmi-jumphost/jumphost.conf <<CONF
# The lab's jumphost.
trunk = eth1
public_host = 127.0.0.1
public_port = $port
switch_vendor = linux
switch_trunk_port = eth1-peer
switch_bridge = sw
CONF
systemctl reload ipmi-jumphostd || die "systemctl reload ipmi-jumphostd"
step "package installed, service reloaded"
start_switch
start_bmc web01 101 192.168.101.10/24 192.168.101.1/24 pw-web01
start_bmc db01 102 192.168.102.10/24 192.168.102.1/24 pw-db01
start_bmc app01 103 192.168.103.10/24 192.168.103.1/24 pw-app01
step "daemon, switch and 3 simulated BMCs"

enroll() {  # NAME VID OWNER [--key FILE]
  (umask 077 && printf 'pw-%s\n' "$1" > "$IJ_T/$1.pw")
  run_as root "$IJ_BIN/jumpctl" enroll "$1" --vlan "$2" --owner "$3" "${@:4}" \
    --bmc-ip "192.168.$2.10/24" --bmc-user ADMIN --bmc-password-file "$IJ_T/$1.pw" \
    --ipmi-workarounds opensesspriv,solchannelsupport,solpayloadsize --switch-port "sw-$1"
  [ "$rc" = 0 ] || die "enroll $1 (exit $rc): $out $err"
  echo "ij-lab: $out"
}
enroll web01 101 alice --key "$lab/keys/alice.pub"
enroll db01 102 bob --key "$lab/keys/bob.pub"
enroll app01 103 bob  # bob's key is his already
apply_switch_config
[ "$failures" = 0 ] || die "the switch configuration did not apply"
step "3 BMCs enrolled, switch configured"
echo "IJ-LAB-READY"

# The operator's console: each *.cmd file in the control directory is run
# as root; its output and status are written beside it.
ctl=$lab/ctl
while :; do
  for cmd in "$ctl"/*.cmd; do
    [ -e "$cmd" ] || continue
    base=${cmd%.cmd}
    mv "$cmd" "$base.run"
    (cd "$IJ_T" && bash "$base.run") > "$base.out" 2>&1 </dev/null
    echo $? > "$base.rc.tmp" && mv "$base.rc.tmp" "$base.rc"
  done
  sleep 0.2
done
