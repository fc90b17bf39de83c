#!/usr/bin/env bash
# The .deb as launch/deb.sh makes it, from a build of its own (a release
# build for /usr in this test's folder; the suite's sanitizer build is no
# package): dpkg-deb -I shows the project's version, Depends on run-time
# libraries (and iproute2) only, Recommends gnuplot-nox and a description; dpkg-deb -c
# lists the program, the launcher commands, every man page, the completion
# and the docs. As root on Debian (elsewhere the test skips once it has
# inspected the .deb), the package is installed with dpkg -i,
# lclock --version, man lclock and a 3-machine run from an empty folder
# work, and it is removed again (also when the test fails), under a lock
# that keeps two runs of this test on the machine apart, waiting for
# dpkg's own lock while apt or dpkg runs elsewhere.
. "$LC_SOURCE/tests/lib/run.sh"
: "${LC_LAUNCHERS:?run under ctest (LC_LAUNCHERS names the launchers)}"
launchers=${LC_LAUNCHERS//,/ }
LOCK=${TMPDIR:-/tmp}/lclock-package-test.lock   #  shared by every checkout here
LOCK_WAIT=240           #  s for another run of this test to finish
DPKG_WAIT=120           #  s for dpkg's lock (apt or dpkg running elsewhere)
#  What lclock may depend on: the run-time libraries it links, libc, and
#  iproute2 (ss, for lclock-run3)
DEPENDS_OK="libc6 libczmq4 libzmq5 libjansson4 iproute2"

rc=0
timeout 240 nice bash "$LC_SOURCE/launch/deb.sh" "$LC_WORK/build" >"$LC_WORK/deb.out" 2>"$LC_WORK/deb.err" || rc=$?
[ "$rc" = 0 ] || { cat "$LC_WORK/deb.err" >&2; fail "launch/deb.sh exited $rc"; }
deb=$(tail -n 1 "$LC_WORK/deb.out")
[ -f "$deb" ] || fail "launch/deb.sh printed '$deb', not a .deb"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$LC_WORK/build/CMakeCache.txt")

# ---------------------------------------------------------------------------
#  dpkg-deb -I: the control fields

dpkg-deb -I "$deb" >"$LC_WORK/info" || fail "dpkg-deb -I $deb failed"
field () { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = lclock ] || fail "Package is '$(field Package)', not lclock"
[ "$(field Version)" = "$version" ] || fail "Version is '$(field Version)', not project ()'s $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture is '$(field Architecture)'"
[ "$(field Recommends)" = gnuplot-nox ] || fail "Recommends is '$(field Recommends)', not gnuplot-nox"
grep -q '^ Description: .*Lamport' "$LC_WORK/info" || fail "no Description summary in dpkg-deb -I"
[ "$(grep -c '^  ' "$LC_WORK/info")" -ge 5 ] || fail "the Description has no long text"
depends=$(field Depends | tr ',' '\n' | sed -E 's/^ *([^ (]+).*/\1/' | sort -u)
for lib in libczmq4 libzmq5 libjansson4 iproute2; do
    grep -qx "$lib" <<<"$depends" || fail "Depends lacks $lib: $(field Depends)"
done
for pkg in $depends; do
    [[ " $DEPENDS_OK " == *" $pkg "* ]] \
        || fail "Depends has $pkg, not one of what lclock needs at run time ($DEPENDS_OK): $(field Depends)"
done

# ---------------------------------------------------------------------------
#  dpkg-deb -c: the files

dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$LC_WORK/files" \
    || fail "dpkg-deb -c $deb failed"
commands=$("$LCLOCK" --help | sed -n -E 's/^  ([a-z][a-z0-9-]*)  .*/\1/p')
want=(/usr/bin/lclock /usr/share/man/man1/lclock.1.gz
      /usr/share/bash-completion/completions/lclock /usr/share/doc/lclock/README.md
      /usr/share/doc/lclock/lan.md /usr/share/doc/lclock/examples/cluster-lan.zpl
      /usr/libexec/lclock/launch/common.sh /usr/libexec/lclock/launch/installed.sh)
for c in $commands; do
    want+=("/usr/share/man/man1/lclock-$c.1.gz")
done
for l in $launchers; do
    want+=("/usr/bin/lclock-$l" "/usr/libexec/lclock/launch/$l.sh"
           "/usr/share/man/man1/lclock-$l.1.gz" "/usr/share/bash-completion/completions/lclock-$l")
done
for f in "${want[@]}"; do
    grep -qx "$f" "$LC_WORK/files" || fail "the .deb has no $f"
done
grep -v '^/usr/' "$LC_WORK/files" | grep -vx '/' && fail "the .deb has files outside /usr"
grep -q '^/usr/local' "$LC_WORK/files" && fail "the .deb has files in /usr/local"
echo "$deb: lclock $version, Depends: $(field Depends); ${#want[@]} files checked"

# ---------------------------------------------------------------------------
#  Installed with dpkg -i, used, removed: as root on Debian only (the
#  checks above count either way: they ran before the skip)

echo "the .deb was inspected"
lc_require_root "it installs the .deb with dpkg -i"
lc_require dpkg
[ -f /etc/debian_version ] || lc_skip Debian "it installs the .deb with dpkg -i"

#  lc_dpkg ARGS...: dpkg, again every second while another apt or dpkg
#  holds its lock, for DPKG_WAIT s at most
lc_dpkg () {
    local i
    for ((i = 0; i < DPKG_WAIT; i++)); do
        dpkg "$@" >"$LC_WORK/dpkg.out" 2>&1 && return 0
        grep -qi 'lock' "$LC_WORK/dpkg.out" || break
        sleep 1
    done
    cat "$LC_WORK/dpkg.out" >&2
    return 1
}

#  lc_installed: lclock's package is installed (or half: unpacked, failed)
lc_installed () {
    [ -n "$(dpkg-query -W -f='${db:Status-Status}' lclock 2>/dev/null | grep -vx 'not-installed' || true)" ]
}

exec 9>"$LOCK"
flock -w "$LOCK_WAIT" 9 || fail "$LOCK held by another run of this test for ${LOCK_WAIT}s"
! lc_installed || lc_skip "a machine without the lclock package" "it is installed here already, and left as it is"
remove_package () {
    lc_installed || return 0
    lc_dpkg -r lclock || echo "FAIL ($LC_TEST_NAME): dpkg -r lclock failed; remove it by hand" >&2
}
LC_CLEANUPS+=(remove_package)
lc_dpkg -i "$deb" || fail "dpkg -i $deb failed"

[ "$(command -v lclock)" = /usr/bin/lclock ] || fail "lclock on PATH is '$(command -v lclock)', not /usr/bin/lclock"
[ "$(lclock --version)" = "lclock $version" ] || fail "lclock --version says '$(lclock --version)'"
if grep -rqs '^path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/; then
    #  a slimmed image (Docker's) drops every package's man pages
    echo "dpkg here excludes /usr/share/man (/etc/dpkg/dpkg.cfg.d): man lclock not checked"
else
    [ "$(man -w lclock 2>&1)" = /usr/share/man/man1/lclock.1.gz ] || fail "man -w lclock: $(man -w lclock 2>&1)"
    MANPAGER=cat MANWIDTH=80 man lclock 2>&1 | grep -q 'Lamport clocks' || fail "man lclock does not show the page"
fi

mkdir "$LC_WORK/empty"
cd "$LC_WORK/empty" || fail "cannot enter $LC_WORK/empty"
rc=0
env -u LCLOCK -u LCLOCK_RUNS timeout 120 lclock-run3 --duration 5 --speed 5 >"$LC_WORK/run3.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$LC_WORK/run3.out" >&2; fail "the installed lclock-run3 exited $rc"; }
grep -q '^lclock-run3: analysis: every check holds' "$LC_WORK/run3.out" || fail "lclock-run3: no clean analysis"
grep -q "^/usr/bin/lclock machine" "$LC_WORK/empty"/runs/*/launch/commands.txt \
    || fail "lclock-run3 did not run /usr/bin/lclock in ./runs"
cd "$LC_WORK" || fail "cannot enter $LC_WORK"

lc_dpkg -r lclock || fail "dpkg -r lclock failed"
if lc_installed || [ -e /usr/bin/lclock ] || [ -e /usr/libexec/lclock ]; then
    fail "dpkg -r left lclock behind"
fi
echo "dpkg -i: lclock --version, man lclock and lclock-run3 from an empty folder work; dpkg -r removed it"
