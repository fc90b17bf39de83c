#!/usr/bin/env bash
# Garbage on a raw TCP connection, oversize messages, wrong-version and
# unknown-sender frames and junk sent to a running machine: it keeps
# ticking to the end, counts each exactly, and its log and clocks are
# untouched (every recv matches a real send).
. "$LC_SOURCE/tests/lib/run.sh"
inject="$LC_TOOLS/lc_inject"

lc_loopback 2
run="$LC_WORK/run"
lc_start_machines m "1 2" --speed 10 --duration 60 --seed 5 --log-dir "$run"
lc_wait_file "$run/machine-1.csv" 20
ep="tcp://127.0.0.1:${LC_PORT[1]}"
"$inject" garbage "$ep" 3
"$inject" oversize "$ep" 2
"$inject" version "$ep" 4 2
"$inject" unknown "$ep" 5
"$inject" junk "$ep" 6
# Each injector's connection carried nothing valid: 3 garbage, 2 oversize
# and the 3 connections of version, unknown and junk.
want_rejected=15 want_bad=8
[ -e "$run/machine-1.json" ] && [ "$(lc_field "$run/machine-1.json" stop_reason)" = null ] \
    || fail "machine 1 stopped before the injection ended; slow host?"
for i in 1 2; do
    lc_expect_exit "m$i" 0
done
json="$run/machine-1.json"
echo "rejected $(lc_field "$json" rejected) bad_connections $(lc_field "$json" bad_connections)"
[ "$(lc_field "$json" rejected)" = $want_rejected ] || fail "rejected: want $want_rejected"
[ "$(lc_field "$json" bad_connections)" = $want_bad ] || fail "bad_connections: want $want_bad"
[ "$(lc_field "$run/machine-2.json" rejected)" = 0 ] || fail "machine 2 rejected something"
grep -q "rejected messages" "$LC_WORK/m1.err" || fail "no report of rejected messages on stderr"
grep -q "bad connections" "$LC_WORK/m1.err" || fail "no report of bad connections on stderr"
lc_expect_ticks "$json"
lc_expect_ticks "$run/machine-2.json"
lc_logcheck "$run"/machine-*.csv
! grep -q ',9999' "$run/machine-1.csv" || fail "a message from the unknown sender reached the log"
