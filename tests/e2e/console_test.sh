#!/bin/bash
# The console server through the real path (issue 14): ssh → sshd →
# ipmi-wrapper → D-Bus → ipmi-jumphostd's console loop → libipmiconsole →
# ipmi_sim, whose SOL is a "host serial port" the test drives (bmc_sim.sh:
# serial_print makes the host print a line, serial_typed is what reached it).
# Runs inside run-sandbox.sh; the BMCs sit on veths (no VLANs needed here).
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
. "$IJ_SRC/tests/e2e/bmc_sim.sh"
export IJ_BMC_VETH=1

jumpctl=$IJ_BIN/jumpctl
logdir=/var/log/ipmi-jumphost/console
log=$logdir/web01.log
mkdir -p /etc/ipmi-jumphost
cat > /etc/ipmi-jumphost/jumphost.conf <<CONF
trunk = eth1
wrapper = $IJ_BIN/ipmi-wrapper
public_host = jump.test
console_log = always
console_log_max = 65536
CONF
keys=$IJ_T/keys
mkdir -m 0755 "$keys"
for k in alice bob; do ssh-keygen -q -t ed25519 -N '' -C "$k@e2e" -f "$keys/$k"; done
chmod 0644 "$keys"/*.pub

start_bmc web01 101 192.168.101.10/24 192.168.101.1/24 pw-web01
start_bmc db01 102 192.168.102.10/24 192.168.102.1/24 pw-db01
mkdir -p -m 0711 /var/lib/ipmi-jumphost
{
  for b in "web01 101 alice" "db01 102 bob"; do
    set -- $b
    echo "bmc $1 $2 $3 192.168.$2.10/24 bmc_user=ADMIN bmc_password=pw-$1 enrolled_at=2026-11-25T12:00:00Z" \
      "workarounds=opensesspriv,solchannelsupport,solpayloadsize"
  done
  echo "tenant alice $(cat "$keys/alice.pub")"
  echo "tenant bob $(cat "$keys/bob.pub")"
} | "$IJ_BIN/tests/ij-seed-state" /var/lib/ipmi-jumphost/state.json || exit 1
start_daemon
useradd -M -G jumphost-admin opadmin

ssh_opts=(-F /dev/null -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no
          -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)
ssh_as() {  # USER [ssh args...]: sets $out, $err, $rc
  local user=$1; shift
  rc=0
  ssh "${ssh_opts[@]}" -i "$keys/$user" "$@" >"$IJ_T/o" 2>"$IJ_T/e" || rc=$?
  out=$(cat "$IJ_T/o") err=$(cat "$IJ_T/e")
}
# wait_for FILE TEXT [TENTHS]: until FILE holds TEXT.
wait_for() {
  local i
  for i in $(seq 1 "${3:-100}"); do grep -qaF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
state_of() { run_as opadmin "$jumpctl" consoles --json; jq -r ".[] | select(.name == \"$1\") | .state" <<<"$out"; }
# attach NAME USER COMMAND...: a console session in the background, its
# input a FIFO held open on fd in_NAME, its output in $IJ_T/NAME.out.
declare -A sess_pid sess_fd
attach() {
  local name=$1 user=$2; shift 2
  mkfifo "$IJ_T/$name.in"
  if [ "$user" = opadmin ]; then
    script -qfec "runuser -u opadmin -- $jumpctl $*" /dev/null < "$IJ_T/$name.in" > "$IJ_T/$name.out" 2>&1 &
  else
    ssh "${ssh_opts[@]}" -i "$keys/$user" -tt "$user@127.0.0.1" "$@" < "$IJ_T/$name.in" > "$IJ_T/$name.out" 2>&1 &
  fi
  sess_pid[$name]=$!
  local fd
  exec {fd}>"$IJ_T/$name.in"
  sess_fd[$name]=$fd
}
type_in() { ( printf "$2" >&"${sess_fd[$1]}" ) 2>/dev/null; }
detach() {
  local fd=${sess_fd[$1]}
  ( printf '&.' >&"$fd" ) 2>/dev/null  # in a subshell: a session already gone is a SIGPIPE
  exec {fd}>&-
  local i
  for i in $(seq 1 50); do kill -0 "${sess_pid[$1]}" 2>/dev/null || break; sleep 0.1; done
  kill "${sess_pid[$1]}" 2>/dev/null
  wait "${sess_pid[$1]}" 2>/dev/null
}

echo "# always: the console is held and logged while nobody is attached"
for i in $(seq 1 150); do [ "$(state_of web01)" = up ] && break; sleep 0.1; done
check_eq "web01's console is up with nobody attached" up "$(state_of web01)"
serial_print web01 "BIOS POST: memory 65536 MB ok"
serial_print web01 "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)"
check "the log holds what the host printed while nobody was attached" wait_for "$log" "Kernel panic - not syncing"
check_eq "the log is root's and not world-readable" "600 root" "$(stat -c '%a %U' "$log")"
check_eq "  in a directory only root may enter" "750 root" "$(stat -c '%a %U' "$logdir")"

echo "# replay on attach, before live output"
attach a1 alice console web01
check "the replay comes first" wait_for "$IJ_T/a1.out" "[console web01: live]"
replay=$(sed -n '/the last [0-9]* bytes\]/,/\[console web01: live\]/p' "$IJ_T/a1.out")
check "  with the host's last lines, exactly" grep -qF "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)" <<<"$replay"
check "  and the BIOS line before it" grep -qF "BIOS POST: memory 65536 MB ok" <<<"$replay"
check "the first attachment has the keyboard" wait_for "$IJ_T/a1.out" "[console web01: you have the keyboard]"

echo "# two sessions of one tenant share it; one keyboard"
attach a2 alice console web01
check "the second joins read-only and is told who types" \
  wait_for "$IJ_T/a2.out" "[console web01: read-only; alice has the keyboard (&F takes it)]"
type_in a1 'from-the-writer\r'
type_in a2 'from-the-reader\r'
check "the writer's line reaches the host's serial port" wait_for "$IJ_T/bmc-web01/typed" "from-the-writer"
check "both see the host's answer" wait_for "$IJ_T/a2.out" "ECHO: FROM-THE-WRITER"
check "  (the writer too)" wait_for "$IJ_T/a1.out" "ECHO: FROM-THE-WRITER"
check "the reader is told it is read-only" wait_for "$IJ_T/a2.out" "you are read-only; &F takes the keyboard"
check_not "  and its line never reaches the host" grep -q "from-the-reader" "$IJ_T/bmc-web01/typed"
type_in a2 '&F'
check "&F takes the keyboard; the writer is told" wait_for "$IJ_T/a1.out" "alice took the keyboard; you are read-only now"
type_in a2 'now-the-reader-types\r'
check "  and the new holder's line reaches the host" wait_for "$IJ_T/bmc-web01/typed" "now-the-reader-types"
type_in a1 '&I'
check "&I says who is attached" wait_for "$IJ_T/a1.out" "attached: alice (read-only, since"
echo "# a paste larger than libipmiconsole's first keystroke buffer (2 KiB) reaches the host whole"
# The library grows that buffer as it fills; with its LOCK_MEMORY flag the
# grown buffer came without the bytes it held (FreeIPMI 1.6.10, scbuf_grow).
paste=$(for i in $(seq 1 300); do printf 'p%04d-6789' "$i"; done)
type_in a2 "$paste\r"
check "  all 3,000 bytes, in order" wait_for "$IJ_T/bmc-web01/typed" "$paste" 200
check_not "  and no NUL in what the host got" grep -qaP '\x00' "$IJ_T/bmc-web01/typed"

echo "# an operator joins read-only; another tenant cannot"
attach op opadmin console web01 --read-only
check "jumpctl console --read-only joins" wait_for "$IJ_T/op.out" "[console web01: read-only; alice has the keyboard"
check "the tenant sees the operator join" wait_for "$IJ_T/a1.out" "[console web01: operator opadmin attached]"
check "the operator sees the console" wait_for "$IJ_T/op.out" "[console web01: the last"
run_as opadmin "$jumpctl" consoles --json
check_eq "jumpctl consoles: web01 up with three attachments" "up 3 1" \
  "$(jq -r '.[] | select(.name == "web01") | "\(.state) \(.attached | length) \([.attached[] | select(.by_operator)] | length)"' <<<"$out")"
run_as opadmin "$jumpctl" consoles
check "jumpctl consoles (text) names the keyboard's holder" grep -q "alice (keyboard since" <<<"$out"
check "the join is audited" grep -q "console web01 attach by=opadmin: done" "$IJ_T/daemon.log"
ssh_as bob bob@127.0.0.1 console web01 </dev/null
check_eq "another tenant cannot join" "1:you have no BMC named web01" "$rc:$err"
ssh_as bob bob@127.0.0.1 log web01 </dev/null
check_eq "  nor read its log" "1:you have no BMC named web01" "$rc:$err"

echo "# a stalled viewer does not hold the others up"
attach stalled alice console web01 --read-only
wait_for "$IJ_T/stalled.out" "read-only;" || true
kill -STOP "${sess_pid[stalled]}"
t0=$(date +%s%N)
serial_print web01 "line-while-one-viewer-is-stopped"
check "a live viewer gets the host's line while another is stopped" wait_for "$IJ_T/a1.out" "line-while-one-viewer-is-stopped" 300
echo "     (in $(( ($(date +%s%N) - t0) / 1000000 )) ms, serial port to viewer)"
kill -CONT "${sess_pid[stalled]}"
check "  and the stopped one catches up when it runs again" wait_for "$IJ_T/stalled.out" "line-while-one-viewer-is-stopped"
for s in stalled op a2 a1; do detach "$s"; done
check "&. detaches" grep -qF "[console detached]" "$IJ_T/a1.out"

echo "# the tenant reads the log without attaching"
ssh_as alice alice@127.0.0.1 log web01 --lines 200 </dev/null
check "log prints the console's last lines" grep -qF "Kernel panic - not syncing" <<<"$out"
check "  with the daemon's markers: who attached, and when" grep -qE "\[console web01 [0-9T:-]+Z: operator opadmin attached\]" <<<"$out"
ssh_as alice alice@127.0.0.1 log web01 --lines 0 </dev/null
check_eq "a bad line count is refused by the grammar" "1:Sorry. Only these commands are available to you: power, console, log, bootdev, identify, sel, sensors, list, help" "$rc:$err"
run_as opadmin "$jumpctl" console-log web01 --lines 5
check "jumpctl console-log reads it too" test -n "$out"

echo "# the BMC goes away and comes back: reconnected, with both markers"
stop_bmc_sim web01
check "the loss is noticed and logged" wait_for "$log" ", reconnecting]" 300
t0=$(date +%s%N)
restart_bmc_sim web01
check "the console reconnects once the BMC is back" wait_for "$log" "reconnected after" 300
echo "     (reconnected $(( ($(date +%s%N) - t0) / 1000000 )) ms after ipmi_sim started again)"
run_as opadmin "$jumpctl" consoles --json
check "jumpctl consoles shows the last reconnect" test -n "$(jq -r '.[] | select(.name == "web01") | .last_reconnect' <<<"$out")"
serial_print web01 "after-the-bmc-came-back"
check "  and logs again" wait_for "$log" "after-the-bmc-came-back"

echo "# a power action is marked in the console's log"
ssh_as alice alice@127.0.0.1 power on web01 </dev/null
check "power on by alice is in web01's log" wait_for "$log" "power on by alice: done]"

echo "# a restart of the daemon resumes logging"
stop_daemon
start_daemon
# ipmi_sim reconnects its serial port when SOL is activated again, and a
# line printed before that is not there to print: the host prints until one
# is logged.
for i in $(seq 1 30); do
  serial_print web01 "printed-after-the-restart"
  wait_for "$log" "printed-after-the-restart" 10 && break
done
check "the always console logs again after a restart" grep -qF "printed-after-the-restart" "$log"

echo "# rotation loses no byte"
for i in $(seq 1 1400); do printf 'seq %05d of the rotation test, padded to fifty bytes\n' "$i"; done >> "$IJ_T/bmc-web01/feed"
check "the last line arrives" wait_for "$log" "seq 01400 of the rotation" 600
check "the log was rotated (web01.log.1)" test -s "$log.1"
seqs=$(cat $(ls -r "$log".[0-9] 2>/dev/null) "$log" | tr -d '\r' | sed -n 's/^seq \([0-9]*\) of the rotation.*/\1/p')
check_eq "every line is there once, in order, across the files" "$(seq -f '%05g' 1 1400)" "$seqs"
check_eq "no file is over console_log_max" "" "$(find "$logdir" -name 'web01.log*' -size +65536c)"

