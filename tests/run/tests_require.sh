#!/usr/bin/env bash
# tests_require.sh - a test that cannot run here says so and is skipped,
# never passed: lc_require skips (exit 77, one line "SKIP: needs X (why)",
# which ctest counts as skipped) or, with LC_NO_SKIP=1 (launch/test.sh as
# root), fails; every package lc_require names is one launch/deps.sh
# installs for the tests, so that nothing skips in CI; and no run test
# leaves early with exit 0.
source "$LC_SOURCE/tests/lib/run.sh"

cd "$LC_SOURCE"
# require NO_SKIP CMD: lc_require CMD with no command on PATH; prints its
# stderr and its status
require () {
    LC_NO_SKIP=$1 bash -c 'source "$LC_SOURCE/tests/lib/run.sh"
        rc=0; (PATH=/nonexistent; lc_require "$1") || rc=$?; echo "status $rc"' require "$2" 2>&1
}
got=$(require 0 jq)
[ "$got" = "SKIP: needs jq (apt-get install jq)"$'\n'"status 77" ] || fail "a missing jq: $got"
got=$(require 1 gnuplot)
[ "$got" = "FAIL (require): needs gnuplot (apt-get install gnuplot-nox); LC_NO_SKIP=1: no test may skip"$'\n'"status 1" ] \
    || fail "a missing gnuplot with LC_NO_SKIP=1: $got"
got=$(require 0 no-such-tool)
[ "$got" = "FAIL (require): lc_require: no Debian package known for 'no-such-tool'; add it to lc_require"$'\n'"status 1" ] \
    || fail "an unknown command: $got"

# Every package lc_require names is in launch/deps.sh's lists
listed=" $(sed -n -E 's/.*(want|deb)="([^"]*)".*/\2/p' launch/deps.sh | tr '\n' ' ') "
packages=$(sed -n -E 's/^ *[a-z0-9|-]+\) pkg=([a-z0-9.+-]+) ;;$/\1/p' tests/lib/run.sh | sort -u)
[ "$(wc -l <<<"$packages")" -ge 5 ] || fail "found only $(wc -l <<<"$packages") packages in lc_require"
for pkg in $packages; do
    [[ $listed == *" $pkg "* ]] || fail "lc_require names $pkg, which launch/deps.sh does not install"
done

# No run test passes by leaving early
hits=$(grep -nE '^\s*exit 0\b' tests/run/*.sh tests/lib/*.sh || true)
[ -z "$hits" ] || fail "a run test exits 0 early (use lc_require or lc_skip): $hits"
echo "tests_require: lc_require skips or fails as it should; $(wc -w <<<"$packages") packages, all in launch/deps.sh"
