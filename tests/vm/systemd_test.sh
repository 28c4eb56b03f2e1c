#!/bin/bash
# The package under systemd, for real: run by tests/vm/systemd.sh in the VM
# with systemd as PID 1 and a real system bus (run-in-vm.sh IJ_VM_INIT=systemd),
# on a disk that survives a reboot. Boot 1 installs the .deb and drives the
# whole flow through the installed unit, exactly as shipped: enroll, a
# tenant's power, console and tunnel through the image's sshd, client-config's
# aliases, key add and remove, the journal's fields, D-Bus activation,
# systemctl reload, kill -9; then it reboots (exit 75). Boot 2 finds every
# link, rule and tenant back (the trunk appears after the daemon started),
# revokes, and removes and purges the package.
# usage: systemd_test.sh DEB-DIR
set -u
debs=$1
src=$(cd "$(dirname "$0")/../.." && pwd)
keep=/var/lib/ij-systemd-test    # on the VM's disk: survives the reboot
mkdir -p "$keep"
export IJ_T=$keep/t DBUS_SYSTEM_BUS_ADDRESS=unix:path=/run/dbus/system_bus_socket
mkdir -p "$IJ_T"
. "$src/tests/e2e/lib.sh"
. "$src/tests/e2e/bmc_sim.sh"
. "$src/tests/e2e/host_setup.sh"
IJ_BIN=/usr/bin

# wait_for SECONDS COMMAND...: until COMMAND succeeds.
wait_for() {
  local n=$(($1 * 5)); shift
  while ! "$@" >/dev/null 2>&1; do n=$((n - 1)); [ "$n" -gt 0 ] || return 1; sleep 0.2; done
}
has() { grep -qF -- "$2" <<<"$1"; }
main_pid() { systemctl show -p MainPID --value ipmi-jumphostd; }
# tenant KEY COMMAND...: ssh to the image's sshd as alice; sets out, err, rc.
tenant() {
  local key=$1; shift
  local o e; o=$(mktemp) e=$(mktemp)
  rc=0
  timeout 60 ssh -F /dev/null -i "$key" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o LogLevel=ERROR "$@" >"$o" 2>"$e" </dev/null || rc=$?
  out=$(cat "$o") err=$(cat "$e"); rm -f "$o" "$e"
}
# The BMC and its surroundings (gone with every boot): the trunk, the
# bridge playing the switch, the simulated BMC in its namespace.
surroundings() {
  setup_trunk
  start_switch
  start_bmc web01 101 192.168.101.10/24 192.168.101.1/24 pw-web01
}
enroll_web01() {
  run_as opadmin jumpctl enroll web01 --vlan 101 --owner alice --key "$keep/alice.pub" \
    --bmc-ip 192.168.101.10/24 --bmc-user ADMIN --bmc-password-file "$keep/web01.pw" \
    --ipmi-workarounds opensesspriv,solchannelsupport,solpayloadsize --switch-port sw-web01
}
host_has_web01() {  # everything enroll made, as the host shows it
  check "$1: VLAN link eth1.101 with the jumphost's address" sh -c "ip -o addr show dev eth1.101 | grep -q 192.168.101.1/24"
  check "$1: eth1.101 hardened (disable_ipv6, arp_ignore)" sh -c \
    "[ \$(cat /proc/sys/net/ipv6/conf/eth1.101/disable_ipv6) = 1 ] && [ \$(cat /proc/sys/net/ipv4/conf/eth1.101/arp_ignore) = 1 ]"
  check "$1: user alice with the wrapper as shell" sh -c "getent passwd alice | grep -q ':/usr/bin/ipmi-wrapper$'"
  check "$1: web01-ipmi in /etc/hosts" grep -q "^192.168.101.10[[:space:]]web01-ipmi$" /etc/hosts
  check "$1: alice's keys file" test -s /etc/ipmi-jumphost/keys/alice
  check "$1: the sshd drop-in" test -s /etc/ssh/sshd_config.d/00-ipmi-jumphost.conf
  check "$1: the firewall table" nft list table inet ipmi_jumphost
}

