#!/usr/bin/env bash
# The start barrier: a peer that starts 2 s late is waited for and joins,
# and the three start within milliseconds of each other; a peer that never
# starts gives exit 3 naming it, with no log left behind.
. "$LC_SOURCE/tests/lib/run.sh"

lc_loopback 3
run="$LC_WORK/late"
lc_start_machines m "1 2" --speed 50 --duration 30 --seed 3 --log-dir "$run" --quiet
sleep 2
[ ! -e "$run/machine-1.csv" ] || fail "machine 1 started before its peer 3 existed"
lc_start_machines m 3 --speed 50 --duration 30 --seed 3 --log-dir "$run" --quiet
for i in 1 2 3; do
    lc_expect_exit "m$i" 0
    lc_expect_ticks "$run/machine-$i.json"
done
lc_logcheck "$run"/machine-*.csv
spread=$(awk -F, 'FNR == 2 { t = $1 + 0; if (min == "" || t < min) min = t; if (t > max) max = t }
                  END { printf "%d", (max - min) * 1e6 }' "$run"/machine-*.csv)
echo "first start rows within $spread us"
[ "$spread" -lt 200000 ] || fail "machines started $spread us apart"

# Machine 3 never comes: exit 3 within the timeout, naming it
run="$LC_WORK/missing"
lc_loopback 3
lc_start_machines n "1 2" --speed 50 --duration 30 --start-timeout 2 --log-dir "$run"
for i in 1 2; do
    lc_expect_exit "n$i" 3
    grep -q "no answer within --start-timeout 2 s from machine 3;" "$LC_WORK/n$i.err" \
        || { cat "$LC_WORK/n$i.err" >&2; fail "machine $i did not name machine 3"; }
done
# No event log; a summary that says why
for i in 1 2; do
    [ ! -e "$run/machine-$i.csv" ] || fail "machine $i left an event log"
    [ "$(lc_field "$run/machine-$i.json" stop_reason)" = start_timeout ] \
        || fail "machine $i: summary without stop_reason start_timeout"
    [ "$(lc_field "$run/machine-$i.json" start_time)" = null ] || fail "machine $i: start_time set"
done
