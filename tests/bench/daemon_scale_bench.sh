#!/bin/bash
# daemon_scale_bench.sh: the daemon's start-up reconcile, a restart with
# nothing to change, `jumpctl list` and its memory, with N enrolled BMCs
# (N tenants) seeded into the state. Runs inside tests/e2e/run-sandbox.sh.
# On a kernel without 802.1Q the links cannot be made, so the figures cover
# users, files, sshd checks and the bus, not netlink (see the README).
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
# A first start with 1,000 tenants takes a while; poll the bus name every
# 10 ms (the resolution of the start-up figures).
export IJ_DAEMON_START_TENTHS=60000 IJ_DAEMON_POLL=0.01
COUNTS=${COUNTS:-"1 100 1000"}
RUNS=${RUNS:-5}
mkdir -p /etc/ipmi-jumphost
printf 'trunk = eth1\nwrapper = %s/ipmi-wrapper\n' "$IJ_BIN" > /etc/ipmi-jumphost/jumphost.conf
ssh-keygen -q -t ed25519 -N '' -f "$IJ_T/k"
key=$(cat "$IJ_T/k.pub")
ms() { echo $((($2 - $1) / 1000000)); }
stats() { sort -n | awk '{a[NR]=$1} END {printf "%d (%d-%d)", a[int((NR+1)/2)], a[1], a[NR]}'; }

seed() {  # N: a state with N BMCs, each with its own tenant
  local n=$1 i
  {
    echo '{"version": 1, "enrollments": ['
    for i in $(seq 1 "$n"); do
      [ "$i" -gt 1 ] && echo ','
      printf '{"name": "b%d", "vlan": %d, "owner": "t%d", "link": "eth1.%d", "bmc_address": "10.%d.%d.2/30", "jumphost_address": "10.%d.%d.1/30", "ports": [22, 443], "bmc_user": "", "bmc_password": "", "switch_port": "", "enrolled_at": "2026-11-27T00:00:00Z", "enrolled_by": "root"}' \
        "$i" "$i" "$i" "$i" $((i / 256)) $((i % 256 * 1)) $((i / 256)) $((i % 256 * 1))
    done
    echo '], "tenants": ['
    for i in $(seq 1 "$n"); do
      [ "$i" -gt 1 ] && echo ','
      printf '{"user": "t%d", "keys": ["%s"]}' "$i" "$key"
    done
    echo ']}'
  } > /var/lib/ipmi-jumphost/state.json
  chmod 600 /var/lib/ipmi-jumphost/state.json
}

echo "BMCs  first start ms  restart (nothing to do) ms  jumpctl list ms  daemon RSS KiB"
mkdir -p /var/lib/ipmi-jumphost
for n in $COUNTS; do
  seed "$n"
  s=$(date +%s%N); start_daemon; e=$(date +%s%N)
  first=$(ms "$s" "$e")
  times=()
  for _ in $(seq 1 "$RUNS"); do
    stop_daemon; s=$(date +%s%N); start_daemon; e=$(date +%s%N); times+=("$(ms "$s" "$e")")
  done
  restarts=$(printf '%s\n' "${times[@]}" | stats)
  times=()
  for _ in $(seq 1 "$RUNS"); do
    s=$(date +%s%N); "$IJ_BIN/jumpctl" list >/dev/null; e=$(date +%s%N); times+=("$(ms "$s" "$e")")
  done
  lists=$(printf '%s\n' "${times[@]}" | stats)
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$daemon_pid/status")
  printf '%5d  %13d  %26s  %15s  %14s\n' "$n" "$first" "$restarts" "$lists" "$rss"
  stop_daemon
  # Start the next size from a host without these tenants.
  for i in $(seq 1 "$n"); do userdel "t$i" 2>/dev/null; done
  rm -f /etc/ipmi-jumphost/keys/* /etc/ssh/sshd_config.d/ipmi-jumphost-*.conf
done
echo "(first start includes useradd for every tenant; $(nproc) CPU(s), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(date -u +%F))"
