#!/bin/bash
# Builds the Debian package from a copy of this source tree and checks it:
#   bash tests/package/build-deb.sh OUTDIR
# The copy holds the git-tracked files and the untracked ones git does not
# ignore (no build directories, no .git), so nothing of the work tree's
# builds leaks in and the tree itself gets no debian/ leftovers. The .deb
# files (the package and its -dbgsym) end up in OUTDIR. Fails on a build
# error, on any lintian error (warnings are printed, not fatal) and when the
# package lacks a file it must ship or names the daemon anywhere else than
# /usr/sbin/ipmi-jumphostd.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
src=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)

for tool in dpkg-buildpackage dh lintian fakeroot dpkg-deb; do
  if ! command -v "$tool" >/dev/null; then
    echo "build-deb: $tool is missing (apt-get install debhelper lintian fakeroot dpkg-dev)" >&2
    exit 1
  fi
done

work=$(mktemp -d /tmp/ij-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"

# The source tree, as git sees it (files deleted in the work tree are
# skipped), or, outside a git checkout, everything but builds and .git.
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$src" && git ls-files -z -co --exclude-standard |
     while IFS= read -r -d '' f; do [[ -e $f || -L $f ]] && printf '%s\0' "$f"; done |
     tar --null -T - -cf -) | tar -C "$work/src" -xf -
else
  (cd "$src" && tar --exclude=./.git --exclude='./build' --exclude='./build-*' --exclude='./obj-*' \
     --exclude=./debian/tmp --exclude=./debian/.debhelper -cf - .) | tar -C "$work/src" -xf -
fi

