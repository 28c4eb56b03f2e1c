#!/bin/bash
# The core through the real programs: ipmi-jumphostd on a private system bus,
# jumpctl as an unprivileged member of jumphost-admin, real useradd/userdel,
# sshd -t / sshd -T, netlink. Runs inside run-sandbox.sh.
set -u
. "$IJ_SRC/tests/e2e/lib.sh"

jumpctl=$IJ_BIN/jumpctl
wrapper=$IJ_BIN/ipmi-wrapper

mkdir -p /etc/ipmi-jumphost
cat > /etc/ipmi-jumphost/jumphost.conf <<CONF
# e2e sandbox
trunk = eth1
wrapper = $wrapper
public_host = jump.test
CONF

keys=$IJ_T/keys
# The tenants' block; it sorts before the usual drop-ins (sshd reads them in byte order).
dropin=/etc/ssh/sshd_config.d/00-ipmi-jumphost.conf
mkdir -m 0755 "$keys"
for k in alice bob carol; do ssh-keygen -q -t ed25519 -N '' -C "$k@e2e" -f "$keys/$k"; done
chmod 0644 "$keys"/*
printf 'command="/bin/sh" %s\n' "$(cat "$keys/bob.pub")" > "$keys/with-options.pub"
echo "ssh-ed25519 not-base64!" > "$keys/junk.pub"
cat "$keys/bob.pub" "$keys/bob.pub" > "$keys/twice.pub"
chmod 0644 "$keys"/*.pub
fp() { ssh-keygen -l -f "$1" | awk '{print $2}'; }

start_daemon
useradd -M -G jumphost-admin opadmin
useradd -M plainuser

echo "# access"
expect plainuser 1 "jumpctl: plainuser may not call List: only root and members of group jumphost-admin may" "$jumpctl" list
expect plainuser 1 "jumpctl: plainuser may not call Enroll: only root and members of group jumphost-admin may" \
  "$jumpctl" enroll web09 --vlan 109
run_as opadmin "$jumpctl" list
check_eq "an admin lists (nothing enrolled)" "0" "$rc"
run_as root "$jumpctl" list --json
check_eq "root lists as JSON" "[]" "$out"

echo "# the interface file in dbus/ is what the service exposes"
methods() { sed -n '/<interface name="org.ipmijumphost/,/<\/interface>/p' | grep -o '<method name="[A-Za-z]*"' | sort; }
check_eq "introspection matches dbus/org.ipmijumphost.Jumphost1.xml" \
  "$(methods < "$IJ_SRC/dbus/org.ipmijumphost.Jumphost1.xml")" \
  "$(dbus-send --system --print-reply=literal --dest=org.ipmijumphost.Jumphost1 /org/ipmijumphost/Jumphost1 \
       org.freedesktop.DBus.Introspectable.Introspect | methods)"

echo "# bad input, refused with nothing changed"
e="jumpctl: enroll web09:"
expect opadmin 1 "$e user root already exists and was not created by ipmi-jumphost: choose another --owner" \
  "$jumpctl" enroll web09 --vlan 109 --owner root
expect opadmin 1 "$e user daemon already exists and was not created by ipmi-jumphost: choose another --owner" \
  "$jumpctl" enroll web09 --vlan 109 --owner daemon
expect opadmin 1 "$e user opadmin already exists and was not created by ipmi-jumphost: choose another --owner" \
  "$jumpctl" enroll web09 --vlan 109 --owner opadmin
expect opadmin 1 "$e user name 'Bad User' must start with a lowercase letter" \
  "$jumpctl" enroll web09 --vlan 109 --owner "Bad User"
expect opadmin 1 "jumpctl: enroll Web_09: BMC name 'Web_09': character 1 is not a lowercase letter, digit or '-'" \
  "$jumpctl" enroll Web_09 --vlan 109
expect opadmin 1 "$e VLAN ID 0 is outside 1-4094" "$jumpctl" enroll web09 --vlan 0
expect opadmin 1 "$e VLAN ID 4095 is outside 1-4094" "$jumpctl" enroll web09 --vlan 4095
expect opadmin 2 "jumpctl: --vlan 'x1' is not a number
try 'jumpctl enroll --help'" "$jumpctl" enroll web09 --vlan x1
expect opadmin 1 "$e address '10.1.2.300' is not an IPv4 address: '300' is not a number in 0-255" \
  "$jumpctl" enroll web09 --vlan 109 --bmc-ip 10.1.2.300/24
expect opadmin 1 "$e BMC address 10.1.2.255/24 is the broadcast address of its subnet, not a host address" \
  "$jumpctl" enroll web09 --vlan 109 --bmc-ip 10.1.2.255/24
expect opadmin 1 "$e $keys/with-options.pub:1: the key carries its own options ('command=\"/bin/sh\"'): give the bare key, the daemon sets the options" \
  "$jumpctl" enroll web09 --vlan 109 --key "$keys/with-options.pub"
expect opadmin 1 "$e $keys/junk.pub:1: the key data is not valid base64" \
  "$jumpctl" enroll web09 --vlan 109 --key "$keys/junk.pub"
expect opadmin 1 "$e $keys/twice.pub: key $(fp "$keys/bob.pub") is already a key of web09" \
  "$jumpctl" enroll web09 --vlan 109 --key "$keys/twice.pub"
# A BMC subnet that overlaps the host's own networks would move their route
# to the BMC's VLAN; special-purpose ranges are never a BMC's (issue 13).
ip link add mgmt0 type veth peer name mgmt0p && ip addr add 10.1.2.3/16 dev mgmt0 && ip link set mgmt0 up &&
  ip route add 172.30.0.0/16 dev mgmt0
route_before=$(ip -4 route get 10.1.5.20)
expect opadmin 1 "$e BMC subnet 10.1.5.0/24 overlaps 10.1.0.0/16 of interface mgmt0 (address 10.1.2.3/16): choose another --bmc-ip" \
  "$jumpctl" enroll web09 --vlan 109 --bmc-ip 10.1.5.10/24
check_eq "  and the route to 10.1.5.20 still leaves through mgmt0" "$route_before" "$(ip -4 route get 10.1.5.20)"
expect opadmin 1 "$e BMC subnet 172.30.7.0/30 overlaps the route to 172.30.0.0/16 through interface mgmt0: choose another --bmc-ip" \
  "$jumpctl" enroll web09 --vlan 109 --bmc-ip 172.30.7.2/30
for special in "127.0.0.2/30 127.0.0.0/30 loopback 127.0.0.0/8" "224.0.0.2/30 224.0.0.0/30 multicast 224.0.0.0/4" \
               "169.254.7.2/30 169.254.7.0/30 link-local 169.254.0.0/16" "0.0.0.2/30 0.0.0.0/30 this network 0.0.0.0/8"; do
  set -- $special
  expect opadmin 1 "$e BMC subnet $2 overlaps $3${5:+ $4} ${5:-$4}: choose another --bmc-ip" \
    "$jumpctl" enroll web09 --vlan 109 --bmc-ip "$1"
done
ip link del mgmt0
ip link set eth1 down && ip link set eth1 name trunk-away
expect opadmin 1 "$e trunk interface eth1 does not exist: set 'trunk' (or 'trunks') in the configuration" \
  "$jumpctl" enroll web09 --vlan 109
ip link set trunk-away name eth1 && ip link set eth1 up

echo "# an enrollment in the state is applied to the host at start-up"
stop_daemon
"$IJ_BIN/tests/ij-seed-state" /var/lib/ipmi-jumphost/state.json <<SEED || exit 1
bmc web01 101 alice 192.168.101.10/24 ports=22,443 bmc_user=ADMIN bmc_password=hunter2 switch_port=sw1/0/1 enrolled_at=2026-11-25T12:00:00Z enrolled_by=root
tenant alice $(cat "$keys/alice.pub")
SEED
start_daemon

check_tenant_artifacts() {  # USER BMC ADDRESS PERMITOPEN...
  local user=$1 bmc=$2 addr=$3; shift 3
  check "$user exists, in ipmi-tenants, shell the wrapper" \
    test "$(getent passwd "$user" | cut -d: -f7):$(id -gn "$user")" = "$wrapper:ipmi-tenants"
  check "$user has no password" test "$(getent shadow "$user" | cut -d: -f2)" = "*"
  check "/etc/hosts has $addr $bmc-ipmi in the marked block" \
    grep -qx "$addr	$bmc-ipmi" <(sed -n '/^# BEGIN ipmi-jumphost/,/^# END ipmi-jumphost/p' /etc/hosts)
  local opts="restrict,pty,port-forwarding,command=\"$wrapper\""
  for p in "$@"; do opts+=",permitopen=\"$p\""; done
  check "authorized keys of $user: every key restricted to the BMC's ports" \
    test "$(grep -v '^#' "/etc/ipmi-jumphost/keys/$user" | cut -d' ' -f1 | sort -u)" = "$opts"
  # sshd reads it with the tenant's uid and groups: the tenant group may
  # read it (its members get no shell), no other local user may.
  check "authorized keys of $user: root:ipmi-tenants 0640" \
    test "$(stat -c %U:%G:%a "/etc/ipmi-jumphost/keys/$user")" = "root:ipmi-tenants:640"
  check "the tenants' sshd drop-in, root-owned 0644" \
    test "$(stat -c %U:%a "$dropin")" = "root:644"
  check_eq "no drop-in of an earlier layout (per tenant, or under the old name)" "" \
    "$(ls /etc/ssh/sshd_config.d | grep '^ipmi-jumphost' || true)"
  local uid elements p
  uid=$(id -u "$user")
  elements=$(nft list set inet ipmi_jumphost tenant_ports | tr -d '\n\t ' | sed 's/.*elements={//; s/}.*//' | tr , '\n' | grep "^$uid\." || true)
  local want_elements=""
  for p in "$@"; do want_elements+="$uid.$addr.${p##*:}"$'\n'; done
  check_eq "the firewall lets uid $uid ($user) open exactly its BMC's ports" "$(sort <<<"${want_elements%$'\n'}")" "$(sort <<<"$elements")"
  check "sshd -t accepts the live configuration" /usr/sbin/sshd -t
  local eff
  eff=$(/usr/sbin/sshd -T -C "user=$user,host=client,addr=127.0.0.1,laddr=127.0.0.1,lport=22")
  local want
  for want in "forcecommand $wrapper" "allowtcpforwarding local" "permitopen any" "permitlisten none" \
      "x11forwarding no" "allowagentforwarding no" "permittunnel no" "allowstreamlocalforwarding no" \
      "authorizedkeysfile /etc/ipmi-jumphost/keys/%u" "passwordauthentication no" "gatewayports no" \
      "trustedusercakeys /dev/null"; do
    check "sshd -T for $user: $want" grep -qx -- "$want" <<<"$eff"
  done
}
check_tenant_artifacts alice web01 192.168.101.10 web01-ipmi:22 web01-ipmi:443

