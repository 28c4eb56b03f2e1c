#!/bin/bash
# console_bench.sh: the console server beside LLNL conman (Debian's conmand,
# which also uses libipmiconsole), both holding and logging the consoles of
# the same N ipmi_sim BMCs whose hosts each print RATE numbered lines a
# second. For each: memory (RSS), threads and CPU while logging, a BMC whose
# simulator is killed (time to notice it) and started again (time to
# reconnect), and lines lost in the logs (the killed BMC's are not counted),
# with how many of them fell outside the outages the server logged (must be
# 0: ipmi_sim expires a session under continuous SOL output, see the
# README, and what its host prints until the server notices is never sent). For the daemon also: time from `ssh … console` to the first
# replayed byte, ssh's login included (median of 5).
# Runs inside the sandbox: tests/e2e/run-sandbox.sh build tests/bench/console_bench.sh
# COUNTS (default "10 50"), RATE (lines per second per console, default 5),
# MEASURE (seconds of steady logging measured, default 30) from the environment.
# Needs conman (apt-get install conman); without it only the daemon is measured.
# Figures are printed, never asserted.
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
. "$IJ_SRC/tests/e2e/bmc_sim.sh"
. "$IJ_SRC/tests/bench/bench_lib.sh"
export IJ_BMC_VETH=1
COUNTS=${COUNTS:-"10 50"}
RATE=${RATE:-5}
MEASURE=${MEASURE:-30}
logdir=/var/log/ipmi-jumphost/console
mkdir -p /etc/ipmi-jumphost
cat > /etc/ipmi-jumphost/jumphost.conf <<CONF
trunk = eth1
wrapper = $IJ_BIN/ipmi-wrapper
console_log = always
CONF
ssh-keygen -q -t ed25519 -N '' -f "$IJ_T/k"
ssh_opts=(-F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
          -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -i "$IJ_T/k")

