#!/bin/bash
# sshd_layout_bench.sh: how the time sshd spends on its configuration for
# one login grows with the number of tenants, for three layouts: one
# Match User drop-in per tenant (the first versions), one Match Group block
# whose PermitOpen lists every tenant's targets, and one Match Group block
# with PermitOpen any (what the daemon writes; the per-tenant limits are the
# keys' permitopen= options and the firewall's per-uid rules).
# sshd re-reads its configuration for every connection, and `sshd -T -C`
# does the same work, so its wall time stands in for the per-login cost.
# Runs inside tests/e2e/run-sandbox.sh (it writes drop-ins under /etc).
# Prints median and range of RUNS runs per point.
set -u
RUNS=${RUNS:-7}
COUNTS=${COUNTS:-"1 100 1000 4000"}
dir=/etc/ssh/sshd_config.d

measure() {  # USER: prints median min max in ms of RUNS sshd -T runs
  local t=()
  for _ in $(seq 1 "$RUNS"); do
    local s e
    s=$(date +%s%N)
    /usr/sbin/sshd -T -C "user=$1,host=c,addr=127.0.0.1,laddr=127.0.0.1,lport=22" >/dev/null 2>&1
    e=$(date +%s%N)
    t+=($(((e - s) / 1000)))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f %.1f %.1f", a[int((NR+1)/2)]/1000, a[1]/1000, a[NR]/1000}'
}

per_user_dropin() {  # USER
  cat <<C
Match User $1
	AuthorizedKeysFile /etc/ipmi-jumphost/keys/$1
	AuthenticationMethods publickey
	PasswordAuthentication no
	ForceCommand /usr/bin/ipmi-wrapper
	AllowTcpForwarding local
	PermitOpen $1-bmc-ipmi:22 $1-bmc-ipmi:80 $1-bmc-ipmi:443 $1-bmc-ipmi:5900
	PermitListen none
	X11Forwarding no
	AllowAgentForwarding no
	PermitTunnel no
	AllowStreamLocalForwarding no
C
}

group_dropin() {  # PERMITOPEN
  echo "Match Group ipmi-tenants"
  per_user_dropin x | tail -n +2 | while IFS= read -r line; do
    case "$line" in
      $'\tPermitOpen '*) printf '\tPermitOpen %s\n' "$1" ;;
      *) printf '%s\n' "${line/\/keys\/x//keys/%u}" ;;
    esac
  done
}

# The measured tenant must exist and be in the group for Match Group to match.
groupadd -f ipmi-tenants
echo "tenants  layout              sshd -T median (min-max) ms"
for n in $COUNTS; do
  id "t$n" >/dev/null 2>&1 || useradd -M -g ipmi-tenants "t$n"
  rm -f "$dir"/ipmi-jumphost-*.conf
  for i in $(seq 1 "$n"); do per_user_dropin "t$i" > "$dir/ipmi-jumphost-t$i.conf"; done
  printf '%7d  %-18s  %s\n' "$n" "per-user Match" "$(measure "t$n" | awk '{printf "%s (%s-%s)", $1, $2, $3}')"
  rm -f "$dir"/ipmi-jumphost-*.conf
  union=$(for i in $(seq 1 "$n"); do printf 't%s-bmc-ipmi:22 t%s-bmc-ipmi:80 t%s-bmc-ipmi:443 t%s-bmc-ipmi:5900 ' "$i" "$i" "$i" "$i"; done)
  group_dropin "$union" > "$dir/ipmi-jumphost-tenants.conf"
  printf '%7d  %-18s  %s\n' "$n" "Match Group+union" "$(measure "t$n" | awk '{printf "%s (%s-%s)", $1, $2, $3}')"
  group_dropin any > "$dir/ipmi-jumphost-tenants.conf"
  printf '%7d  %-18s  %s\n' "$n" "Match Group, any" "$(measure "t$n" | awk '{printf "%s (%s-%s)", $1, $2, $3}')"
done
rm -f "$dir"/ipmi-jumphost-*.conf
check=$(group_dropin any > "$dir/ipmi-jumphost-tenants.conf"; /usr/sbin/sshd -T -C "user=t1,host=c,addr=127.0.0.1" | grep -c "^forcecommand /usr/bin/ipmi-wrapper")
echo "(the Match Group block applies to a tenant: $check; machine: $(nproc) CPU(s), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(date -u +%F))"
rm -f "$dir"/ipmi-jumphost-*.conf
