#!/usr/bin/env bash
# SIGTERM to a machine far behind its schedule (rate 1 000 000 at speed
# 1000: 60 million ticks due within 60 ms, which take minutes to run): it
# stops at once, with stop_reason signal and a complete log, instead of
# running every tick first. Signals are looked at between ticks at least
# every tick period (1 ms at the shortest).
. "$LC_SOURCE/tests/lib/run.sh"

lc_loopback 1
run="$LC_WORK/run"
lc_start m "$LCLOCK" machine --id 1 --bind "tcp://127.0.0.1:${LC_PORT[1]}" \
    --rate 1000000 --speed 1000 --duration 60 --seed 1 --log-dir "$run" --quiet
lc_wait_file "$run/machine-1.csv" 20
sleep 0.5
sent=$(date +%s%N)
kill -TERM "$pid_m"
lc_expect_exit m 0
took_ms=$(( ($(date +%s%N) - sent) / 1000000 ))
json="$run/machine-1.json" csv="$run/machine-1.csv"
ticks=$(lc_last "$csv" 4)
echo "behind: stopped $took_ms ms after SIGTERM, at tick $ticks of 60000000"
[ "$(lc_field "$json" stop_reason)" = signal ] || fail "stop_reason is not signal"
[ "$(lc_last "$csv" 3)" = stop ] || fail "no stop row"
[ "$ticks" -lt 60000000 ] || fail "it ran every tick before it stopped"
[ "$(lc_field "$json" ticks)" = "$ticks" ] || fail "summary ticks differ from the stop row"
# Its exit within a second of the signal (the stop itself is immediate;
# the second covers a loaded host)
[ "$took_ms" -lt 1000 ] || fail "it took $took_ms ms to stop"