version=$(sed -n '1s/^ipmi-jumphost (\([^)]*\)).*/\1/p' "$src/debian/changelog")
project_version=$(sed -n 's/^project(ipmi-jumphost VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
if [[ ${version%-*} != "$project_version" ]]; then
  echo "build-deb: debian/changelog's version $version does not match CMakeLists.txt's $project_version" >&2
  exit 1
fi
arch=$(dpkg --print-architecture)
deb=ipmi-jumphost_${version}_${arch}.deb
dbgsym=ipmi-jumphost-dbgsym_${version}_${arch}.deb
changes=ipmi-jumphost_${version}_${arch}.changes

echo "build-deb: dpkg-buildpackage -us -uc -b in $work/src (log: $work/build.log)"
start=$SECONDS
if ! (cd "$work/src" && DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS:-}" \
        dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
  cat "$work/build.log"
  cp "$work/build.log" "$out/build.log"
  echo "build-deb: dpkg-buildpackage failed (the log is above, and in $out/build.log)" >&2
  exit 1
fi
echo "build-deb: built in $((SECONDS - start)) s"
for f in "$deb" "$dbgsym" "$changes"; do
  if [[ ! -f $work/$f ]]; then
    ls -l "$work" >&2
    echo "build-deb: dpkg-buildpackage made no $f" >&2
    exit 1
  fi
done
cp "$work/$deb" "$work/$dbgsym" "$out/"

# lintian on the .changes: the package and its -dbgsym. Its whole output is
# shown; only errors fail the test.
echo "build-deb: lintian --fail-on error $changes"
lint_rc=0
(cd "$work" && lintian --fail-on error --display-info --tag-display-limit 0 "$changes") || lint_rc=$?
echo "build-deb: lintian exited with $lint_rc"

failures=0
fail() {
  echo "build-deb: FAIL: $*" >&2
  failures=$((failures + 1))
}

contents=$(dpkg-deb -c "$out/$deb" | awk '{ sub(/^\.\//, "/", $6); print $6 }')
has() { grep -qxF -- "$1" <<<"$contents"; }
for f in /usr/sbin/ipmi-jumphostd /usr/bin/jumpctl /usr/bin/ipmi-wrapper \
         /lib/systemd/system/ipmi-jumphostd.service \
         /usr/share/dbus-1/system.d/org.ipmijumphost.Jumphost1.conf \
         /usr/share/dbus-1/system-services/org.ipmijumphost.Jumphost1.service \
         /usr/share/dbus-1/interfaces/org.ipmijumphost.Jumphost1.xml \
         /usr/lib/sysusers.d/ipmi-jumphost.conf \
         /usr/lib/modules-load.d/ipmi-jumphost.conf \
         /etc/ipmi-jumphost/jumphost.conf \
         /usr/share/doc/ipmi-jumphost/README.md \
         /usr/share/doc/ipmi-jumphost/changelog.Debian.gz \
         /usr/share/doc/ipmi-jumphost/copyright; do
  has "$f" || fail "the package has no $f"
done

# Everything `cmake --install` installs from the package's own build must
# be in the package (man pages and bash completion included, when the build
# makes them); dh_compress may have added .gz.
builddir=$work/src/obj-$(dpkg-architecture -qDEB_HOST_GNU_TYPE)
DESTDIR=$work/cmake-install cmake --install "$builddir" >"$work/cmake-install.log" 2>&1 ||
  { cat "$work/cmake-install.log"; fail "cmake --install of the package's build failed"; }
while IFS= read -r -d '' f; do
  f=/${f#"$work/cmake-install/"}
  has "$f" || has "$f.gz" || fail "the package has no $f (cmake --install installs it)"
done < <(find "$work/cmake-install" \( -type f -o -type l \) -print0)
for dir in usr/share/man usr/share/bash-completion; do
  echo "build-deb: /$dir: $(grep -c "^/$dir/.*[^/]\$" <<<"$contents" || true) file(s) in the package"
done
install_dir=$work/src/debian/ipmi-jumphost

conffiles=$(dpkg-deb -I "$out/$deb" conffiles 2>/dev/null || true)
grep -qxF /etc/ipmi-jumphost/jumphost.conf <<<"$conffiles" ||
  fail "/etc/ipmi-jumphost/jumphost.conf is not a conffile (conffiles: ${conffiles:-none})"

# The installed configuration sets nothing: the daemon starts on defaults.
if grep -Ev '^[[:space:]]*(#|$)' "$install_dir/etc/ipmi-jumphost/jumphost.conf"; then
  fail "/etc/ipmi-jumphost/jumphost.conf sets the keys above: every key must stay commented out"
fi

unit=$(dpkg-deb --fsys-tarfile "$out/$deb" | tar -xOf - ./lib/systemd/system/ipmi-jumphostd.service)
grep -qx 'ExecStart=/usr/sbin/ipmi-jumphostd' <<<"$unit" ||
  fail "the unit's ExecStart is not /usr/sbin/ipmi-jumphostd: $(grep '^ExecStart' <<<"$unit")"
activation=$(dpkg-deb --fsys-tarfile "$out/$deb" |
               tar -xOf - ./usr/share/dbus-1/system-services/org.ipmijumphost.Jumphost1.service)
grep -qx 'Exec=/usr/sbin/ipmi-jumphostd' <<<"$activation" ||
  fail "the activation file's Exec is not /usr/sbin/ipmi-jumphostd: $(grep '^Exec' <<<"$activation")"

# The maintainer scripts: the groups before the first start, the teardown
# after the stop on removal.
dpkg-deb -e "$out/$deb" "$work/control"
# in_order SCRIPT FIRST SECOND WHAT: SCRIPT's first line with FIRST comes
# before its first line with SECOND.
in_order() {
  local script=$work/control/$1 first second
  [[ -f $script ]] || { fail "the package has no $1"; return; }
  first=$(grep -n -- "$2" "$script" | head -1 | cut -d: -f1)
  second=$(grep -n -- "$3" "$script" | head -1 | cut -d: -f1)
  [[ -n $first && -n $second && $first -lt $second ]] || fail "the $1 does not $4"
}
in_order postinst 'systemd-sysusers' 'deb-systemd-invoke' "run systemd-sysusers before it starts the service"
in_order prerm 'deb-systemd-invoke stop' 'ipmi-jumphostd --teardown' "run the teardown after it stops the service"

if ((lint_rc != 0)); then
  fail "lintian reported errors (above)"
fi
if ((failures > 0)); then
  echo "build-deb: $failures check(s) failed; package contents:" >&2
  dpkg-deb -c "$out/$deb" >&2
  exit 1
fi
echo "build-deb: ok: $out/$deb and $out/$dbgsym"