check_not "no BMC password in any console log" grep -r -q -e pw-web01 -e pw-db01 "$logdir"
check_not "nor in the daemon's" grep -q -e pw-web01 -e pw-db01 "$IJ_T/daemon.log"

echo "# a SOL session held outside the jumphost: reported; an operator deactivates it"
# db01's console is held only while attached, so FreeIPMI's own ipmiconsole
# (a client outside the jumphost, as a forgotten one on an admin's laptop
# would be) can take its SOL first. Its password from a file, not argv.
run_as opadmin "$jumpctl" set db01 --console-log attached
for i in $(seq 1 100); do [ "$(state_of db01)" = down ] && break; sleep 0.1; done
check_eq "db01's console is let go (attached, nobody attached)" down "$(state_of db01)"
printf 'password pw-db01\n' > "$IJ_T/ipmiconsole.conf"
chmod 0600 "$IJ_T/ipmiconsole.conf"
mkfifo "$IJ_T/outside.in"
script -qfec "ipmiconsole --config-file $IJ_T/ipmiconsole.conf -h 192.168.102.10 -u ADMIN \
  -W opensesspriv,solchannelsupport,solpayloadsize" /dev/null < "$IJ_T/outside.in" > "$IJ_T/outside.out" 2>&1 &
outside_pid=$!
exec {outside_fd}>"$IJ_T/outside.in"
check "FreeIPMI's ipmiconsole holds db01's SOL" wait_for "$IJ_T/outside.out" "[SOL established]" 150
serial_print db01 "printed-to-the-outside-client"
check "  and gets what the host prints" wait_for "$IJ_T/outside.out" "printed-to-the-outside-client"
attach b1 bob console db01
check "the tenant is told the SOL is in use elsewhere" wait_for "$IJ_T/b1.out" "in use by another SOL session" 150
check_eq "jumpctl consoles: db01 is busy" busy "$(state_of db01)"
check_not "  and nothing was stolen: the outside client still holds it" grep -qi "stolen\|deactivated" "$IJ_T/outside.out"
run_as opadmin "$jumpctl" console db01 --deactivate
check_eq "jumpctl console db01 --deactivate" "0:console db01: the SOL session that held the BMC's serial console is ended (if one was active); the jumphost's console connects again" "$rc:$out"
check "the tenant is told who freed it" wait_for "$IJ_T/b1.out" "[console db01: the BMC's SOL session was deactivated by operator opadmin; connecting]"
check "  and the tenant's console connects" wait_for "$IJ_T/b1.out" "[console db01: connected]" 150
serial_print db01 "printed-after-the-deactivation"
check "the host's output reaches the tenant now" wait_for "$IJ_T/b1.out" "printed-after-the-deactivation" 150
check_not "  and no longer the outside client" grep -q "printed-after-the-deactivation" "$IJ_T/outside.out"
check "the deactivation is audited" grep -q "console db01 deactivate by=opadmin: done" "$IJ_T/daemon.log"
check "  and marked in db01's console log" grep -q "deactivated by operator opadmin" "$logdir/db01.log"
echo "     (the outside client said: $(tr -d '\r' < "$IJ_T/outside.out" | grep -v '^$' | tail -1))"
detach b1
exec {outside_fd}>&-
pkill -f "ipmiconsole --config-file $IJ_T/ipmiconsole.conf" 2>/dev/null
kill "$outside_pid" 2>/dev/null
wait "$outside_pid" 2>/dev/null
check "  started, then done" grep -q "console db01 deactivate by=opadmin: started" "$IJ_T/daemon.log"
audited=$(grep -c "console db01 deactivate by=" "$IJ_T/daemon.log")
run_as bob "$jumpctl" console db01 --deactivate
check_eq "a tenant cannot deactivate: the daemon refuses the Manager call" 1 "$rc"
check "  and says who called" grep -q "denied: bob (uid $(id -u bob)) called DeactivateConsole" "$IJ_T/daemon.log"
check_eq "  and nothing was done" "$audited" "$(grep -c "console db01 deactivate by=" "$IJ_T/daemon.log")"
echo "     (jumpctl told bob: $err)"
check_not "no BMC password in a console log after the deactivation" grep -r -q -e pw-web01 -e pw-db01 "$logdir"
check_not "  nor in the daemon's" grep -q -e pw-web01 -e pw-db01 "$IJ_T/daemon.log"

