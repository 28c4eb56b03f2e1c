#!/bin/bash
# tenant_path_bench.sh: what the tenant's path costs, on this machine's own
# kernel (no VM):
#   - `power status` through ssh → sshd → ipmi-wrapper → D-Bus → daemon →
#     libfreeipmi → ipmi_sim, against FreeIPMI's own ipmi-power run on the
#     jumphost, interleaved in one run; the ratio of the medians is what the
#     jumphost adds;
#   - the daemon's memory and threads with CONSOLES consoles open at once
#     (one SOL session each, on as many simulated BMCs).
# Runs inside the sandbox: tests/e2e/run-sandbox.sh build tests/bench/tenant_path_bench.sh
# Without 802.1Q the state is seeded and veths stand in for the VLAN links,
# as in the tenant test. RUNS (default 20) and CONSOLES (default 50) from the
# environment.
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
. "$IJ_SRC/tests/e2e/bmc_sim.sh"
. "$IJ_SRC/tests/bench/bench_lib.sh"
RUNS=${RUNS:-20}
CONSOLES=${CONSOLES:-50}
mkdir -p /etc/ipmi-jumphost
cat > /etc/ipmi-jumphost/jumphost.conf <<CONF
trunk = eth1
wrapper = $IJ_BIN/ipmi-wrapper
switch_trunk_port = eth1-peer
switch_bridge = sw
CONF
ssh-keygen -q -t ed25519 -N '' -C bench -f "$IJ_T/k"
ssh_opts=(-F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
          -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i "$IJ_T/k")

echo "# $((CONSOLES + 1)) simulated BMCs: web01 for alice, c1..c$CONSOLES for ops"
start_switch
start_bmc web01 101 192.168.101.10/24 192.168.101.1/24 pw-bench
enrollment web01 101 alice 192.168.101.10/24 192.168.101.1/24 pw-bench > "$IJ_T/enrollments"
for c in $(seq 1 "$CONSOLES"); do
  start_bmc "c$c" $((200 + c)) "192.168.$((200 + c)).10/24" "192.168.$((200 + c)).1/24" pw-bench
  enrollment "c$c" $((200 + c)) ops "192.168.$((200 + c)).10/24" "192.168.$((200 + c)).1/24" pw-bench >> "$IJ_T/enrollments"
done
write_state "$IJ_T/enrollments" "$(cat "$IJ_T/k.pub")" alice ops
start_daemon
apply_switch_config

echo "# power status, $RUNS times each, interleaved"
# ipmi-power reads the password from its configuration file, not argv, and
# speaks what the daemon speaks: IPMI 2.0, cipher suite 3, admin privilege.
printf '%s\n' "driver-type LAN_2_0" "username ADMIN" "password pw-bench" "cipher-suite-id 3" \
  "privilege-level ADMIN" "workaround-flags opensesspriv,solchannelsupport,solpayloadsize" > "$IJ_T/freeipmi.conf"
chmod 0600 "$IJ_T/freeipmi.conf"
: > "$IJ_T/via-ssh"; : > "$IJ_T/direct"
for _ in $(seq 1 "$RUNS"); do
  s=$(now); out=$(ssh "${ssh_opts[@]}" -T alice@127.0.0.1 power status 2>&1); e=$(now)
  [ "$out" = "web01: off" ] || { echo "power status through ssh said: $out"; exit 1; }
  ms "$s" "$e" >> "$IJ_T/via-ssh"
  s=$(now); out=$(ipmi-power --config-file "$IJ_T/freeipmi.conf" -h 192.168.101.10 --stat 2>&1); e=$(now)
  [ "$out" = "192.168.101.10: off" ] || { echo "ipmi-power said: $out"; exit 1; }
  ms "$s" "$e" >> "$IJ_T/direct"
done
login=$(repeat "$RUNS" ssh "${ssh_opts[@]}" -T alice@127.0.0.1 help | summary)

echo "# $CONSOLES consoles"
rss_idle=$(daemon_rss) threads_idle=$(daemon_threads)
for c in $(seq 1 "$CONSOLES"); do
  ssh "${ssh_opts[@]}" -tt ops@127.0.0.1 console "c$c" < <(sleep 3600) >/dev/null 2>&1 &
  for _ in $(seq 1 300); do grep -q "console c$c attach by=ops: done" "$IJ_T/daemon.log" && break; sleep 0.1; done
done
attached=$(grep -c "attach by=ops: done" "$IJ_T/daemon.log")
sleep 2
rss_open=$(daemon_rss) threads_open=$(daemon_threads)
pkill -f -- "-tt ops@127.0.0.1 console" 2>/dev/null
for _ in $(seq 1 100); do [ "$(grep -c "detach by=ops" "$IJ_T/daemon.log")" -ge "$attached" ] && break; sleep 0.1; done
sleep 1
rss_closed=$(daemon_rss) threads_closed=$(daemon_threads)

via=$(median < "$IJ_T/via-ssh") direct=$(median < "$IJ_T/direct")
echo
echo "== tenant path: $(machine)"
echo "power status through ssh and the wrapper  $(summary < "$IJ_T/via-ssh") ms"
echo "ipmi-power --stat on the jumphost         $(summary < "$IJ_T/direct") ms"
echo "ratio of the medians                      $(awk -v a="$via" -v b="$direct" 'BEGIN {printf "%.2f", a / b}')"
echo "ssh login running help                    $login ms"
echo "daemon RSS: idle $rss_idle KiB ($threads_idle threads); $attached consoles open $rss_open KiB ($threads_open threads); closed again $rss_closed KiB ($threads_closed threads)"
stop_daemon
