#!/usr/bin/env bash
# launch/run3.sh, the README's first command, end to end with the built
# lclock: a short run of 4 machines analyzes clean and says where the
# report is; Ctrl-C (SIGINT) mid-run stops every machine cleanly with its
# logs complete; a bad option is exit 2 with a one-line error.
. "$LC_SOURCE/tests/lib/run.sh"
export LCLOCK LCLOCK_RUNS="$LC_WORK/runs"
run3="$LC_SOURCE/launch/run3.sh"

rc=0
timeout 120 "$run3" --duration 20 --speed 20 --machines 4 --seed 5 \
    >"$LC_WORK/run3.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$LC_WORK/run3.out" >&2; fail "run3.sh exited $rc"; }
run=$(sed -n 's/^run3.sh: run directory: //p' "$LC_WORK/run3.out" | tail -n 1)
[ -d "$run" ] || fail "run3.sh did not name its run directory"
case "$run" in "$LCLOCK_RUNS"/*) ;; *) fail "run directory $run is not under LCLOCK_RUNS" ;; esac
grep -q "^run3.sh: analysis: every check holds" "$LC_WORK/run3.out" || fail "no clean analysis"
grep -q "^run3.sh: report: $run/report.md" "$LC_WORK/run3.out" || fail "report path not printed"
grep -q "^checks: all 6 hold (4 machines" "$LC_WORK/run3.out" || fail "analyzer table missing"
for i in 1 2 3 4; do
    lc_expect_ticks "$run/machine-$i.json"
    [ "$(lc_field "$run/machine-$i.json" seed)" = 5 ] || fail "machine $i did not get the seed"
done
lc_logcheck "$run"/machine-*.csv

# Ctrl-C: the launcher forwards it, every machine stops with a stop row
# (not under timeout(1): it would pass the launcher a second SIGINT through
# its process group, and a second Ctrl-C means "kill them now"; with job
# control on, so that the background launcher does not start with SIGINT
# ignored, as a non-interactive shell's background jobs do)
set -m
lc_start int "$run3" --duration 600 --speed 10 --seed 6
set +m
# shellcheck disable=SC2154  # set by lc_start
launcher=$pid_int
for ((n = 0; n < 200; n++)); do
    run=$(sed -n 's/^run3.sh: run directory: //p' "$LC_WORK/int.out" | head -n 1)
    [ -n "$run" ] && [ -s "$run/machine-3.csv" ] && [ "$(wc -l <"$run/machine-3.csv")" -gt 5 ] && break
    sleep 0.1
done
kill -INT "$launcher"
rc=0; wait "$launcher" || rc=$?
[ "$rc" = 0 ] || { cat "$LC_WORK/int.out" "$LC_WORK/int.err" >&2; fail "run3.sh exited $rc after Ctrl-C"; }
for i in 1 2 3; do
    [ "$(lc_last "$run/machine-$i.csv" 3)" = stop ] || fail "machine $i has no stop row after Ctrl-C"
    [ "$(lc_field "$run/machine-$i.json" stop_reason)" = signal ] || fail "machine $i: stop_reason not signal"
done
pgrep -f "lclock machine.*$run" >/dev/null && fail "a machine is still running after Ctrl-C"

#  Bad options, lclock's ranges included, are refused before anything starts
for bad in "--machines 1" "--speed 2000000" "--duration 0"; do
    rc=0
    # shellcheck disable=SC2086  # an option and its value
    "$run3" $bad >"$LC_WORK/bad.out" 2>&1 || rc=$?
    if [ "$rc" != 2 ] || [ "$(wc -l <"$LC_WORK/bad.out")" != 1 ]; then
        cat "$LC_WORK/bad.out" >&2
        fail "bad option $bad: exit $rc"
    fi
done
[ "$(find "$LCLOCK_RUNS" -mindepth 1 -maxdepth 1 | wc -l)" = 2 ] \
    || fail "a bad option made a run directory"
echo "run3.sh: clean run, Ctrl-C and bad option as documented"