echo "# the trunk is closed to untagged traffic (issue 13)"
for s in rp_filter:1 arp_ignore:1 arp_announce:2 accept_redirects:0 forwarding:0; do
  check_eq "eth1: ${s%%:*} is ${s#*:}" "${s#*:}" "$(cat "/proc/sys/net/ipv4/conf/eth1/${s%%:*}")"
done
if [ -e /proc/sys/net/ipv6/conf/eth1/disable_ipv6 ]; then
  check_eq "eth1: no IPv6 (no link-local address to reach, no router advertisement taken)" 1 \
    "$(cat /proc/sys/net/ipv6/conf/eth1/disable_ipv6)"
  check_eq "  and it has no IPv6 address" "" "$(ip -6 -o addr show dev eth1)"
fi
check "the firewall closes eth1" grep -q 'elements = { "eth1" }' <(nft list set inet ipmi_jumphost closed_trunks)
# A host on the trunk's untagged segment, with a route to one of the
# jumphost's addresses and a forged neighbour entry (the trunk answers no
# ARP), tries the jumphost's sshd; the jumphost even routes back through the
# trunk, so only the firewall stands in the way.
ip link add mgmt1 type veth peer name mgmt1p && ip addr add 10.2.0.1/24 dev mgmt1 && ip link set mgmt1 up
ip netns add untagged && ip link set eth1-peer netns untagged
ip -n untagged addr add 10.77.0.2/24 dev eth1-peer && ip -n untagged link set eth1-peer up
ip -n untagged route add 10.2.0.0/24 dev eth1-peer
ip -n untagged neigh add 10.2.0.1 lladdr "$(ip -o link show eth1 | grep -o 'link/ether [0-9a-f:]*' | cut -d' ' -f2)" \
  dev eth1-peer
