#!/usr/bin/env bash
# Three machines on loopback at speed 50 for 60 model seconds: each does
# floor(rate x 60) ticks, every row is well formed, each clock obeys the
# rules row by row, every received message was sent with the same clock,
# sent = received + unread, each stopped no sooner than the wait after the
# end, and the analyzer agrees.
. "$LC_SOURCE/tests/lib/run.sh"

lc_loopback 3
run="$LC_WORK/run"
lc_start_machines m "1 2 3" --speed 50 --duration 60 --seed 1234 --log-dir "$run" --quiet
for i in 1 2 3; do
    lc_expect_exit "m$i" 0
    ! grep -q "not authenticated" "$LC_WORK/m$i.err" \
        || fail "machine $i bound to 127.0.0.1 warned its links are not authenticated"
done

sent=0; received=0; unread=0
for i in 1 2 3; do
    lc_expect_ticks "$run/machine-$i.json"
    sent=$((sent + $(lc_field "$run/machine-$i.json" sent)))
    received=$((received + $(lc_count "$run/machine-$i.csv" recv)))
    unread=$((unread + $(lc_count "$run/machine-$i.csv" unread)))
    [ "$(lc_field "$run/machine-$i.json" received)" = "$(lc_count "$run/machine-$i.csv" recv)" ] \
        || fail "machine $i: summary received differs from its recv rows"
    #  The stop waits 50 ms + 2 ms per peer after the run's end (60 / 50 =
    #  1.2 s after the start row) for the peers' last ticks
    awk -F, '$3 == "start" && !t0 { t0 = $1 } $3 == "stop" { stop = $1 }
             END { exit !(stop - t0 >= 1.2 + 0.054) }' "$run/machine-$i.csv" \
        || fail "machine $i stopped sooner than 54 ms after the run's end: $(grep -E ',(start|stop),' "$run/machine-$i.csv" | cut -d, -f1,3 | tr '\n' ' ')"
done
summary=$(lc_logcheck "$run"/machine-*.csv)
echo "$summary"
[ "$summary" = "messages $sent received $received unread $unread unacked 0" ] \
    || fail "accounting: $sent sent, $received received + $unread unread"
[ "$sent" -eq $((received + unread)) ] || fail "sent $sent != received $received + unread $unread"
[ "$sent" -gt 0 ] || fail "no message was sent"

"$LCLOCK" analyze "$run" --no-plots >"$LC_WORK/analyze.out" 2>&1 \
    || { cat "$LC_WORK/analyze.out" >&2; fail "lclock analyze failed on the run"; }
echo "machine_three: ok ($sent messages)"