if [ ! -e "$keep/phase2" ]; then
  echo "# boot 1: install the package"
  deb=$(ls "$debs"/ipmi-jumphost_*_amd64.deb | head -1)
  [ -n "$deb" ] || { fail "no .deb in $debs"; finish; }
  cp "$deb" /tmp/
  out=$(DEBIAN_FRONTEND=noninteractive apt-get install -y "/tmp/${deb##*/}" 2>&1); rc=$?
  check "apt-get install ./${deb##*/}" test "$rc" = 0
  [ "$rc" = 0 ] || echo "$out" | tail -20
  check "the unit is enabled" test "$(systemctl is-enabled ipmi-jumphostd)" = enabled
  check "the service was started" wait_for 20 systemctl is-active ipmi-jumphostd
  systemctl is-active -q ipmi-jumphostd || { systemctl status --no-pager ipmi-jumphostd; journalctl -b --no-pager -o cat | tail -40; }
  check "the groups exist (sysusers)" getent group ipmi-tenants jumphost-admin
  check "jumpctl --version" test "$(jumpctl --version)" = "jumpctl $(dpkg-query -W -f='${Version}' ipmi-jumphost | cut -d- -f1)"
  check "man jumpctl is installed" test -e /usr/share/man/man8/jumpctl.8.gz
  check "the bash completion is installed" test -e /usr/share/bash-completion/completions/jumpctl
  check "the example configuration is a conffile" sh -c "dpkg-query -W -f='\${Conffiles}' ipmi-jumphost | grep -q /etc/ipmi-jumphost/jumphost.conf"
  check "the daemon said the trunk is not there yet" sh -c "journalctl -u ipmi-jumphostd -o cat | grep -q 'trunk eth1 does not exist (yet)'"

  echo "# configuration, reload, a late trunk"
  cat >> /etc/ipmi-jumphost/jumphost.conf <<CONF