ip route add 10.77.0.0/24 dev eth1
socat TCP-LISTEN:8022,bind=10.2.0.1,reuseaddr,fork SYSTEM:'echo jumphost-service' 2>/dev/null &
service=$!
for i in $(seq 1 30); do ss -ltn | grep -q '10.2.0.1:8022 ' && break; sleep 0.1; done
trunk_drops() { nft list chain inet ipmi_jumphost input | awk '/@closed_trunks/ {for (i = 1; i <= NF; i++) if ($i == "packets") print $(i + 1)}'; }
drops_before=$(trunk_drops)
check_eq "from the untagged segment a service of the jumphost does not answer" "" \
  "$(ip netns exec untagged timeout 5 socat -u TCP:10.2.0.1:8022,connect-timeout=3 - 2>/dev/null)"
check "  the firewall dropped it (its counter moved)" test "$(trunk_drops)" -gt "$drops_before"
check_eq "  while the service answers on that address" "jumphost-service" \
  "$(timeout 5 socat -u TCP:10.2.0.1:8022,connect-timeout=3 - 2>/dev/null)"
for chain in input output; do
  nft delete rule inet ipmi_jumphost "$chain" handle \
    "$(nft -a list chain inet ipmi_jumphost "$chain" | awk '/@closed_trunks/ {print $NF}')"
done
check_eq "  and answers the untagged segment once the firewall's rules are gone (the probe works)" "jumphost-service" \
  "$(ip netns exec untagged timeout 5 socat -u TCP:10.2.0.1:8022,connect-timeout=3 - 2>/dev/null)"
kill "$service"; wait "$service" 2>/dev/null
ip route del 10.77.0.0/24 dev eth1
ip -n untagged link set eth1-peer netns 1 2>/dev/null || ip -n untagged link set eth1-peer netns "$$"
ip netns del untagged
ip link set eth1-peer up
ip link del mgmt1
stop_daemon
start_daemon  # puts the firewall's rules back
check "the restart put the trunk's rules back" grep -q '@closed_trunks counter' <(nft list chain inet ipmi_jumphost output)
# The per-uid rules are the kernel's: a process of alice's uid (what sshd's
# session process is for her forwards) opens nothing but her BMC's ports.
check "root connects to sshd on 127.0.0.1:22" socat -u OPEN:/dev/null TCP:127.0.0.1:22,connect-timeout=3
check_not "a process with alice's uid cannot (the firewall drops it)" \
  setpriv --reuid alice --regid ipmi-tenants --clear-groups socat -u OPEN:/dev/null TCP:127.0.0.1:22,connect-timeout=3
check "  and the tenants' drop counter moved" grep -Eq "meta skuid @tenant_uids counter packets [1-9]" \
  <(nft list chain inet ipmi_jumphost output)
check "sshd -T for opadmin: no forced command" grep -qx "forcecommand none" <(/usr/sbin/sshd -T -C user=opadmin,host=c,addr=127.0.0.1)
check "the state file is 0600" test "$(stat -c %a /var/lib/ipmi-jumphost/state.json)" = 600

# A tenant without a BMC would get keys without permitopen=, which sshd reads
# as "any target": a state that holds one stops the daemon (issue 13).
stop_daemon
cp -p /var/lib/ipmi-jumphost/state.json "$IJ_T/state.good"
python3 - "$(cat "$keys/bob.pub")" <<'PY'
import json, sys
p = "/var/lib/ipmi-jumphost/state.json"
s = json.load(open(p))
s["tenants"].append({"user": "carol", "keys": [sys.argv[1]]})
json.dump(s, open(p, "w"))
PY
rc=0; "$IJ_BIN/ipmi-jumphostd" >"$IJ_T/refused.log" 2>&1 || rc=$?
check_eq "a tenant without a BMC in the state stops the daemon" \
  "1:error: /var/lib/ipmi-jumphost/state.json: tenant 'carol' owns no BMC (a revoke removes a tenant with their last BMC): remove the entry or restore the state (the state is kept as it is; fix or restore it, then restart)" \
  "$rc:$(cat "$IJ_T/refused.log")"
