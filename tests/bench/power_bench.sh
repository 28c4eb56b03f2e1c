#!/bin/bash
# power_bench.sh: the operator's fan-out beside FreeIPMI's ipmipower, in one
# run over the same N ipmi_sim BMCs with the same fan-out: `jumpctl power
# status --all` (jumpctl → D-Bus → the daemon's fan-out → libfreeipmi) against
# `ipmipower -h H1,H2,… --stat --fanout F` (one process, its own event loop),
# ROUNDS rounds, alternating; the figure is the ratio of the median wall
# times. Also: 50 serial `ipmi-power` runs, and the same fan-out with one BMC
# that never answers (how long the others wait for it).
# Runs inside the sandbox: tests/e2e/run-sandbox.sh build tests/bench/power_bench.sh
# N (default 100), FANOUT (default 64), ROUNDS (default 7) from the environment.
# Figures are printed, never asserted.
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
. "$IJ_SRC/tests/e2e/bmc_sim.sh"
. "$IJ_SRC/tests/bench/bench_lib.sh"
export IJ_BMC_VETH=1
N=${N:-100}
FANOUT=${FANOUT:-64}
ROUNDS=${ROUNDS:-7}
mkdir -p /etc/ipmi-jumphost
cat > /etc/ipmi-jumphost/jumphost.conf <<CONF
trunk = eth1
wrapper = $IJ_BIN/ipmi-wrapper
console_log = attached
CONF

echo "# $N simulated BMCs ($(machine))"
: > "$IJ_T/enrollments"
hosts=()
for i in $(seq 1 "$N"); do
  vid=$((100 + i))
  net="10.$((i / 250)).$((i % 250)).0"
  a=${net%.0}
  # One password for every BMC, as many sites have: ipmipower takes one set
  # of credentials per run (from a file, never the command line).
  start_bmc "b$i" "$vid" "$a.10/24" "$a.1/24" pw-all
  enrollment "b$i" "$vid" "t$((i % 10))" "$a.10/24" "$a.1/24" pw-all >> "$IJ_T/enrollments"
  hosts+=("$a.10")
done
ssh-keygen -q -t ed25519 -N '' -f "$IJ_T/k"
write_state "$IJ_T/enrollments" "$(cat "$IJ_T/k.pub")" $(seq -f 't%g' 0 9) || exit 1
start_daemon
printf 'username ADMIN\npassword pw-all\nworkaround-flags opensesspriv\n' > "$IJ_T/freeipmi.conf"

host_list=$(IFS=,; echo "${hosts[*]}")
ipmipower_run() {
  ipmipower -h "$host_list" --config-file "$IJ_T/freeipmi.conf" -D LAN_2_0 --stat --fanout "$FANOUT" \
    --session-timeout 8000 --retransmission-timeout 1000
}
jumpctl_run() { "$IJ_BIN/jumpctl" power status --all --fanout "$FANOUT"; }

# Both must see every BMC answer before anything is timed.
on=$(ipmipower_run 2>&1 | grep -c ': off$')
ours=$(jumpctl_run 2>&1 | grep -c ': off$')
echo "answers: ipmipower $on of $N, jumpctl $ours of $N"

: > "$IJ_T/t.ipmipower"; : > "$IJ_T/t.jumpctl"
for r in $(seq 1 "$ROUNDS"); do
  timed ipmipower_run >> "$IJ_T/t.ipmipower"
  timed jumpctl_run >> "$IJ_T/t.jumpctl"
done
ip_med=$(median < "$IJ_T/t.ipmipower")
jc_med=$(median < "$IJ_T/t.jumpctl")
echo "ipmipower --stat, $N BMCs, fan-out $FANOUT: $(summary < "$IJ_T/t.ipmipower") ms (median (range) of $ROUNDS)"
echo "jumpctl power status --all, same:          $(summary < "$IJ_T/t.jumpctl") ms"
echo "ratio jumpctl/ipmipower (medians): $(awk -v a="$jc_med" -v b="$ip_med" 'BEGIN {printf "%.2f", a / b}')"

serial() {
  local i
  for i in $(seq 1 50); do
    ipmi-power -h "${hosts[$((i - 1))]}" --config-file "$IJ_T/freeipmi.conf" -D LAN_2_0 --stat >/dev/null || return 1
  done
}
echo "50 serial ipmi-power --stat: $(timed serial) ms"
echo "daemon: RSS $(daemon_rss) KiB, $(daemon_threads) threads after the runs"

# One BMC that never answers: the others' answers do not wait for it beyond
# the session timeout (8 s), and its line says why.
stop_bmc_sim b1
s=$(now)
out=$(jumpctl_run 2>&1)
e=$(now)
echo "with b1 not answering: $(ms "$s" "$e") ms for all $N; b1: $(grep '^b1:' <<<"$out")"
echo "  answered: $(grep -c ': off$' <<<"$out") of $N"