# the VM's jumphost
public_host = 127.0.0.1
switch_vendor = linux
switch_trunk_port = eth1-peer
switch_bridge = sw
CONF
  pid=$(main_pid)
  systemctl reload ipmi-jumphostd
  check "systemctl reload: SIGHUP handled and logged" wait_for 10 sh -c \
    "journalctl -u ipmi-jumphostd -o cat | grep -q 'reload: configuration /etc/ipmi-jumphost/jumphost.conf read again'"
  check "systemctl reload: same process" test "$(main_pid)" = "$pid"
  surroundings
  check "the trunk's appearance is seen" wait_for 10 sh -c "journalctl -u ipmi-jumphostd -o cat | grep -q 'trunk eth1 appeared'"

  echo "# enroll through the installed service"
  useradd -m -G jumphost-admin opadmin
  ssh-keygen -q -t ed25519 -N '' -C alice -f "$keep/alice"
  ssh-keygen -q -t ed25519 -N '' -C alice2 -f "$keep/alice2"
  chmod 0644 "$keep"/*.pub
  printf 'pw-web01\n' > "$keep/web01.pw"; chown opadmin "$keep/web01.pw"; chmod 0600 "$keep/web01.pw"
  enroll_web01
  check "jumpctl enroll web01 (as opadmin)" test "$rc" = 0
  [ "$rc" = 0 ] || echo "     $out $err"
  check_eq "enroll's answer" "enrolled web01: VLAN 101 on eth1.101, BMC 192.168.101.10/24 reachable as web01-ipmi, tenant alice" "$out"
  host_has_web01 "enroll"
  apply_switch_config

  echo "# the tenant, through the image's sshd"
  tenant "$keep/alice" alice@127.0.0.1 power status
  check_eq "alice: power status" "web01: off" "$out"
  tenant "$keep/alice" alice@127.0.0.1 power on
  check_eq "alice: power on" "web01: ok" "$out"
  check_eq "the BMC is on" 1 "$(bmc_power_file web01)"
  out=$( { sleep 6; printf 'hello systemd\r'; sleep 3; printf '&.'; sleep 1; } |
    timeout 60 ssh -tt -i "$keep/alice" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
      alice@127.0.0.1 console 2>&1)
  check "alice: the console's bytes flow both ways" has "$out" "ECHO: HELLO SYSTEMD"
  check "alice: &. detaches" has "$out" "[console detached]"
  ssh -i "$keep/alice" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
    -N -L 127.0.0.1:18443:web01-ipmi:443 alice@127.0.0.1 &
  tpid=$!
  wait_for 20 sh -c "ss -ltn | grep -q '127.0.0.1:18443 '"
  got=$(timeout 10 socat -T5 - TCP:127.0.0.1:18443 </dev/null 2>/dev/null)
  check "alice: a tunnel to web01-ipmi:443" has "$got" "https-of-web01"
  kill "$tpid" 2>/dev/null; wait "$tpid" 2>/dev/null

  echo "# jumpctl client-config, pasted"
  run_as opadmin jumpctl client-config web01
  printf '%s\n' "$out" > "$keep/client-config"
  mkdir -p /root/.ssh
  { sed -n '/^Host /,/^$/p' "$keep/client-config"
    printf '\tIdentityFile %s\n\tStrictHostKeyChecking no\n\tUserKnownHostsFile /dev/null\n\tLogLevel ERROR\n' "$keep/alice"; } > /root/.ssh/config
  printf 'Host 127.0.0.1\n\tIdentityFile %s\n\tStrictHostKeyChecking no\n\tUserKnownHostsFile /dev/null\n\tLogLevel ERROR\n' "$keep/alice" >> /root/.ssh/config
  out=$(timeout 60 ssh ipmi-web01 power status 2>&1 </dev/null)
  check_eq "client-config's Host block: ssh ipmi-web01 power status" "web01: on" "$out"
  aliases=$(grep '^alias ' "$keep/client-config")
  check "client-config prints the aliases" test -n "$aliases"
  out=$(bash -O expand_aliases -c "$aliases"$'\n'"web01-power off" 2>/dev/null </dev/null)
  check_eq "alias web01-power off" "web01: ok" "$out"
  out=$(bash -O expand_aliases -c "$aliases"$'\n'"web01-power" 2>/dev/null </dev/null)
  check_eq "alias web01-power (status)" "web01: off" "$out"
  out=$(bash -O expand_aliases -c "$aliases"$'\n'"web01-power on" 2>/dev/null </dev/null)
  check_eq "alias web01-power on" "web01: ok" "$out"
  printf '%s\nweb01-console\n' "$aliases" > "$keep/console-alias.sh"
  out=$( { sleep 10; printf 'via alias\r'; sleep 4; printf '&.'; sleep 1; } 2>/dev/null |
    script -qec "bash -O expand_aliases $keep/console-alias.sh" /dev/null 2>&1)
  # The console's bytes are checked above (a direct ssh -tt); through
  # script(1)'s pty the alias attaches and detaches.
  check "alias web01-console attaches" has "$out" "[console of web01 attached"
  check "alias web01-console: &. detaches" has "$out" "[console detached]"
  bash -O expand_aliases -c "$aliases"$'\n'"web01-tunnel-443" >"$keep/tunnel-alias.out" 2>&1 </dev/null &
  apid=$!
  wait_for 20 sh -c "ss -ltn | grep -q '127.0.0.1:10443 '"
  got=$(timeout 10 socat -T5 - TCP:127.0.0.1:10443 </dev/null 2>&1)
  check "alias web01-tunnel-443 (localhost:10443)" has "$got" "https-of-web01"
  has "$got" "https-of-web01" || { echo "     socat: $got"; sed 's/^/     alias: /' "$keep/tunnel-alias.out"; ss -ltnp | grep 10443; }
  pkill -f "10443:web01-ipmi:443" 2>/dev/null; kill "$apid" 2>/dev/null; wait "$apid" 2>/dev/null

  echo "# keys"
  run_as opadmin jumpctl key add alice "$keep/alice2.pub"
  check "jumpctl key add" test "$rc" = 0
  fp=$(ssh-keygen -lf "$keep/alice2.pub" | awk '{print $2}')
  tenant "$keep/alice2" alice@127.0.0.1 power status
  check_eq "alice's second key logs in" "web01: on" "$out"
  run_as opadmin jumpctl key remove alice "$fp"
  check "jumpctl key remove" test "$rc" = 0
  tenant "$keep/alice2" alice@127.0.0.1 power status
  check "the removed key is refused by sshd" has "$err" "Permission denied (publickey)"

  echo "# the journal"
  check "journalctl BMC=web01 has the enroll" sh -c "journalctl -u ipmi-jumphostd --no-pager -o cat BMC=web01 | grep -q '^enroll web01 vlan=101 owner=alice .* by=opadmin: done'"
  check "journalctl BMC=web01 has the tenant's power on" sh -c "journalctl -u ipmi-jumphostd --no-pager -o cat BMC=web01 | grep -q '^power on web01 by=alice: web01: ok'"
  check "journalctl OPERATION=enroll RESULT=done CALLER=opadmin" sh -c "journalctl -u ipmi-jumphostd --no-pager -o cat OPERATION=enroll RESULT=done CALLER=opadmin | grep -q 'enroll web01'"
  check "journalctl TENANT=alice OPERATION=key-remove" sh -c "journalctl -u ipmi-jumphostd --no-pager -o cat TENANT=alice OPERATION=key-remove | grep -q 'key remove user=alice'"
  check "journalctl OPERATION=console-attach" sh -c "journalctl -u ipmi-jumphostd --no-pager -o cat OPERATION=console-attach BMC=web01 | grep -q 'console web01 attach by=alice: done'"
  check "no BMC password in the journal" sh -c "! journalctl --no-pager -o json | grep -q pw-web01"

  echo "# activation, kill -9"
  systemctl stop ipmi-jumphostd
  check "systemctl stop" test "$(systemctl is-active ipmi-jumphostd)" = inactive
  run_as opadmin jumpctl list
  check "D-Bus activation: jumpctl list after a stop" has "$out" "web01"
  check "D-Bus activation: the service runs again" test "$(systemctl is-active ipmi-jumphostd)" = active
  pid=$(main_pid)
  kill -9 "$pid"
  check "kill -9: systemd restarts it" wait_for 30 sh -c \
    "[ \"\$(systemctl is-active ipmi-jumphostd)\" = active ] && [ \"\$(systemctl show -p MainPID --value ipmi-jumphostd)\" != $pid ] && [ \"\$(systemctl show -p MainPID --value ipmi-jumphostd)\" != 0 ]"
  run_as opadmin jumpctl show web01
  check "kill -9: the state is intact" has "$out" "owner:             alice"
  tenant "$keep/alice" alice@127.0.0.1 power status
  check_eq "kill -9: alice's power status" "web01: on" "$out"

  echo "# systemd-analyze security"
  score=$(systemd-analyze security ipmi-jumphostd 2>/dev/null | sed -n 's/.*Overall exposure level for ipmi-jumphostd.service: \([0-9.]*\).*/\1/p')
  echo "     exposure: ${score:-none}"
  check "systemd-analyze security: no worse than 3.4 (got ${score:-none})" awk -v s="${score:-99}" 'BEGIN { exit !(s <= 3.4) }'

  echo "# reboot"
  touch "$keep/phase2"
  echo "--- boot 1: $checks checks, $failures failed"
  echo "$failures" > "$keep/failures1"
  sync
  exit 75