check_not "  and carol got no keys file" test -e /etc/ipmi-jumphost/keys/carol
cp -p "$IJ_T/state.good" /var/lib/ipmi-jumphost/state.json
start_daemon
run_as opadmin "$jumpctl" show web01
check "show names the key by fingerprint" grep -q "$(fp "$keys/alice.pub")" <<<"$out"
check_not "show never prints the BMC password" grep -q hunter2 <<<"$out"
run_as opadmin "$jumpctl" list --json
check_not "list --json never prints the BMC password" grep -q hunter2 <<<"$out"
check "list --json has web01" grep -q '"name": "web01"' <<<"$out"

echo "# collisions with an enrollment, refused with nothing changed"
e="jumpctl: enroll web09:"
expect opadmin 1 "$e VLAN 101 is already used by BMC web01" "$jumpctl" enroll web09 --vlan 101
expect opadmin 1 "$e address 192.168.101.20/24 overlaps the subnet 192.168.101.0/24 of BMC web01" \
  "$jumpctl" enroll web09 --vlan 109 --bmc-ip 192.168.101.20/24
expect opadmin 1 "jumpctl: enroll web01: BMC web01 is already enrolled" "$jumpctl" enroll web01 --vlan 109
expect opadmin 1 "$e $keys/alice.pub: key $(fp "$keys/alice.pub") is already a key of alice" \
  "$jumpctl" enroll web09 --vlan 109 --owner alice --key "$keys/alice.pub"
expect opadmin 1 "jumpctl: key add alice: $keys/alice.pub: key $(fp "$keys/alice.pub") is already a key of alice" \
  "$jumpctl" key add alice "$keys/alice.pub"

echo "# the firewall and the doctor"
check "the firewall covers eth1.101" grep -q 'elements = { "eth1.101" }' <(nft list table inet ipmi_jumphost)
# doctor: runs jumpctl doctor; $problems holds its PROBLEM lines, $rc its status.
doctor() { run_as opadmin "$jumpctl" doctor; problems=$(grep '^PROBLEM' <<<"$out"); }
if have_8021q; then
  expected_problems=""
else
  expected_problems="PROBLEM  VLAN link eth1.101 of BMC web01 is missing"
fi
doctor
check_eq "doctor: nothing else is wrong" "$expected_problems" "$problems"
check_eq "doctor: exit status" "$([ -n "$expected_problems" ] && echo 1 || echo 0)" "$rc"
echo 1 > /proc/sys/net/ipv4/ip_forward
doctor
check "doctor finds IP forwarding on" grep -q "PROBLEM  forwarding is on (/proc/sys/net/ipv4/ip_forward = 1)" <<<"$problems"
check_eq "  and exits 1" 1 "$rc"
echo 0 > /proc/sys/net/ipv4/ip_forward
nft delete table inet ipmi_jumphost
doctor
check "doctor finds the firewall table missing" grep -q "PROBLEM  the firewall table inet ipmi_jumphost is missing or was changed" <<<"$problems"
echo "	AllowTcpForwarding yes" >> "$dropin"
doctor
check "doctor finds the edited drop-in" grep -q "PROBLEM  sshd drop-in $dropin was changed" <<<"$problems"
stop_daemon
start_daemon
doctor
check_eq "after a restart the doctor is back to the start" "$expected_problems" "$problems"

echo "# a Match block that sshd reads before the tenants' block (issue 13)"
# sshd keeps the first value of each keyword from the Match blocks that match
# a connection: the issue's site drop-in gave a tenant connecting from its
# range a listening forward, and sshd -T from 127.0.0.1 never showed it.
effective_from() { /usr/sbin/sshd -T -C "user=$1,host=client,addr=$2,laddr=127.0.0.1,lport=22"; }
attack=$'Match Address 10.99.0.0/16\n\tAllowTcpForwarding yes\n\tPermitListen any'
printf '%s\n' "$attack" > /etc/ssh/sshd_config.d/00-site.conf
check "the issue's 00-site.conf sorts after the tenants' block: alice from 10.99.0.5 gets local forwarding only" \
  grep -qx "allowtcpforwarding local" <(effective_from alice 10.99.0.5)
check "  and no listening forward" grep -qx "permitlisten none" <(effective_from alice 10.99.0.5)
doctor
check_eq "  and the doctor has nothing to report" "$expected_problems" "$problems"
rm /etc/ssh/sshd_config.d/00-site.conf
first=/etc/ssh/sshd_config.d/00-access.conf  # sorts before 00-ipmi-jumphost.conf
printf 'AllowTcpForwarding yes\nPermitListen any\nPasswordAuthentication yes\n' > "$first"
check "global lines read before the tenants' block do not win over it" \
  grep -qx "allowtcpforwarding local" <(effective_from alice 10.99.0.5)
doctor
check_eq "  and the doctor has nothing to report" "$expected_problems" "$problems"
printf '%s\n' "$attack" > "$first"
check "the same Match block in a drop-in that sorts first wins: alice from 10.99.0.5 would forward anything" \
  grep -qx "allowtcpforwarding yes" <(effective_from alice 10.99.0.5)
check "  and listen" grep -qx "permitlisten any" <(effective_from alice 10.99.0.5)
check "  while sshd -T from 127.0.0.1 shows the restrictions" \
  grep -qx "allowtcpforwarding local" <(effective_from alice 127.0.0.1)
found="$first:1: 'Match Address 10.99.0.0/16' comes before the tenants' block in $dropin and would win over it for some connections"
expect opadmin 1 "jumpctl: enroll web09: $found: move it after, or into the main file after the Include; nothing was changed" \
  "$jumpctl" enroll web09 --vlan 109
