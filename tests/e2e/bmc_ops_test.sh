#!/bin/bash
# The daemon's FreeIPMI-backed Bmc (daemon/ipmi: libfreeipmi and
# libipmimonitoring) against ipmi_sim, through tests/tools/bmc_ops.cc, with
# FreeIPMI's own tools (ipmi-sensors, ipmi-sel, ipmi-chassis, bmc-info) and
# ipmitool as the reference. Runs inside run-sandbox.sh; the simulated BMC
# sits on a veth (no daemon, no VLANs needed).
set -u
. "$IJ_SRC/tests/e2e/lib.sh"
. "$IJ_SRC/tests/e2e/bmc_sim.sh"
export IJ_BMC_VETH=1

start_bmc web01 101 192.168.101.10/24 192.168.101.1/24 pw-web01
host=192.168.101.10
nobody_there=192.168.101.99
# opensesspriv: ipmi_sim's sessions; nochecksumcheck: its Chassis Identify
# answer (bmc_sim.sh).
workarounds=opensesspriv,nochecksumcheck
cache=$IJ_T/cache/sdr

# ops [--password PW] [ARGS...]: our tool, the password in the environment.
ops() {
  local pw=pw-web01
  if [ "$1" = --password ]; then pw=$2; shift 2; fi
  IJ_BMC_PASSWORD=$pw "$IJ_BIN/tests/ij-bmc-ops" --name web01 --workarounds "$workarounds" --sdr-cache "$cache" "$@"
}
# FreeIPMI's tools, the password in a configuration file (not argv); TZ=UTC
# so that ipmi-sel prints the SEL's clock as it is.
printf 'username ADMIN\npassword pw-web01\nprivilege-level ADMIN\nworkaround-flags %s\n' "$workarounds" \
  > "$IJ_T/freeipmi.conf"