fi

echo "# boot 2: after the reboot"
failures=$(cat "$keep/failures1" 2>/dev/null || echo 1)
check "the service started at boot" wait_for 30 systemctl is-active ipmi-jumphostd
check "the daemon waited for the trunk" sh -c "journalctl -b -u ipmi-jumphostd -o cat | grep -q 'trunk eth1 does not exist (yet)'"
surroundings
check "the late trunk gets its VLAN link" wait_for 20 ip link show eth1.101
host_has_web01 "after the reboot"
apply_switch_config
tenant "$keep/alice" alice@127.0.0.1 power status
# The simulated BMC starts powered off (bmc_sim.sh).
check_eq "after the reboot: alice's power status" "web01: off" "$out"

echo "# revoke"
run_as opadmin jumpctl revoke web01
check_eq "jumpctl revoke web01" "revoked web01" "$out"
check_not "revoke: the link is gone" ip link show eth1.101
check_not "revoke: the user is gone" getent passwd alice
check_not "revoke: the hosts line is gone" grep -q web01-ipmi /etc/hosts
tenant "$keep/alice" alice@127.0.0.1 power status
check "revoke: alice is refused by sshd" has "$err" "Permission denied"

echo "# remove, purge"
enroll_web01
check "enroll again before the removal" test "$rc" = 0
out=$(DEBIAN_FRONTEND=noninteractive apt-get remove -y ipmi-jumphost 2>&1); rc=$?
check "apt-get remove" test "$rc" = 0
check "remove: the teardown said what it kept" has "$out" "kept the state (1 enrollment(s), 1 tenant(s))"
check_not "remove: the service is gone" systemctl is-active ipmi-jumphostd
check_not "remove: the link is gone" ip link show eth1.101
check_not "remove: the user is gone" getent passwd alice
check_not "remove: the hosts block is gone" grep -q ipmi-jumphost /etc/hosts
check_not "remove: the drop-in is gone" test -e /etc/ssh/sshd_config.d/00-ipmi-jumphost.conf
check_not "remove: the firewall table is gone" nft list table inet ipmi_jumphost
check "remove: the state is kept" test -s /var/lib/ipmi-jumphost/state.json
tenant "$keep/alice" alice@127.0.0.1 power status
check "remove: alice is refused by sshd" has "$err" "Permission denied"
out=$(DEBIAN_FRONTEND=noninteractive apt-get purge -y ipmi-jumphost 2>&1); rc=$?
check "apt-get purge" test "$rc" = 0
check_not "purge: the state is gone" test -e /var/lib/ipmi-jumphost
check_not "purge: the console logs are gone" test -e /var/log/ipmi-jumphost
check_not "purge: /etc/ipmi-jumphost is gone" test -e /etc/ipmi-jumphost
echo "--- $checks checks in boot 2, $failures failed in all"
[ "$failures" = 0 ] || { echo "--- the daemon's journal:"; journalctl -u ipmi-jumphostd --no-pager -o cat | tail -60; exit 1; }
exit 0
