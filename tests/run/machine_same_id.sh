#!/usr/bin/env bash
# One live process per machine id: a second `lclock machine` with the id of
# a running one (the same command, a --resume of it, or the same id with
# another log folder on the same endpoint) exits 2, says why, and touches
# none of the live machine's files; the live run ends normally.
. "$LC_SOURCE/tests/lib/run.sh"

lc_loopback 2
run="$LC_WORK/run"
lc_start_machines m "1 2" --speed 10 --duration 40 --seed 3 --log-dir "$run"
lc_wait_file "$run/machine-1.csv" 20
cp "$run/machine-1.json" "$LC_WORK/live.json"

# twice ARGS...: machine 1 again with ARGS; must exit 2 saying $expect
twice () {
    local size
    size=$(stat -c %s "$run/machine-1.csv")
    # shellcheck disable=SC2046
    lc_expect_refused -p 2 "$expect" "$LCLOCK" machine $(lc_machine_args 1) --speed 10 --duration 40 --seed 3 "$@"
    cmp -s "$run/machine-1.json" "$LC_WORK/live.json" \
        || fail "machine 1 again ($*) changed the live machine's summary"
    [ "$(stat -c %s "$run/machine-1.csv")" -ge "$size" ] \
        || fail "machine 1 again ($*) cut the live machine's log"
}
expect="machine 1 is already running with --log-dir $run"
twice --log-dir "$run"
twice --log-dir "$run" --resume
expect="cannot bind: Address already in use"
twice --log-dir "$LC_WORK/other"
[ ! -e "$LC_WORK/other/machine-1.json" ] && [ ! -e "$LC_WORK/other/machine-1.csv" ] \
    || fail "the refused machine wrote logs of its own"

for i in 1 2; do
    lc_expect_exit "m$i" 0
    lc_expect_ticks "$run/machine-$i.json"
done
[ ! -e "$run/machine-1.lock" ] || fail "the lock file was left behind"
"$LCLOCK" analyze "$run" --no-plots >"$LC_WORK/analyze.out" 2>&1 \
    || { cat "$LC_WORK/analyze.out" >&2; fail "lclock analyze failed on the run"; }
echo "machine_same_id: ok"
