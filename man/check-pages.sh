#!/bin/bash
# Checks the generated man pages (ctest man_pages):
#   - groff formats each page without a single warning (-ww: all of them);
#   - every command and option that `jumpctl --help` and `jumpctl COMMAND
#     --help` print is in jumpctl.8;
#   - every key the daemon's configuration parser accepts (the setters'
#     table in daemon/config/config.cc) is in jumphost.conf.5, and every key
#     jumphost.conf.5 documents is one the parser accepts.
# So a new command, option or key without its documentation fails the test.
#
# usage: check-pages.sh --jumpctl BIN --config-source CONFIG.CC PAGE...
set -u

jumpctl= config_source=
pages=()
while [ $# -gt 0 ]; do
  case $1 in
    --jumpctl) jumpctl=$2; shift 2 ;;
    --config-source) config_source=$2; shift 2 ;;
    *) pages+=("$1"); shift ;;
  esac
done
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

if ! command -v groff >/dev/null; then
  echo "FAIL groff is not installed (apt-get install groff-base): the pages cannot be checked"
  exit 1
fi
[ ${#pages[@]} -gt 0 ] || { echo "FAIL no page given"; exit 1; }

page_named() {
  local p
  for p in "${pages[@]}"; do [ "$(basename "$p")" = "$1" ] && { echo "$p"; return; }; done
}

# The page's source lines without font changes and zero-width escapes, so
# "\fBkey add\fR \fIUSER\fR" reads "key add USER". Source lines are not
# filled or hyphenated, unlike the formatted page.
plain() { sed -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\(aq/'"'"'/g' "$1"; }

for page in "${pages[@]}"; do
  if [ ! -s "$page" ]; then
    fail "$page is missing or empty"
    continue
  fi
  # The width man(1) uses in an 80-column terminal; -z: only the warnings.
  warnings=$(groff -ww -b -z -Tutf8 -man -rLL=80n -rLT=80n "$page" 2>&1)
  if [ -n "$warnings" ]; then
    fail "$page: groff warns:"
    printf '%s\n' "$warnings" | sed 's/^/     /'
  else
    echo "ok   $page: no groff warning"
  fi
done

# jumpctl.8: each synopsis line of `jumpctl --help` ("  jumpctl key add USER
# FILE") gives a command; the page's SYNOPSIS must have a line for it, and the
# page must name every option that the usage or a command's own help shows.
if [ -n "$jumpctl" ]; then
  page=$(page_named jumpctl.8)
  if [ -z "$page" ]; then
    fail "jumpctl.8 is not among the pages"
  elif ! usage=$("$jumpctl" --help); then
    fail "$jumpctl --help failed"
  else
    text=$(plain "$page")
    synopsis=$(printf '%s\n' "$text" | sed -n '/^\.SH SYNOPSIS/,/^\.SH /p')
    commands=$(printf '%s\n' "$usage" | sed -n 's/^  jumpctl \(key [a-z]*\|[-a-z]*\).*/\1/p')
    [ "$(printf '%s\n' "$commands" | wc -l)" -ge 10 ] || fail "jumpctl --help lists only: $commands"
    helps=$usage
    while read -r cmd; do
      if printf '%s\n' "$synopsis" | grep -q "^jumpctl $cmd\( \|$\)"; then
        echo "ok   jumpctl.8 has 'jumpctl $cmd' in its SYNOPSIS"
      else
        fail "jumpctl.8 has no line 'jumpctl $cmd' in its SYNOPSIS (jumpctl --help lists it)"
      fi
      case $cmd in help | --version) continue ;; esac
      # $cmd unquoted: "key add" is two words.
      if help=$("$jumpctl" $cmd --help); then helps+=$'\n'$help; else fail "jumpctl $cmd --help failed"; fi
    done <<< "$commands"
    for option in $(printf '%s\n' "$helps" | grep -o -- '--[a-z][-a-z]*' | sort -u); do
      if printf '%s\n' "$text" | grep -q -- "$option\b"; then
        echo "ok   jumpctl.8 names $option"
      else
        fail "jumpctl.8 does not name $option (jumpctl's help shows it)"
      fi
    done
  fi
fi

# jumphost.conf.5: the keys of the setters' table, {"key", ...}, in
# daemon/config/config.cc; each documented as a line "key = VALUE".
if [ -n "$config_source" ]; then
  page=$(page_named jumphost.conf.5)
  if [ -z "$page" ]; then
    fail "jumphost.conf.5 is not among the pages"
  else
    keys=$(sed -n '/setters() {/,/^}/p' "$config_source" | sed -n 's/^ *{"\([a-z_]*\)",.*/\1/p' | sort -u)
    # A parser whose table moved or changed shape must fail here, not pass
    # with nothing to check.
    [ "$(printf '%s\n' "$keys" | wc -w)" -ge 20 ] ||
      fail "found only $(printf '%s\n' "$keys" | wc -w) key(s) in $config_source: has its table changed shape?"
    text=$(plain "$page")
    for key in $keys; do
      if printf '%s\n' "$text" | grep -q "^$key = "; then
        echo "ok   jumphost.conf.5 documents $key"
      else
        fail "jumphost.conf.5 does not document the key '$key' (as a line '$key = VALUE')"
      fi
    done
    for documented in $(printf '%s\n' "$text" | sed -n 's/^\([a-z][a-z_]*\) = .*/\1/p' | sort -u); do
      printf '%s\n' "$keys" | grep -qx "$documented" ||
        fail "jumphost.conf.5 documents '$documented', which the daemon does not accept"
    done
  fi
fi

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