doctor
check_eq "doctor reports the file and the line" "$(printf '%s\n' "$expected_problems" "PROBLEM  $found" | sed '/^$/d')" "$problems"
check "  and what to do" grep -qx "         fix: move it after, or into the main file after the Include" <<<"$out"
check_eq "  and exits 1" 1 "$rc"
rm "$first"
doctor
check_eq "without it the doctor is back to the start" "$expected_problems" "$problems"
listening=$(/usr/sbin/sshd -T | awk '$1 == "listenaddress" {print $2}' | paste -sd, | sed 's/,/, /g')
check "the doctor checks alice's settings on every address sshd listens on ($listening)" \
  grep -qxF "ok       sshd gives alice the tenant's restrictions on $listening" <<<"$out"
# Another port: sshd -T for 127.0.0.1:22 alone would not show what a Match
# LocalPort gives there; the doctor asks for every address sshd listens on.
cp -p /etc/ssh/sshd_config "$IJ_T/sshd_config.good"
sed -i '1i Port 22\nPort 2222' /etc/ssh/sshd_config
printf 'Match LocalPort 2222\n\tForceCommand /bin/sh\n' > /etc/ssh/sshd_config.d/0-port.conf
doctor
check_eq "a Match LocalPort read first: the doctor reports it, and what alice gets on port 2222" \
  "$(printf '%s\n' "$expected_problems" \
     "PROBLEM  /etc/ssh/sshd_config.d/0-port.conf:1: 'Match LocalPort 2222' comes before the tenants' block in $dropin and would win over it for some connections" \
     "PROBLEM  sshd gives tenant alice on [::]:2222: forcecommand /bin/sh" \
     "PROBLEM  sshd gives tenant alice on 0.0.0.0:2222: forcecommand /bin/sh" | sed '/^$/d')" "$problems"
rm /etc/ssh/sshd_config.d/0-port.conf
cp -p "$IJ_T/sshd_config.good" /etc/ssh/sshd_config

echo "# certificates: the tenants' block trusts no CA, whatever sshd trusts globally"
# Inside a Match block OpenSSH 9.2 reads TrustedUserCAKeys none as a file
# named "none"; the block says /dev/null, an empty list of CAs.
ssh-keygen -q -t ed25519 -N '' -C e2e-ca -f "$IJ_T/ca" && ssh-keygen -q -t ed25519 -N '' -f "$IJ_T/cert"
ssh-keygen -q -s "$IJ_T/ca" -I e2e -n alice,opadmin "$IJ_T/cert.pub"
cp "$IJ_T/ca.pub" /etc/ssh/e2e-ca.pub
cp -p /etc/ssh/sshd_config "$IJ_T/sshd_config.good"
sshd_hup() {  # SIGHUP and wait until sshd listens again
  kill -HUP "$(cat /run/sshd.pid)"
  local i
  for i in $(seq 1 50); do socat -u OPEN:/dev/null TCP:127.0.0.1:22,connect-timeout=1 2>/dev/null && return; sleep 0.1; done
}
echo "TrustedUserCAKeys /etc/ssh/e2e-ca.pub" >> /etc/ssh/sshd_config
sshd_hup
ssh_cert() {
  timeout 20 ssh -F /dev/null -i "$IJ_T/cert" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "$@"
}
check "with a CA trusted globally, a certificate it signed logs opadmin in" ssh_cert opadmin@127.0.0.1 true
check "  but not tenant alice" grep -q "alice@127.0.0.1: Permission denied (publickey)" <(ssh_cert alice@127.0.0.1 list 2>&1)
cp -p "$IJ_T/sshd_config.good" /etc/ssh/sshd_config
rm /etc/ssh/e2e-ca.pub
sshd_hup

firewall_before=$(nft -s list table inet ipmi_jumphost)
rewrites=$(grep -c "drift: the firewall table" "$IJ_T/daemon.log")
stop_daemon
start_daemon
check_eq "the firewall table survives a restart unchanged" "$firewall_before" "$(nft -s list table inet ipmi_jumphost)"
check_eq "  and the restart did not rewrite it" "$rewrites" "$(grep -c "drift: the firewall table" "$IJ_T/daemon.log")"
nft add element inet ipmi_jumphost tenant_uids '{ 4242 }'
doctor
check "doctor finds an element added to a set by hand" \
  grep -q "PROBLEM  the firewall table inet ipmi_jumphost is missing or was changed" <<<"$problems"
nft delete element inet ipmi_jumphost tenant_uids '{ 4242 }'
doctor
check_not "  and nothing once it is gone again" grep -q "firewall" <<<"$problems"

echo "# a BMC is reached through its link or not at all (RMCP+ must not leave by another route)"
ip link add stray0 type veth peer name stray0p && ip link set stray0 up && ip link set stray0p up
if ! have_8021q; then ip route add 192.168.101.0/24 dev stray0; fi  # web01's link could not be made here
pin_drops() { nft list chain inet ipmi_jumphost output | awk '/@bmc_addresses/ {for (i = 1; i <= NF; i++) if ($i == "packets") print $(i + 1)}'; }
before=$(pin_drops)
ip route add 192.168.101.10/32 dev stray0 2>/dev/null || true
check_eq "the daemon's way to web01 through another interface is dropped" "" \
  "$(timeout 5 socat -u TCP:192.168.101.10:623,connect-timeout=2 - 2>/dev/null)"
check "  by the firewall (its counter moved)" test "$(pin_drops)" -gt "$before"
ip link del stray0

echo "# smaller gaps (issue 13.6)"
check_eq "the daemon writes no core (it holds BMC passwords)" "0 0" \
  "$(prlimit --pid "$daemon_pid" --core --output SOFT,HARD --noheadings | tr -s ' ' | sed 's/^ //')"
