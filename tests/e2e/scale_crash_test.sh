#!/bin/bash
# A change killed between any two of its steps is repaired by the next
# start (issue 16), at N BMCs (default 1,000; IJ_SCALE_BMCS) with real
# 802.1Q links, so it runs in the VM:
#
#   tests/vm/run-in-vm.sh tests/e2e/run-sandbox.sh build tests/e2e/scale_crash_test.sh
#
# For each step K of an enroll of a new tenant (7 steps) and of a revoke of
# a tenant's last BMC (6 steps): the daemon is started with
# IJ_TEST_CRASH_AFTER_STEP=K (a test build kills itself right after step K,
# as a crash would), the change is asked for, the daemon dies; then it is
# started again and the host must be what the state says: the enroll is
# there only if its last step (the state) was done, and nothing of it
# otherwise (no link, no user, no keys file, no hosts line, no firewall
# element); a revoke is finished whatever step it stopped after; the doctor
# finds nothing, and the other N BMCs are untouched.
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
. "$IJ_SRC/tests/bench/bench_lib.sh"
have_8021q || { echo "scale_crash_test.sh: this kernel has no 802.1Q; run it in the VM (see the header)"; exit 77; }
export IJ_DAEMON_START_TENTHS=6000 IJ_DAEMON_POLL=0.05
n=${IJ_SCALE_BMCS:-1000}
jumpctl=$IJ_BIN/jumpctl
mkdir -p /etc/ipmi-jumphost
printf 'trunk = eth1\nwrapper = %s/ipmi-wrapper\n' "$IJ_BIN" > /etc/ipmi-jumphost/jumphost.conf
ssh-keygen -q -t ed25519 -N '' -f "$IJ_T/k"
chmod 0644 "$IJ_T/k.pub"
seed_tenants "$n" "$IJ_T/k.pub"
start_daemon
check_eq "the first start made the $n links" "$n" "$(ip -o link show | grep -c ' eth1\.[0-9]*@')"

# crashed K CMD...: starts the daemon set to die after step K, asks for
# CMD, and reaps it.
crashed() {
  local k=$1; shift
  stop_daemon
  IJ_TEST_CRASH_AFTER_STEP=$k start_daemon
  "$@" >/dev/null 2>&1 && { fail "the daemon did not die after step $k of: $*"; return; }
  wait "$daemon_pid" 2>/dev/null
  daemon_pid=
}
# host_agrees WHAT: after a restart, the host is what the state says (the
# doctor finds nothing) and the other BMCs are as they were.
host_agrees() {
  out=$("$jumpctl" doctor 2>&1)
  check_eq "$1: the doctor finds nothing" "" "$(grep '^PROBLEM' <<<"$out")"
  check_eq "  the $n other links are there" "$n" "$(ip -o link show | grep ' eth1\.[0-9]*@' | grep -vc ' eth1\.3001@')"
}
enrolled() { grep -q '"name": "e1"' /var/lib/ipmi-jumphost/state.json; }
has_e1() {  # whether every piece of e1 is on the host: all, none, or "some"
  local pieces=0
  ip link show eth1.3001 >/dev/null 2>&1 && pieces=$((pieces + 1))
  getent passwd u1 >/dev/null && pieces=$((pieces + 1))
  [ -e /etc/ipmi-jumphost/keys/u1 ] && pieces=$((pieces + 1))
  grep -q 'e1-ipmi' /etc/hosts && pieces=$((pieces + 1))
  nft list set inet ipmi_jumphost bmc_links | grep -q '"eth1.3001"' && pieces=$((pieces + 1))
  case $pieces in 0) echo none ;; 5) echo all ;; *) echo "some ($pieces of 5)" ;; esac
}

for k in 1 2 3 4 5 6 7; do
  echo "# an enroll of a new tenant killed after step $k of 7"
  crashed "$k" "$jumpctl" enroll e1 --vlan 3001 --owner u1 --key "$IJ_T/k.pub"
  start_daemon
  if [ "$k" = 7 ]; then
    check "  its state was written: it is enrolled" enrolled
    check_eq "  and all of it is on the host" all "$(has_e1)"
  else
    check_not "  its state was not written: it is not enrolled" enrolled
    check_eq "  and none of it is on the host" none "$(has_e1)"
  fi
  check_not "  no record of it is left" test -e /var/lib/ipmi-jumphost/intent
  host_agrees "enroll killed after step $k"
  [ "$k" = 7 ] && { "$jumpctl" revoke e1 >/dev/null || fail "revoke e1"; }
done

for k in 1 2 3 4 5 6; do
  echo "# a revoke of a tenant's last BMC killed after step $k of 6"
  "$jumpctl" enroll e1 --vlan 3001 --owner u1 --key "$IJ_T/k.pub" >/dev/null || fail "enroll e1"
  crashed "$k" "$jumpctl" revoke e1
  start_daemon
  check_not "  the start finished it: not enrolled" enrolled
  check_eq "  and none of it is on the host" none "$(has_e1)"
  check "  the log says so" grep -q "the daemon stopped during revoke e1" "$IJ_T/daemon.log"
  host_agrees "revoke killed after step $k"
done
finish
