#!/bin/bash
# daemon_scale_bench.sh: with N enrolled BMCs (one tenant each, seeded into
# the state), on this machine's own kernel: the daemon's first start (the
# reconcile creates every user, keys file and the drop-in), a restart with
# nothing to change, `jumpctl list`, an ssh login of the last tenant through
# the real sshd (`ssh tN help`), the daemon's memory, and one `jumpctl
# doctor` (which runs sshd -T for every tenant).
# Runs inside the sandbox: tests/e2e/run-sandbox.sh build tests/bench/daemon_scale_bench.sh
# On a kernel without 802.1Q the links cannot be made, so the figures cover
# users, files, sshd and the bus, not netlink; tests/bench/vlan_scale_bench.sh
# measures enroll, revoke and the reconcile with real links in the VM.
# COUNTS (default "1 100 1000") and RUNS (default 10) from the environment.
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
. "$IJ_SRC/tests/bench/bench_lib.sh"
# A first start with 1,000 tenants takes a while; poll the bus name every
# 10 ms (the resolution of the start-up figures).
export IJ_DAEMON_START_TENTHS=60000 IJ_DAEMON_POLL=0.01
COUNTS=${COUNTS:-"1 100 1000"}
RUNS=${RUNS:-10}
mkdir -p /etc/ipmi-jumphost
printf 'trunk = eth1\nwrapper = %s/ipmi-wrapper\n' "$IJ_BIN" > /etc/ipmi-jumphost/jumphost.conf
ssh-keygen -q -t ed25519 -N '' -f "$IJ_T/k"
ssh_opts=(-F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
          -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i "$IJ_T/k")
# timed_start: starts the daemon here (not in a subshell: daemon_pid must
# stay set) and sets took (ms).
timed_start() { local s e; s=$(now); start_daemon; e=$(now); took=$(ms "$s" "$e"); }

printf '%5s  %14s  %26s  %18s  %22s  %14s  %s\n' BMCs "first start ms" "restart, nothing to do ms" "jumpctl list ms" \
  "ssh login (help) ms" "daemon RSS KiB" "doctor ms"
for n in $COUNTS; do
  : > "$IJ_T/enrollments"
  tenants=()
  for i in $(seq 1 "$n"); do
    enrollment "b$i" "$i" "t$i" "10.$((i / 256)).$((i % 256)).2/30" "10.$((i / 256)).$((i % 256)).1/30" >> "$IJ_T/enrollments"
    tenants+=("t$i")
  done
  write_state "$IJ_T/enrollments" "$(cat "$IJ_T/k.pub")" "${tenants[@]}"
  timed_start
  first=$took
  : > "$IJ_T/restarts"
  for _ in $(seq 1 "$RUNS"); do stop_daemon; timed_start; echo "$took" >> "$IJ_T/restarts"; done
  restarts=$(summary < "$IJ_T/restarts")
  lists=$(repeat "$RUNS" "$IJ_BIN/jumpctl" list | summary)
  logins=$(repeat "$RUNS" ssh "${ssh_opts[@]}" -T "t$n@127.0.0.1" help | summary)
  rss=$(daemon_rss)
  # Without 802.1Q the doctor finds the links missing and exits 1: time it all the same.
  doctor=$(timed sh -c '"$1" doctor; true' sh "$IJ_BIN/jumpctl")
  printf '%5d  %14s  %26s  %18s  %22s  %14s  %s\n' "$n" "$first" "$restarts" "$lists" "$logins" "$rss" "$doctor"
  stop_daemon
  # The next size starts from a host without these tenants.
  for i in $(seq 1 "$n"); do userdel "t$i" 2>/dev/null; done
  rm -f /etc/ipmi-jumphost/keys/* /etc/ssh/sshd_config.d/*ipmi-jumphost*.conf
done
echo "(first start includes useradd for every tenant; $(machine))"