# SIGPIPE (13, bit 12 of SigIgn) ignored by the daemon itself: no console
# has opened here, so FreeIPMI's console engine, which also ignores it, has
# not started.
sigign=$(awk '/^SigIgn:/ {print $2}' "/proc/$daemon_pid/status")
check "the daemon ignores SIGPIPE itself (SigIgn $sigign): a peer that goes is an error, not its end" \
  test $(( 0x$sigign >> 12 & 1 )) = 1
e="jumpctl: enroll web09:"
expect opadmin 1 "$e a group named jumphost-admin exists: choose another --owner" \
  "$jumpctl" enroll web09 --vlan 109 --owner jumphost-admin
expect opadmin 1 "$e cipher suite 0 has no authentication at all and is refused: use 3 or 17" \
  "$jumpctl" enroll web09 --vlan 109 --cipher-suite 0
# Any local user can call the bus: 50 refused calls leave at most 10 lines,
# and one summary (with who) once the window ends, with no further call.
denials() { grep -c "denied: plainuser (uid $(id -u plainuser)) called List" "$IJ_T/daemon.log" || true; }
before=$(denials) started=$SECONDS
for i in $(seq 1 50); do run_as plainuser "$jumpctl" list; done
windows=$(( (SECONDS - started) / 10 + 2 ))  # the windows the calls can span (a slow VM spans several)
logged=$(( $(denials) - before ))
check "50 refused calls: at most 10 log lines per 10 s ($logged in $((SECONDS - started)) s)" \
  test "$logged" -le $((10 * windows)) -a "$logged" -lt 50
summary="denied: [0-9]* more call(s) refused in 10 s and not logged one by one (plainuser (uid $(id -u plainuser)) [0-9]*)"
for i in $(seq 1 30); do grep -q "$summary" "$IJ_T/daemon.log" && break; sleep 1; done
check "  then one line for the rest, though the flood stopped" grep -q "$summary" "$IJ_T/daemon.log"
# A line naming a BMC outside the block would win in the resolver.
sed -i '1i 10.9.9.9\tweb01-ipmi' /etc/hosts
doctor
check "doctor finds a BMC's name outside the hosts block" grep -qF \
  "PROBLEM  /etc/hosts:1: '10.9.9.9\x09web01-ipmi' names a BMC outside the ipmi-jumphost block" <<<"$problems"
sed -i '1d' /etc/hosts
# A symlinked /etc/hosts is written where it points, the link kept.
stop_daemon
mv /etc/hosts /etc/hosts.real && ln -s hosts.real /etc/hosts
sed -i 's/^192.168.101.10\tweb01-ipmi/192.168.101.99\tweb01-ipmi/' /etc/hosts.real
start_daemon
check "a symlinked /etc/hosts stays a link" test -L /etc/hosts
check "  and the block is repaired where it points" grep -qx "192.168.101.10	web01-ipmi" /etc/hosts.real
stop_daemon
rm /etc/hosts && mv /etc/hosts.real /etc/hosts
start_daemon

echo "# the wrapper only root may change; SIGHUP reloads (issue 12)"
stop_daemon
chmod o+w "$wrapper"
rc=0; "$IJ_BIN/ipmi-jumphostd" >"$IJ_T/refused.log" 2>&1 || rc=$?
chmod o-w "$wrapper"
check_eq "a wrapper others may write stops the daemon" \
  "1:error: wrapper: $wrapper is writable by others than root: sshd would run it for every tenant; install it root-owned and not writable by others, or set 'wrapper' in /etc/ipmi-jumphost/jumphost.conf" \
  "$rc:$(cat "$IJ_T/refused.log")"
start_daemon
kill -HUP "$daemon_pid"
for i in $(seq 1 50); do grep -q "reload: configuration" "$IJ_T/daemon.log" && break; sleep 0.1; done
check "SIGHUP reads the configuration again and reconciles" grep -q "reload: configuration /etc/ipmi-jumphost/jumphost.conf read again" "$IJ_T/daemon.log"
check "  and the daemon goes on serving" kill -0 "$daemon_pid"
run_as opadmin "$jumpctl" list
check_eq "  (jumpctl list answers)" 0 "$rc"
# A reload is held to a start's checks: another trunk under enrolled BMCs
# (their links are eth1.VID) is refused and the running configuration kept.
sed -i 's/^trunk = eth1$/trunk = eth7/' /etc/ipmi-jumphost/jumphost.conf
kill -HUP "$daemon_pid"
refusal="error: reload: /var/lib/ipmi-jumphost/state.json: enrollment 'web01' has link 'eth1.101' on trunk eth1, which is not in 'trunk' (eth7): restore the state, or set 'trunk' as it was; the configuration in use is kept"
for i in $(seq 1 50); do grep -qF "$refusal" "$IJ_T/daemon.log" && break; sleep 0.1; done
check "a reload that moves the trunk under enrolled BMCs is refused" grep -qF "$refusal" "$IJ_T/daemon.log"
sed -i 's/^trunk = eth7$/trunk = eth1/' /etc/ipmi-jumphost/jumphost.conf
run_as opadmin "$jumpctl" show web01
check "  and the running one is kept (web01 still on eth1.101)" grep -q "eth1.101" <<<"$out"

echo "# keys"
run_as opadmin "$jumpctl" key add alice "$keys/bob.pub"
check_eq "key add prints the fingerprint" "added $(fp "$keys/bob.pub") to alice" "$out"
check "bob's key is in alice's file" grep -qF "$(cut -d' ' -f2 "$keys/bob.pub")" /etc/ipmi-jumphost/keys/alice
run_as opadmin "$jumpctl" key remove alice "$(fp "$keys/bob.pub")"
check_eq "key remove" "0" "$rc"
check_not "bob's key is gone" grep -qF "$(cut -d' ' -f2 "$keys/bob.pub")" /etc/ipmi-jumphost/keys/alice

