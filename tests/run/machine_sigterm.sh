#!/usr/bin/env bash
# SIGTERM mid-run: the machine exits 0 with its log complete (unread rows,
# stop row) and its summary says so; its peers run on to the end, count
# their later sends to it as failed, and the whole run checks out.
. "$LC_SOURCE/tests/lib/run.sh"

lc_loopback 3
run="$LC_WORK/run"
lc_start_machines m "1 2 3" --speed 10 --duration 60 --rate 5 --seed 77 --log-dir "$run" --quiet
lc_wait_file "$run/machine-2.csv" 20
# Wait for 10 ticks of machine 2 (1 model s at rate 5 and speed 10 = 0.2 s)
lc_wait_until 20 "machine 2 ticks 10 times" lc_ticked "$run/machine-2.csv" 10
kill -TERM "$pid_m2"
lc_wait m2; rc=$LC_RC
[ "$rc" = 0 ] || { cat "$LC_WORK/m2.err" >&2; fail "machine 2 exited $rc on SIGTERM"; }
json="$run/machine-2.json"
[ "$(lc_field "$json" stop_reason)" = signal ] || fail "stop_reason is not signal"
[ "$(lc_last "$run/machine-2.csv" 3)" = stop ] || fail "no stop row"
ticks=$(lc_last "$run/machine-2.csv" 4)
[ "$ticks" -ge 10 ] && [ "$ticks" -lt 300 ] || fail "machine 2 stopped after $ticks ticks"
[ "$(lc_field "$json" ticks)" = "$ticks" ] || fail "summary ticks differ from the stop row"
left=$(lc_last "$run/machine-2.csv" 6)
[ "$(lc_count "$run/machine-2.csv" unread)" = "$left" ] || fail "stop row queue $left but other unread rows"

for i in 1 3; do
    lc_expect_exit "m$i" 0
    lc_expect_ticks "$run/machine-$i.json"
done
failed=$(( $(lc_field "$run/machine-1.json" send_failed) + $(lc_field "$run/machine-3.json" send_failed) ))
echo "machine 2 stopped at tick $ticks; peers' failed sends to it: $failed"
[ "$failed" -gt 0 ] || fail "the peers never counted a failed send to the stopped machine"
lc_logcheck "$run"/machine-*.csv
"$LCLOCK" analyze "$run" --no-plots >"$LC_WORK/analyze.out" 2>&1 \
    || { cat "$LC_WORK/analyze.out" >&2; fail "lclock analyze failed on the run"; }
