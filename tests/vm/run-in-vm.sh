#!/bin/bash
# run-in-vm.sh COMMAND...: runs COMMAND as root in a QEMU VM that boots
# Debian's kernel (linux-image-amd64, which has 802.1Q) on this machine's own
# root file system: shared read-only over virtio-9p, with a tmpfs overlay on
# top, so nothing the VM does reaches this machine. The working directory is
# kept. Exits with COMMAND's status (77 when there is no kernel or QEMU).
#
# Environment: IJ_VM_KERNEL (a version in /lib/modules, default the newest
# with a /boot/vmlinuz), IJ_VM_ACCEL (tcg, kvm or auto: KVM when /dev/kvm and
# the CPU's virtualization flags are there; default tcg, as KVM is not proven
# on the CI machines), IJ_VM_MEMORY (MiB, default 1536), IJ_VM_TIMEOUT
# (seconds, default 1500; 0 for none), IJ_VM_HOSTFWD (QEMU user-network
# forwards such as "tcp:127.0.0.1:2222-:22"; the guest's eth0 is 10.0.2.15),
# IJ_VM_SHARE (a directory of this machine shared read-write at the same path).
#
# IJ_VM_INIT=systemd boots systemd as PID 1 instead (switch_root into the
# overlay): multi-user with the system bus and sshd, the units of this
# machine's image that the tests do not need masked, and COMMAND run as the
# unit ij-vm-command.service after multi-user.target, as root, its output on
# the serial console. With IJ_VM_DISK=FILE (an ext4 image, made when missing)
# the overlay's upper layer is on that disk and survives: a COMMAND that
# exits with 75 reboots the VM (systemctl reboot; up to IJ_VM_BOOTS boots,
# default 3) and runs again, and tells the boots apart by what it left on
# the disk.
set -euo pipefail

[ $# -gt 0 ] || { echo "usage: run-in-vm.sh COMMAND..." >&2; exit 2; }
kver=${IJ_VM_KERNEL:-}
if [ -z "$kver" ]; then
  for v in $(ls /lib/modules 2>/dev/null | sort -V); do [ -e "/boot/vmlinuz-$v" ] && kver=$v; done
fi
if [ -z "$kver" ] || ! command -v qemu-system-x86_64 >/dev/null || [ ! -x /bin/busybox ]; then
  echo "run-in-vm.sh: needs linux-image-amd64, qemu-system-x86 and busybox-static; skipped" >&2
  exit 77
fi

work=$(mktemp -d /tmp/ij-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap 'exit 143' TERM INT
root=$work/initramfs
mkdir -p "$root"/{bin,modules,proc,sys,dev,host,rw,newroot}
cp /bin/busybox "$root/bin/busybox"

# The modules that mounting the root needs, dependencies first. Everything
# else (8021q, veth) is modprobe'd inside from /lib/modules of the shared root.
declare -A seen=()
order=()
add_module() {
  local m=$1 d
  [ -n "${seen[$m]:-}" ] && return 0
  seen[$m]=1
  local file
  file=$(modinfo -k "$kver" -F filename "$m" 2>/dev/null) || return 0
  [ "$file" = "(builtin)" ] && return 0
  for d in $(modinfo -k "$kver" -F depends "$m" | tr ',' ' '); do add_module "$d"; done
  cp "$file" "$root/modules/$m.ko"
  order+=("$m")
}
init_mode=${IJ_VM_INIT:-chroot}
case $init_mode in chroot|systemd) ;; *) echo "run-in-vm.sh: IJ_VM_INIT is '$init_mode': chroot or systemd" >&2; exit 2;; esac
disk=${IJ_VM_DISK:-}
if [ -n "$disk" ] && [ "$init_mode" != systemd ]; then echo "run-in-vm.sh: IJ_VM_DISK needs IJ_VM_INIT=systemd" >&2; exit 2; fi
mods=(virtio_pci 9pnet_virtio 9p overlay)
[ -n "$disk" ] && mods+=(virtio_blk crc32c_generic ext4)
for m in "${mods[@]}"; do add_module "$m"; done
printf '%s\n' "${order[@]}" > "$root/modules/order"