echo "# restart: drift in what the daemon owns is repaired"
stop_daemon
before=$(snapshot)
# An upgrade from the layout before issue 13: the drop-in had a name that
# sorted after most site drop-ins.
mv "$dropin" /etc/ssh/sshd_config.d/ipmi-jumphost.conf
rm /etc/ipmi-jumphost/keys/alice
echo "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA0Sp4e162IfruvnML7fs1Za6zj4FBX/hC9kGRC4gdXn intruder" \
  > /etc/ipmi-jumphost/keys/mallory
sed -i 's/192.168.101.10/192.168.101.66/' /etc/hosts
start_daemon
check_eq "after a restart the host agrees with the state again" "$before" "$(snapshot)"
check "the repair is logged" grep -q "drift: /etc/ipmi-jumphost/keys/mallory belongs to no tenant; removed" "$IJ_T/daemon.log"
check "  and the drop-in's move: the old name removed" \
  grep -q "drift: /etc/ssh/sshd_config.d/ipmi-jumphost.conf belongs to no tenant; removed" "$IJ_T/daemon.log"
check "  the new one written" grep -q "drift: sshd drop-in $dropin is missing; rewritten" "$IJ_T/daemon.log"

if have_8021q; then
  echo "# the kernel has 802.1Q: enroll for real"
  check "reconcile created web01's link" ip -d link show eth1.101
  before=$(snapshot)
  handles() { nft -a list table inet ipmi_jumphost | grep -o '# handle [0-9]*' | tr '\n' ' '; }
  handles_before=$(handles)
  run_as opadmin "$jumpctl" enroll web02 --vlan 102 --owner carol --key "$keys/carol.pub" --ports 443
  check_eq "enroll web02" "enrolled web02: VLAN 102 on eth1.102, BMC 10.254.0.2/30 reachable as web02-ipmi, tenant carol" "$out"
  # A table written whole gets new handles; elements added to it keep them.
  check_eq "  the enroll added elements to the firewall's sets, it did not write the table again" \
    "$handles_before" "$(handles)"
  check "  and eth1.102 is in bmc_links" grep -q '"eth1.102"' <(nft list set inet ipmi_jumphost bmc_links)
  check "eth1.102 is 802.1Q VID 102 on eth1, up" \
    grep -q "vlan protocol 802.1Q id 102" <(ip -d link show eth1.102)
  check "eth1.102 has 10.254.0.1/30" grep -q "inet 10.254.0.1/30" <(ip addr show eth1.102)
  check_tenant_artifacts carol web02 10.254.0.2 web02-ipmi:443
  run_as opadmin "$jumpctl" revoke web02
  check_eq "revoke web02" "revoked web02" "$out"
  check_eq "revoke leaves the host as before enroll" "$before" "$(snapshot)"

  echo "# a second trunk: one switch's VLANs are shared; with a switch each, VLAN 101 again on eth2"
  ip link add eth2 type veth peer name eth2-peer && ip link set eth2 up && ip link set eth2-peer up
  cp /etc/ipmi-jumphost/jumphost.conf "$IJ_T/jumphost.conf.one-trunk"
  echo "trunks = eth1 eth2" >> /etc/ipmi-jumphost/jumphost.conf
  stop_daemon; start_daemon
  expect opadmin 1 "jumpctl: enroll web03: VLAN 101 is already used by BMC web01" \
    "$jumpctl" enroll web03 --vlan 101 --trunk eth2 --owner carol --key "$keys/carol.pub"
  # Each trunk to a switch of its own: a VLAN ID is then unique per trunk.
  echo "vlan_scope = trunk" >> /etc/ipmi-jumphost/jumphost.conf
  stop_daemon; start_daemon
  run_as opadmin "$jumpctl" enroll web03 --vlan 101 --trunk eth2 --owner carol --key "$keys/carol.pub"
  check "enroll web03 on eth2 with web01's VLAN ID" grep -q "^enrolled web03: VLAN 101 on eth2.101, " <<<"$out"
  check "  eth2.101 is 802.1Q VID 101 on eth2" grep -q "vlan protocol 802.1Q id 101" <(ip -d link show eth2.101)
  check "  and eth1.101 is still web01's" grep -q "vlan protocol 802.1Q id 101" <(ip -d link show eth1.101)
  closed=$(nft -j list set inet ipmi_jumphost closed_trunks | python3 -c 'import json, sys
print(" ".join(sorted(e for i in json.load(sys.stdin)["nftables"] if "set" in i for e in i["set"].get("elem", []))))')
  check_eq "  both trunks are closed to untagged traffic" "eth1 eth2" "$closed"
  check "  eth2 is hardened like eth1" test "$(cat /proc/sys/net/ipv6/conf/eth2/disable_ipv6)" = 1
  expect opadmin 1 "jumpctl: enroll web04: VLAN 101 is already used by BMC web03 on trunk eth2" \
    "$jumpctl" enroll web04 --vlan 101 --trunk eth2
  expect opadmin 1 "jumpctl: enroll web04: --trunk 'eth9' is not a trunk of this jumphost (trunks: eth1 eth2)" \
    "$jumpctl" enroll web04 --vlan 104 --trunk eth9
  doctor
  check_eq "  the doctor finds nothing, and checks both trunks" "" "$problems"
  check "  (eth2 among them)" grep -q "ok       the trunk eth2 is closed to untagged traffic" <<<"$out"
  run_as opadmin "$jumpctl" revoke web03
  check_not "revoke web03: eth2.101 is gone" ip link show eth2.101
  check "  eth2 carries no BMC now: not in closed_trunks" \
    grep -q 'elements = { "eth1" }' <(nft list set inet ipmi_jumphost closed_trunks)
  cp "$IJ_T/jumphost.conf.one-trunk" /etc/ipmi-jumphost/jumphost.conf
  stop_daemon; start_daemon
  ip link del eth2

  echo "# a failing step in the middle leaves nothing behind"
  echo "# BEGIN ipmi-jumphost (managed by ipmi-jumphostd, do not edit)" > /etc/hosts.tail
  cp /etc/hosts /etc/hosts.good
  sed -i '/^# END ipmi-jumphost/d' /etc/hosts
  expect opadmin 1 "jumpctl: enroll web02: step 4/7 (/etc/hosts entry) failed: /etc/hosts:$(grep -n '^# BEGIN ipmi' /etc/hosts | cut -d: -f1): the ipmi-jumphost block is not closed; fix by hand; the earlier steps were undone" \
    "$jumpctl" enroll web02 --vlan 102 --owner carol --key "$keys/carol.pub"
  cp /etc/hosts.good /etc/hosts
  rm /etc/hosts.good /etc/hosts.tail
else
  echo "# this kernel has no 802.1Q: enroll fails at step 1 and leaves nothing"
  expect opadmin 1 "jumpctl: enroll web02: step 1/7 (VLAN link) failed: cannot create VLAN link eth1.102: this kernel has no 802.1Q VLAN support (load module 8021q, or use a kernel built with CONFIG_VLAN_8021Q); nothing was changed" \
    "$jumpctl" enroll web02 --vlan 102 --owner carol --key "$keys/carol.pub"
fi

echo "# jumpctl -H: another jumphost's daemon over ssh (here this one's, through its sshd)"
# ssh reads the invoking user's ~/.ssh from the user database: homes on
# the sandbox's /run, keys and a client configuration of their own.
remote_user() {  # USER [GROUPS]
  local u=$1 home=/run/home-$1
  id "$u" >/dev/null 2>&1 || useradd -M -s /bin/sh ${2:+-G "$2"} "$u"
  usermod -d "$home" "$u"
  mkdir -p "$home/.ssh"
  ssh-keygen -q -t ed25519 -N '' -f "$home/.ssh/id_ed25519"
  cp "$home/.ssh/id_ed25519.pub" "$home/.ssh/authorized_keys"
  printf 'Host *\n\tStrictHostKeyChecking no\n\tUserKnownHostsFile /dev/null\n\tLogLevel ERROR\n\tBatchMode yes\n' \
    > "$home/.ssh/config"
  chown -R "$u:" "$home"
  chmod 0700 "$home" "$home/.ssh"
}
remote_user opadmin
remote_user plainuser
run_as opadmin "$jumpctl" list
local_list=$out
run_as opadmin "$jumpctl" -H opadmin@127.0.0.1 list
check_eq "jumpctl -H opadmin@127.0.0.1 list: what jumpctl list says here" "0:$local_list" "$rc:$out"
run_as opadmin "$jumpctl" -H opadmin@127.0.0.1:22 show web01 --json
check "  show --json too (with a port)" grep -q '"name": "web01"' <<<"$out"
run_as plainuser "$jumpctl" list
local_refusal="$rc:$err"
run_as plainuser "$jumpctl" -H plainuser@127.0.0.1 list
check_eq "  a user outside jumphost-admin there is refused there, as here" "$local_refusal" "$rc:$err"
check "  (refused)" test "$rc" = 1
run_as opadmin "$jumpctl" -H opadmin@127.0.0.1 console web01
check_eq "  console is refused with the way to do it" \
  "1:jumpctl: console cannot go through -H (ssh's pipe to the remote bus carries no sockets): ssh -t opadmin@127.0.0.1 jumpctl console web01" \
  "$rc:$err"
run_as opadmin "$jumpctl" -H opadmin@127.0.0.1:2 list
check_eq "  a host ssh cannot reach: exit 1" 1 "$rc"
check "  ssh says why, and jumpctl what to try" \
  grep -qx "jumpctl: cannot reach ipmi-jumphostd on opadmin@127.0.0.1:2 over ssh (.*): jumpctl runs ssh there with the command systemd-stdio-bridge; check that ssh logs in and that the service runs there" <<<"$err"
expect opadmin 2 "jumpctl: -H '-oProxyCommand=x': not a host name (want [USER@]HOST[:PORT])
try 'jumpctl --help'" "$jumpctl" -H -oProxyCommand=x list

echo "# revoke removes every artifact"
run_as opadmin "$jumpctl" revoke web01
check_eq "revoke web01" "revoked web01" "$out"
check_not "user alice is gone" getent passwd alice
check_not "no BMC line in /etc/hosts" grep -q web01-ipmi /etc/hosts
check_not "no marked block left in /etc/hosts" grep -q "ipmi-jumphost" /etc/hosts
check_not "alice's keys file is gone" test -e /etc/ipmi-jumphost/keys/alice
check_not "the last tenant gone, the tenants' drop-in is gone" test -e "$dropin"
check_not "link eth1.101 is gone" ip link show eth1.101
check "the state is empty" grep -q '"enrollments": \[\]' /var/lib/ipmi-jumphost/state.json
check "sshd -t still accepts the configuration" /usr/sbin/sshd -t
check "sshd still runs" kill -0 "$(cat /run/sshd.pid)"
expect opadmin 1 "jumpctl: revoke web01: no BMC of that name is enrolled" "$jumpctl" revoke web01
check "the log says who did it" grep -q "revoke web01 owner=alice by=opadmin: done" "$IJ_T/daemon.log"

finish
