# Helpers for the end-to-end scripts; sourced inside run-sandbox.sh's sandbox.
# Every check prints "ok" or "FAIL" with what it saw; finish() exits 1 if any failed.

failures=0
checks=0

ok() { checks=$((checks + 1)); echo "ok   $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL $*"; }

# check DESCRIPTION COMMAND...: passes when COMMAND exits 0.
check() {
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then ok "$what"; else fail "$what (command: $*)"; fi
}

# check_not DESCRIPTION COMMAND...: passes when COMMAND fails.
check_not() {
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then fail "$what (command succeeded: $*)"; else ok "$what"; fi
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1"; diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/     /'; fi
}

# run_as USER COMMAND...: runs COMMAND as USER with that user's groups, a
# clean environment and the sandbox's system bus. Sets $out, $err, $rc.
run_as() {
  local user=$1; shift
  local o e
  o=$(mktemp) e=$(mktemp)
  rc=0
  setpriv --reuid="$user" --regid="$(id -gn "$user")" --init-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" "$@" \
    >"$o" 2>"$e" </dev/null || rc=$?
  out=$(cat "$o") err=$(cat "$e")
  rm -f "$o" "$e"
}

# expect USER RC STDERR COMMAND...: COMMAND run as USER exits RC with exactly
# STDERR (one line), and the host is as it was before.
expect() {
  local user=$1 want_rc=$2 want_err=$3; shift 3
  local before after
  before=$(snapshot)
  run_as "$user" "$@"
  after=$(snapshot)
  if [ "$rc" = "$want_rc" ] && [ "$err" = "$want_err" ] && [ "$before" = "$after" ]; then
    ok "refused: ${*: -3}: $want_err"
  else
    fail "$* as $user: want rc $want_rc, got $rc"
    [ "$err" = "$want_err" ] || { echo "     want: $want_err"; echo "     got:  $err"; }
    [ "$before" = "$after" ] || { echo "     the host changed:"; diff <(echo "$before") <(echo "$after") | sed 's/^/     /'; }
  fi
}

# Everything the daemon may change, as text.
snapshot() {
  echo "== links"; ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort
  echo "== addresses"; ip -o -4 addr show | awk '{print $2, $4}' | sort
  echo "== routes"; ip -4 route show table all | sort
  echo "== passwd"; cat /etc/passwd; echo "== group"; cat /etc/group; echo "== shadow"; cat /etc/shadow
  echo "== hosts"; cat /etc/hosts
  # The firewall's sets, each sorted (the kernel lists a set in its own order).
  echo "== firewall"
  nft -j list table inet ipmi_jumphost 2>/dev/null | python3 -c '
import json, sys
for item in json.load(sys.stdin)["nftables"]:
    s = item.get("set")
    if s: print(s["name"], sorted(json.dumps(e) for e in s.get("elem", [])))' 2>/dev/null
  for d in /etc/ipmi-jumphost/keys /etc/ssh/sshd_config.d /var/lib/ipmi-jumphost; do
    echo "== $d"
    [ -d "$d" ] && find "$d" -type f -printf '%p %m %u\n' -exec cat {} \; | sort
  done
}

daemon_pid=
start_daemon() {
  # As the unit starts it (systemd/ipmi-jumphostd.service.in).
  GLIBC_TUNABLES=glibc.malloc.tcache_count=0 "$IJ_BIN/ipmi-jumphostd" "$@" >>"$IJ_T/daemon.log" 2>&1 &
  daemon_pid=$!
  local i
  for i in $(seq 1 "${IJ_DAEMON_START_TENTHS:-100}"); do
    if dbus-send --system --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
         org.freedesktop.DBus.NameHasOwner string:org.ipmijumphost.Jumphost1 2>/dev/null | grep -q 'boolean true'; then
      return 0
    fi
    kill -0 "$daemon_pid" 2>/dev/null || break
    sleep "${IJ_DAEMON_POLL:-0.1}"
  done
  echo "the daemon did not come up; its log:"; cat "$IJ_T/daemon.log"
  exit 1
}

stop_daemon() {
  [ -n "$daemon_pid" ] || return 0
  kill "$daemon_pid"
  wait "$daemon_pid" || true
  daemon_pid=
}

# Whether this kernel can make 802.1Q links (the sandbox's netns is thrown away).
have_8021q() {
  ip link add link eth1 name ij-probe type vlan id 4094 2>/dev/null && ip link del ij-probe
}

finish() {
  stop_daemon
  echo "--- $checks checks, $failures failed"
  if [ "$failures" != 0 ]; then
    echo "--- daemon log:"; cat "$IJ_T/daemon.log"
    exit 1
  fi
  exit 0
}