# The command, run in a chroot of the overlaid root.
{
  echo "cd $(printf %q "$PWD") || exit 125"
  printf '%q ' "$@"; echo
} > "$root/command"
echo "$init_mode" > "$root/mode"

cat > "$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
# The kernel runs /sbin/modprobe (module autoload, e.g. for nftables) in this
# initramfs; hand it to the shared root's modprobe, which has the modules.
mkdir -p /sbin
printf '#!/bin/sh\nexec chroot /newroot /sbin/modprobe "$@"\n' > /sbin/modprobe
chmod +x /sbin/modprobe
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules/order); do insmod "/modules/$m.ko" || echo "ij-vm: insmod $m failed"; done
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose hostroot /host || echo "ij-vm: mounting the host root failed"
share=$(cat /share 2>/dev/null)
mode=$(cat /mode)
if [ -b /dev/vda ]; then
  mount -t ext4 /dev/vda /rw || echo "ij-vm: mounting the disk failed"
else
  mount -t tmpfs -o mode=0755 rw /rw
fi
mkdir -p /rw/upper /rw/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work /newroot
if [ "$mode" = systemd ]; then
  if [ -n "$share" ]; then
    mkdir -p "/newroot$share"
    mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 ijshare "/newroot$share" || echo "ij-vm: mounting the share failed"
  fi
  cp /command /newroot/ij-vm-command
  sd=/newroot/etc/systemd/system
  mkdir -p "$sd"
  # Only what the tests need: the image's own services (databases, the
  # OpenIPMI init script, radvd, timers, gettys) are masked; ssh and dbus stay.
  for w in "$sd"/*.wants/*; do
    case ${w##*/} in ssh.service|dbus.service|ipmi-jumphostd.service) ;; *) rm -f "$w" ;; esac
  done
  for s in /newroot/etc/init.d/*; do
    n=${s##*/}
    case $n in ssh|dbus|kmod|procps|udev|hwclock.sh) ;; *) ln -sf /dev/null "$sd/$n.service" ;; esac
  done
  for u in postgresql.service postgresql@.service serial-getty@ttyS0.service getty@tty1.service \
           systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer \
           fstrim.timer dpkg-db-backup.timer e2scrub_reap.service systemd-pstore.service \
           systemd-networkd-wait-online.service networking.service; do
    ln -sf /dev/null "$sd/$u"
  done
  # This machine's root may say it is a container (/.dockerenv): systemd
  # would then ignore the kernel's command line. And tmpfiles' "D /tmp"
  # would empty this machine's /tmp (in the overlay, over 9p: minutes).
  # Its policy-rc.d (a container image's "exit 101") would keep packages
  # from starting their services, as no real host does.
  rm -f /newroot/.dockerenv /newroot/run/.containerenv /newroot/usr/sbin/policy-rc.d
  mkdir -p /newroot/etc/tmpfiles.d
  ln -sf /dev/null /newroot/etc/tmpfiles.d/tmp.conf
  cat > "$sd/ij-vm.target" <<'UNIT'
[Unit]
Description=ij-vm: multi-user, then the test command
Requires=multi-user.target
After=multi-user.target
Wants=ij-vm-command.service
AllowIsolate=yes
UNIT
  cat > "$sd/ij-vm-command.service" <<'UNIT'
[Unit]
Description=ij-vm: the test command
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/bin/bash /ij-vm-run
StandardInput=null
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
TTYReset=no
TTYVHangup=no
TimeoutStartSec=infinity
UNIT
  cat > /newroot/ij-vm-run <<'RUN'
modprobe 8021q; modprobe veth; modprobe bridge
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
echo "ij-vm: running the command under systemd ($(systemctl is-system-running))"
bash /ij-vm-command
rc=$?
echo "IJ-VM-EXIT=$rc"
sync
if [ "$rc" = 75 ]; then systemctl --no-block reboot; else systemctl --no-block poweroff; fi
RUN
  echo "ij-vm: switching to systemd"
  exec switch_root /newroot /lib/systemd/systemd --unit=ij-vm.target --show-status=error
