# Helpers of the benchmarks, sourced after tests/e2e/lib.sh inside
# run-sandbox.sh. Figures are printed, never asserted.

# now: nanoseconds; ms START END: milliseconds with one decimal.
now() { date +%s%N; }
ms() { awk -v s="$1" -v e="$2" 'BEGIN {printf "%.1f\n", (e - s) / 1e6}'; }
# summary < one figure per line: "median (min-max)"; median: the median only.
summary() { sort -n | awk '{a[NR]=$1} END {if (NR) printf "%.1f (%.1f-%.1f)", a[int((NR+1)/2)], a[1], a[NR]; else printf "-"}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# timed COMMAND...: runs it (output discarded), prints its wall time in ms.
timed() {
  local s e err
  err=$(mktemp)
  s=$(now); "$@" >/dev/null 2>"$err" || { echo "bench: '$*' failed: $(cat "$err")" >&2; rm -f "$err"; return 1; }; e=$(now)
  rm -f "$err"
  ms "$s" "$e"
}
# repeat RUNS COMMAND...: RUNS timed runs, one figure per line.
repeat() {
  local runs=$1 i; shift
  for i in $(seq 1 "$runs"); do timed "$@" || return 1; done
}
daemon_rss() { awk '/VmRSS/ {print $2}' "/proc/$daemon_pid/status"; }
daemon_threads() { awk '/Threads/ {print $2}' "/proc/$daemon_pid/status"; }
machine() {
  echo "$(nproc) vCPU(s), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), kernel $(uname -r), $(date -u +%F)"
}

# State seeding, through the daemon's own serializer (tests/tools/seed_state.cc):
# enrollment NAME VID OWNER BMC-ADDR/P JH-ADDR/P [PASSWORD] prints one
# enrollment, one line (with a stored password: user ADMIN; always the FreeIPMI
# workarounds for ipmi_sim); write_state ENROLLMENTS-FILE KEYLINE TENANTS...
# writes the state with those tenants, each with KEYLINE as their key.
seed_state=${IJ_SEED_STATE:-$IJ_BIN/tests/ij-seed-state}
enrollment() {
  local pw=${6:-} user=""
  [ -n "$pw" ] && user=ADMIN
  echo "bmc $1 $2 $3 $4 jumphost=$5 bmc_user=$user bmc_password=$pw switch_port=sw-$1" \
    "enrolled_at=2026-11-27T00:00:00Z workarounds=opensesspriv,solchannelsupport,solpayloadsize"
}
write_state() {
  local file=$1 key=$2 t; shift 2
  mkdir -p /var/lib/ipmi-jumphost
  {
    cat "$file"
    for t in "$@"; do echo "tenant $t $key"; done
  } | "$seed_state" /var/lib/ipmi-jumphost/state.json
}

# seed_tenants N KEY.pub [ENROLLMENT-ARGS...]: the state with BMCs b1..bN on
# VLANs 1..N, each owned by a tenant of its own, tI, with KEY.pub as their
# key (b1 is `enrollment ENROLLMENT-ARGS` instead when they are given: a
# real BMC with its password), and the N users written straight into
# passwd and shadow in group ipmi-tenants, since useradd is not what is
# measured or tested. The enrollment lines are left in $IJ_T/enrollments.
seed_tenants() {
  local n=$1 key=$2 i gid tenants=()
  shift 2
  groupadd -f ipmi-tenants
  gid=$(getent group ipmi-tenants | cut -d: -f3)
  : > "$IJ_T/enrollments"
  for i in $(seq 1 "$n"); do
    if [ "$i" = 1 ] && [ $# -gt 0 ]; then
      enrollment "$@"
    else
      enrollment "b$i" "$i" "t$i" "10.$((i / 256)).$((i % 256)).2/30" "10.$((i / 256)).$((i % 256)).1/30"
    fi >> "$IJ_T/enrollments"
    tenants+=("t$i")
    echo "t$i:x:$((20000 + i)):$gid::/nonexistent:$IJ_BIN/ipmi-wrapper" >> /etc/passwd
    echo "t$i:*:20000:0:99999:7:::" >> /etc/shadow
  done
  write_state "$IJ_T/enrollments" "$(cat "$key")" "${tenants[@]}"
}