# cpu_ticks PID: user+system clock ticks of the process so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
threads() { awk '/Threads/ {print $2}' "/proc/$1/status"; }
# wait_log FILE TEXT SECONDS: 0 once FILE has TEXT.
wait_log() {
  local end=$(($(date +%s) + $3))
  while [ "$(date +%s)" -le "$end" ]; do grep -qaF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.02; done
  return 1
}
# The hosts print: "cN seq K" on each console, RATE a second, until stopped.
start_printing() {
  ( k=0
    while :; do
      k=$((k + 1))
      for b in $(seq 1 "$1"); do printf 'c%d seq %d\n' "$b" "$k" >> "$IJ_T/bmc-c$b/feed"; done
      echo "$k" > "$IJ_T/printed"
      sleep "$(awk -v r="$RATE" 'BEGIN {print 1 / r}')"
    done ) &
  printer=$!
}
stop_printing() { kill "$printer" 2>/dev/null; wait "$printer" 2>/dev/null; }
# lost DIR N MARKER: lines missing from the first logged "cB seq K" of
# consoles 2..N to the last one printed (c1's simulator is killed on
# purpose), as "TOTAL (OUTSIDE outside an outage)": a gap in the sequence
# that has the server's MARKER line for a lost session between its two
# sides fell in an outage (the BMC sent nothing then); any other gap is a
# line the server lost.
lost() {
  local dir=$1 n=$2 marker=$3 total=0 outside=0 b last counts f
  last=$(cat "$IJ_T/printed")
  for b in $(seq 2 "$n"); do
    # Oldest first: NAME.log.K (higher K older), then NAME.log.
    counts=$(for f in $(ls "$dir"/c$b.log.* 2>/dev/null | sort -t. -k3 -rn) "$dir/c$b.log"; do
               [ -f "$f" ] && cat "$f"; done | tr -d '\r' |
      awk -v last="$last" -v marker="$marker" '
        index($0, marker) { outage = 1; next }
        /^c[0-9]+ seq [0-9]+$/ {
          k = $3 + 0
          if (prev && k > prev + 1) { if (outage) inside += k - prev - 1; else outside += k - prev - 1 }
          if (k > prev) prev = k
          outage = 0
          next
        }
        END {
          if (!prev) { print last, last; exit }
          if (last > prev) { if (outage) inside += last - prev; else outside += last - prev }
          print inside + outside, outside + 0
        }')
    total=$((total + ${counts% *})); outside=$((outside + ${counts#* }))
  done
  echo "$total ($outside)"
}
# measure NAME PID: prints RSS, threads and CPU seconds per minute over MEASURE s.
measure() {
  local pid=$2 t0 t1 hz
  hz=$(getconf CLK_TCK)
  t0=$(cpu_ticks "$pid"); sleep "$MEASURE"; t1=$(cpu_ticks "$pid")
  printf '%-9s %5s  %8s  %7s  %9s' "$1" "$n" "$(rss_kib "$pid")" "$(threads "$pid")" \
    "$(awk -v d=$((t1 - t0)) -v hz="$hz" -v s="$MEASURE" 'BEGIN {printf "%.2f", d / hz * 60 / s}')"
}
# lose_and_return LOGFILE LOST-TEXT BACK-TEXT: kills c1's simulator; prints
# the seconds until LOST-TEXT is logged, starts it again 3 s later and prints
# the ms until BACK-TEXT is logged after that.
lose_and_return() {
  local s e lost_s back_ms
  local before; before=$(grep -caF -- "$3" "$1" 2>/dev/null || true)
  s=$(now); stop_bmc_sim c1
  if wait_log "$1" "$2" 120; then e=$(now); lost_s=$(awk -v a="$s" -v b="$e" 'BEGIN {printf "%.1f", (b - a) / 1e9}'); else lost_s=">120"; fi
  sleep 3
  s=$(now); restart_bmc_sim c1
  back_ms=">120000"
  local end=$(($(date +%s) + 120))
  while [ "$(date +%s)" -le "$end" ]; do
    [ "$(grep -caF -- "$3" "$1" 2>/dev/null || true)" -gt "$before" ] && { back_ms=$(ms "$s" "$(now)"); break; }
    sleep 0.02
  done
  printf '  %9s  %12s' "$lost_s" "$back_ms"
}

echo "console_bench: $(machine); RATE=$RATE lines/s per console, MEASURE=$MEASURE s"
printf '%-9s %5s  %8s  %7s  %9s  %9s  %12s  %10s  %s\n' server BMCs "RSS KiB" threads "CPU s/min" "lost: s" \
  "back: ms" "lines lost (outside an outage)" "attach→replay ms (median of 5)"
started=0
for n in $COUNTS; do
  for b in $(seq "$((started + 1))" "$n"); do
    start_bmc "c$b" "$b" "10.$((b / 256)).$((b % 256)).2/30" "10.$((b / 256)).$((b % 256)).1/30" "pw-c$b"
  done
  started=$n
  # --- ipmi-jumphostd ---
  : > "$IJ_T/enrollments"
  tenants=()
  for b in $(seq 1 "$n"); do
    enrollment "c$b" "$b" "t$b" "10.$((b / 256)).$((b % 256)).2/30" "10.$((b / 256)).$((b % 256)).1/30" "pw-c$b" >> "$IJ_T/enrollments"
    tenants+=("t$b")
  done
  rm -rf "$logdir"
  write_state "$IJ_T/enrollments" "$(cat "$IJ_T/k.pub")" "${tenants[@]}"
  start_daemon
  for i in $(seq 1 600); do
    up=$("$IJ_BIN/jumpctl" consoles --json | jq '[.[] | select(.state == "up")] | length')
    [ "$up" = "$n" ] && break
    sleep 0.1
  done
  start_printing "$n"
  sleep 3
  measure ipmi-jh "$daemon_pid"
  lose_and_return "$logdir/c1.log" ", reconnecting]" "reconnected after"
  sleep 2
  stop_printing
  sleep 2
  printf '  %10s' "$(lost "$logdir" "$n" ", reconnecting]")"
  [ -n "${KEEP:-}" ] && cp -r "$logdir" "$KEEP/ij-$n"
  # The time to the replay's first line; the session is then ended (a pty
  # session does not end at the end of ssh's input).
  replay=$(for i in 1 2 3 4 5; do
    s=$(now)
    timeout -s KILL 4 ssh "${ssh_opts[@]}" -tt t2@127.0.0.1 console c2 < <(sleep 4) 2>/dev/null |
      { grep -m1 -a -q "the last" && ms "$s" "$(now)"; cat >/dev/null; }
  done | summary)
  printf '  %s\n' "$replay"
  stop_daemon

  # --- conmand ---
  if command -v conmand >/dev/null; then
    mkdir -p "$IJ_T/conman"
    rm -f "$IJ_T/conman"/*.log*
    {
      echo "server logdir=\"$IJ_T/conman\""
      echo "server logfile=\"conmand.log\""
      echo "server port=7890"
      echo "server keepalive=on"
      echo "global log=\"%N.log\""
      echo "global logopts=\"timestamp\""
      for b in $(seq 1 "$n"); do
        echo "console name=\"c$b\" dev=\"ipmi:10.$((b / 256)).$((b % 256)).2\" ipmiopts=\"U:ADMIN,P:pw-c$b,W:0x08000000,W:0x01000000,W:0x00000010\""
      done
    } > "$IJ_T/conman.conf"
    conmand -F -c "$IJ_T/conman.conf" > "$IJ_T/conmand.out" 2>&1 &
    conmand_pid=$!
    for i in $(seq 1 300); do
      [ "$(grep -l "Console \[c[0-9]*\] connected" "$IJ_T/conman"/c*.log 2>/dev/null | wc -l)" -ge "$n" ] && break
      sleep 0.1
    done
    start_printing "$n"
    sleep 3
    measure conmand "$conmand_pid"
    lose_and_return "$IJ_T/conman/c1.log" "Console [c1] disconnected" "Console [c1] connected"
    sleep 2
    stop_printing
    sleep 2
    printf '  %10s  %s\n' "$(lost "$IJ_T/conman" "$n" "disconnected")" "-"
    [ -n "${KEEP:-}" ] && cp -r "$IJ_T/conman" "$KEEP/conman-$n"
    kill "$conmand_pid"; wait "$conmand_pid" 2>/dev/null
  fi
done