echo "# a revoke ends the console; its log is kept"
attach a3 alice console web01
wait_for "$IJ_T/a3.out" "keyboard]" || true
run_as opadmin "$jumpctl" revoke web01
check_eq "revoke web01" 0 "$rc"
# alice owned only web01: her user and her sessions go with it.
ended=no
for i in $(seq 1 50); do kill -0 "${sess_pid[a3]}" 2>/dev/null || { ended=yes; break; }; sleep 0.1; done
check_eq "the attached tenant's session ends" yes "$ended"
detach a3
ended_log=$(ls "$log".ended-* 2>/dev/null | head -1)
check "the log is kept aside (web01.log.ended-…), with the revoke in it" grep -qF "the BMC was revoked]" "${ended_log:-/nonexistent}"
check_not "  and no web01.log is left for a BMC enrolled again under the name" test -e "$log"

echo "# a site libipmiconsole.conf with lockmemory: no console starts, and the daemon says why (no crash)"
# FreeIPMI 1.6.10 would allocate each context locked and the daemon's flags
# make it free it with free(): the daemon reads the file first.
mkdir -p /etc/freeipmi
printf 'libipmiconsole-context-engine-flags lockmemory\n' > /etc/freeipmi/libipmiconsole.conf
stop_daemon
start_daemon
attach b2 bob console db01
check "the tenant is told why the console does not start" wait_for "$IJ_T/b2.out" "sets the engine flag lockmemory" 150
check "  and the journal says it" grep -q "libipmiconsole.conf sets the engine flag lockmemory" "$IJ_T/daemon.log"
detach b2
# Without the check the context's free came within seconds of the detach,
# and the daemon died of it (SIGSEGV): it is watched for 10 s.
alive=yes
for i in $(seq 1 20); do kill -0 "$daemon_pid" 2>/dev/null || { alive=no; break; }; sleep 0.5; done
check_eq "the daemon still runs 10 s after the detach" yes "$alive"
rm /etc/freeipmi/libipmiconsole.conf
finish