chmod 600 "$IJ_T/freeipmi.conf"
ref() { local tool=$1; shift; TZ=UTC "$tool" -D LAN_2_0 -h "$host" --config-file "$IJ_T/freeipmi.conf" "$@" 2>&1; }
mkdir -m 0700 "$IJ_T/ref-cache"
# -C 3: without a suite, ipmitool first asks for the cipher suites in a
# form ipmi_sim does not answer, and waits out its retries.
ipmitool_() { IPMI_PASSWORD=pw-web01 ipmitool -I lanplus -C 3 -H "$host" -U ADMIN -E "$@" 2>/dev/null; }
# The cipher suite IDs read by hand from Get Channel Cipher Suites through
# ipmitool raw (ipmitool's own "channel getciphers" stops after 64 bytes):
# C0h ID, or C1h ID and a 3-byte IANA, then algorithm bytes (below C0h).
raw_cipher_suites() {
  local i b id out="" chunk=() all=()
  local -A seen=()
  for i in $(seq 0 63); do
    chunk=($(ipmitool_ raw 0x06 0x54 0x0e 0x00 $((0x80 + i))))
    [ ${#chunk[@]} -gt 0 ] || break
    all+=("${chunk[@]:1}")  # after the channel number
    [ $((${#chunk[@]} - 1)) -lt 16 ] && break
  done
  for ((i = 0; i < ${#all[@]}; i++)); do
    b=$((16#${all[i]}))
    [ $b -ge $((0xc0)) ] || continue
    id=$((16#${all[i + 1]}))
    [ -n "${seen[$id]:-}" ] || { seen[$id]=1; out+="${out:+ }$id"; }
    i=$((i + (b == 0xc1 ? 4 : 1)))
  done
  echo "$out"
}

# A BMC that is not there answers nothing: started first, in the
# background, as it takes the whole session timeout.
ops "$nobody_there" probe > "$IJ_T/gone.out" 2> "$IJ_T/gone.err" &
gone_pid=$!
t0=$(date +%s)

echo "# sensors: libipmimonitoring against ipmi-sensors"
ours=$(ops "$host" sensors)
# ipmi-sensors: ID,Name,Type,State,Reading,Units,Event ('A' 'B') -> our lines.
theirs=$(ref ipmi-sensors --no-header-output --comma-separated-output --output-sensor-state \
           --sdr-cache-directory "$IJ_T/ref-cache" --sdr-cache-recreate | grep -v '^Caching' |
         awk -F, '{ unit = ($6 == "N/A") ? "" : $6; ev = $7; gsub(/^'"'"'|'"'"'$/, "", ev); gsub(/'"'"' '"'"'/, "; ", ev);
                    print $1 "|" $2 "|" $3 "|" $5 "|" unit "|" tolower($4) "|" ev }')
check_eq "every sensor as ipmi-sensors reads it" "$theirs" "$ours"
check "  a threshold sensor with its value and unit" grep -qx '1|CPU Temp|Temperature|45.00|C|nominal|OK' <<<"$ours"
check "  a fan in RPM" grep -qx '3|FAN1|Fan|4800.00|RPM|nominal|OK' <<<"$ours"
check "  a discrete sensor with its events and state" \
  grep -qx '5|PSU1 Status|Power Supply|N/A||critical|Presence detected; Power Supply Failure detected' <<<"$ours"
file=$cache/web01/sdr-cache-$host
check_eq "the SDR cache: a directory per BMC name, root's alone" "755 root 700 root 700 root yes" \
  "$(stat -c '%a %U' "$IJ_T/cache" "$cache" "$cache/web01" | tr '\n' ' ')$(test -s "$file" && echo yes)"
before=$(stat -c %y "$file")
ops "$host" sensors > /dev/null
check_eq "  read again from the cache, not rewritten" "$before" "$(stat -c %y "$file")"
# ipmi_sim stamps its SDR repository with the time it starts: a restart is
# an SDR that changed since the cache was written.
stop_bmc_sim web01
sleep 1.1
restart_bmc_sim web01
check_eq "  after the BMC's SDR changed the sensors read the same" "$ours" "$(ops "$host" sensors)"
check_not "  from a cache written again" test "$before" = "$(stat -c %y "$file")"
chmod 0770 "$cache"
ops "$host" sensors > /dev/null 2> "$IJ_T/err"
check_eq "a cache directory others may write to is refused" \
  "ij-bmc-ops: SDR cache: $cache must be root's and writable by nobody else (it is uid 0's, mode 0770)" "$(cat "$IJ_T/err")"
chmod 0700 "$cache"
ops --password wrong "$host" sensors > /dev/null 2> "$IJ_T/err"
check_eq "a wrong password: the words of every other operation" \
  "ij-bmc-ops: BMC web01 ($host) refused the IPMI user name or password" "$(cat "$IJ_T/err")"

echo "# the event log against ipmi-sel"
ref bmc-device --set-sel-time=now > /dev/null
# Two events from the BMC's own sensors (generator 20h: the SDR names them;
# Add SEL Entry, the timestamp is the BMC's) and one from ipmitool's file
# (generator 41h, a sensor the SDR does not know).
ipmitool_ raw 0x0a 0x44 0x00 0x00 0x02 0 0 0 0 0x20 0x00 0x04 0x01 0x02 0x01 0x59 0x2e 0x2d > /dev/null
ipmitool_ raw 0x0a 0x44 0x00 0x00 0x02 0 0 0 0 0x20 0x00 0x04 0x08 0x05 0x6f 0x01 0xff 0xff > /dev/null
echo '0x04 0x07 0x04 0x6f 0x00 0xff 0xff # CPU IERR' > "$IJ_T/sel.txt"
ipmitool_ sel add "$IJ_T/sel.txt" > /dev/null
ours=$(ops "$host" sel)
# ipmi-sel: ID,Date,Time,Name,Type,State,Event[ ; detail] -> ID|RFC 3339|...
theirs=$(ref ipmi-sel --no-header-output --comma-separated-output --output-event-state \
           --sdr-cache-directory "$IJ_T/ref-cache" --sdr-cache-recreate | grep -v '^Caching' |
         while IFS=, read -r id day time name type state event; do
           printf '%s|%s|%s|%s|%s|%s\n' "$id" "$(date -u -d "${day//-/ } $time" +%Y-%m-%dT%H:%M:%SZ)" "$name" "$type" \
             "${state,,}" "${event%% ; *}"
         done)
check_eq "every event as ipmi-sel reads it, oldest first" "$theirs" "$ours"
check_eq "  three of them" 3 "$(grep -c . <<<"$ours")"
check "  named from the SDR, with the time in UTC" \
  grep -qE '^1\|20[0-9-]+T[0-9:]+Z\|Inlet Temp\|Temperature\|critical\|Upper Critical - going high$' <<<"$ours"
check "  a sensor the SDR does not know" grep -qE '^3\|.*\|Sensor #4\|Processor\|critical\|IERR$' <<<"$ours"
ops "$host" sel-clear
check_eq "sel-clear: the log is empty" "" "$(ops "$host" sel)"
check_eq "  and ipmi-sel says so" "" "$(ref ipmi-sel --no-header-output --sdr-cache-directory "$IJ_T/ref-cache" | grep -v '^Caching')"

echo "# boot device (ipmi_sim keeps only the device: bmc_sim.sh)"
for d in pxe:pxe:"Force PXE" disk:default:"Force boot from default Hard drive" \
         cdrom:cdrom:"Force boot from default CD/DVD" bios:bios:"Force boot into BIOS setup"; do
  IFS=: read -r ours_word sim_word chassis_words <<<"$d"
  ops "$host" set-boot-device "$ours_word"
  check_eq "set-boot-device $ours_word reaches the BMC as $sim_word" "$sim_word" "$(bmc_boot_file web01)"
  check_eq "  and ipmi-chassis reads it back" "Boot device selector          : $chassis_words" \
    "$(ref ipmi-chassis --get-boot-flags | grep 'Boot device selector')"
  # ipmi_sim answers the flags with the valid bit clear: no override is in
  # effect, whatever the selector holds (the bits are unit-tested in
  # tests/unit/boot_flags_test.cc).
  check_eq "  our read says what a BMC with the valid bit clear means" "device=none persistent=no efi=no" \
    "$(ops "$host" boot-device)"
done
ops "$host" set-boot-device pxe persistent efi
check_eq "persistent EFI PXE is accepted" pxe "$(bmc_boot_file web01)"
ops "$host" set-boot-device none
check_eq "none clears it" none "$(bmc_boot_file web01)"

echo "# identify: what reaches the BMC, against ipmi-chassis"
for pair in 15:15 forever:FORCE 0:TURN-OFF; do
  ours_arg=${pair%%:*} chassis_arg=${pair#*:}
  echo unset > "$IJ_T/bmc-web01/identify"
  ref ipmi-chassis --chassis-identify="$chassis_arg" > /dev/null
  theirs=$(bmc_identify_file web01)
  echo unset > "$IJ_T/bmc-web01/identify"
  ops "$host" identify "$ours_arg"
  check_eq "identify $ours_arg is what ipmi-chassis --chassis-identify=$chassis_arg sends ($theirs)" \
    "$theirs" "$(bmc_identify_file web01)"
done
check_eq "  (forever: FFh with the force bit)" "255 1" "$(ops "$host" identify forever; bmc_identify_file web01)"
ops "$host" identify 256 2> "$IJ_T/err"
check_eq "at most 255 s" "ij-bmc-ops: identify lasts at most 255 s (or until turned off)" "$(cat "$IJ_T/err")"

echo "# probe"
ours=$(ops "$host" probe)
suites=$(raw_cipher_suites)
check_eq "the cipher suites the BMC lists, the device ID bmc-info reads, no anonymous login" \
  "credentials_ok=yes
error=
ipmi_version=$(ref bmc-info | sed -n 's/^IPMI Version *: //p')
firmware=$(ref bmc-info | sed -n 's/^Firmware Revision *: //p')
cipher_suites=$suites
anonymous_login=no
null_user=no
warning=the BMC offers cipher suite 0 (no authentication: anyone who knows a user name gets in); disable it in the BMC's LAN configuration" \
  "$ours"
check_eq "  (ipmi_sim: IPMI 2.0, firmware 9.08, suites 0-14)" "2.0 9.08 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14" \
  "$(sed -n 's/^ipmi_version=//p; s/^firmware=//p; s/^cipher_suites=//p' <<<"$ours" | tr '\n' ' ' | sed 's/ $//')"
ours=$(ops --password wrong "$host" probe)
check_eq "a wrong password: no error, credentials_ok=no and why" \
  "credentials_ok=no|error=BMC web01 ($host) refused the IPMI user name or password|cipher_suites=$suites" \
  "$(grep -E '^(credentials_ok|error|cipher_suites)=' <<<"$ours" | paste -sd'|')"

echo "# a BMC that does not answer"
wait "$gone_pid"
rc=$?
check_eq "probe fails, with the timeout's words" \
  "1:ij-bmc-ops: BMC web01 ($nobody_there) did not answer within 8 s: it may be unplugged, down or not on its VLAN; tell the operator" \
  "$rc:$(cat "$IJ_T/gone.err")"
check_eq "  and prints nothing else" "" "$(cat "$IJ_T/gone.out")"
echo "     (after $(( $(date +%s) - t0 )) s)"

check_not "no password on any command line" grep -q 'pw-[w]eb01' /proc/[0-9]*/cmdline
finish