fi
mount -t proc proc /newroot/proc
mount -t sysfs sys /newroot/sys
mount -t devtmpfs dev /newroot/dev
# What udev would add to /dev: bash's <(...) needs /dev/fd, sshd's ptys devpts.
ln -s /proc/self/fd /newroot/dev/fd
ln -s /proc/self/fd/0 /newroot/dev/stdin
ln -s /proc/self/fd/1 /newroot/dev/stdout
ln -s /proc/self/fd/2 /newroot/dev/stderr
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /newroot/dev/pts
ln -sf pts/ptmx /newroot/dev/ptmx
mount -t tmpfs -o mode=1777 shm /newroot/dev/shm
mount -t tmpfs tmpfs /newroot/run
cp /command /newroot/run/ij-vm-command
if [ -n "$share" ]; then
  mkdir -p "/newroot$share"
  mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 ijshare "/newroot$share" || echo "ij-vm: mounting the share failed"
fi
echo "ij-vm: running the command"
chroot /newroot /bin/bash -c 'modprobe 8021q; modprobe veth; modprobe bridge; modprobe virtio_net 2>/dev/null; export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root; . /run/ij-vm-command'
echo "IJ-VM-EXIT=$?"
sync
poweroff -f
INIT
chmod +x "$root/init"
net=(-nic none)
if [ -n "${IJ_VM_HOSTFWD:-}" ]; then
  fwd=""
  for f in $IJ_VM_HOSTFWD; do fwd+=",hostfwd=$f"; done
  net=(-nic "user,model=virtio-net-pci,restrict=on$fwd")
fi
share=()
if [ -n "${IJ_VM_SHARE:-}" ]; then
  echo "$IJ_VM_SHARE" > "$root/share"
  share=(-virtfs "local,path=$IJ_VM_SHARE,mount_tag=ijshare,security_model=none")
fi
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initramfs.gz"

append="console=ttyS0 quiet panic=-1 rdinit=/init"
drive=()
if [ "$init_mode" = systemd ]; then
  # net.ifnames=0: the NIC stays eth0 (udev would rename it).
  append+=" systemd.unit=ij-vm.target systemd.show_status=error net.ifnames=0"
  if [ -n "$disk" ]; then
    if [ ! -e "$disk" ]; then
      truncate -s 4G "$disk"
      mkfs.ext4 -q -F "$disk"
    fi
    drive=(-drive "file=$disk,format=raw,if=virtio,cache=unsafe")
  fi
fi

accel=${IJ_VM_ACCEL:-tcg}
if [ "$accel" = auto ]; then
  accel=tcg
  if [ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qE '\b(vmx|svm)\b' /proc/cpuinfo; then accel=kvm; fi
fi
cpu=max
[ "$accel" = kvm ] && cpu=host
log=$work/console.log
boots=${IJ_VM_BOOTS:-3}
for ((boot = 1; ; boot++)); do
  echo "run-in-vm.sh: booting $kver under $accel ($init_mode${disk:+, disk $disk}, boot $boot)"
  rc=0
  timeout "${IJ_VM_TIMEOUT:-1500}" qemu-system-x86_64 "${net[@]}" "${share[@]}" "${drive[@]}" \
    -accel "$accel" -cpu "$cpu" -smp 2 -m "${IJ_VM_MEMORY:-1536}" \
    -kernel "/boot/vmlinuz-$kver" -initrd "$work/initramfs.gz" \
    -append "$append" \
    -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
    -nographic -no-reboot -monitor none -serial stdio </dev/null | sed -u 's/\r$//' | tee "$log" || rc=$?
  [ "$rc" = 124 ] && { echo "run-in-vm.sh: the VM did not finish within ${IJ_VM_TIMEOUT:-1500} s"; exit 1; }
  status=$(sed -n 's/^IJ-VM-EXIT=\([0-9]*\).*/\1/p' "$log" | tail -1)
  [ -n "$status" ] || { echo "run-in-vm.sh: the VM ended without the command's exit status"; exit 1; }
  if [ "$status" = 75 ] && [ -n "$disk" ] && [ "$boot" -lt "$boots" ]; then
    echo "run-in-vm.sh: the command asked for a reboot"
    continue
  fi
  exit "$status"
done
