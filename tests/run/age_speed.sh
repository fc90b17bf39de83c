#!/usr/bin/env bash
# age_speed.sh - message age is in model milliseconds: the same run (seed
# 11, rates 2,3,5, roll 5, 10 model s) at speed 1 and at speed 10 shows the
# same median age, where wall milliseconds would differ tenfold.
#
# Tolerance: a message's age is the wait in its recipient's buffer until
# the recipient's next tick (model time: the same at both speeds when the
# runs make the same choices, as the same seed makes them) plus its
# transit on loopback (wall time, so x speed in model ms) plus the start
# spread of the machines x speed (it shifts tick phases). Transit is
# well under 2 ms wall even on a loaded CI host: 2 ms x (10 + 1) = 22
# model ms. A late message can flip the order of a recv and a roll, after
# which the runs draw differently; 15 % of the median bounds what that
# moves the median of ~40 ages at these rates (measured: 266.5 and 270.6
# model ms, same message count and final clock). A wall-ms median at
# speed 10 would be ~27 ms: far outside.
source "$LC_SOURCE/tests/lib/run.sh"
export LCLOCK LCLOCK_RUNS="$LC_WORK/runs"
for speed in 1 10; do
    rc=0
    timeout 60 "$LC_SOURCE/launch/run3.sh" --rates 2,3,5 --roll 5 --duration 10 \
        --speed "$speed" --seed 11 --out "$LC_WORK/s$speed" >"$LC_WORK/s$speed.out" 2>&1 || rc=$?
    [ "$rc" = 0 ] || { cat "$LC_WORK/s$speed.out" >&2; fail "speed $speed: run3.sh exited $rc"; }
done
read -r m1 n1 spread1 < <(jq -r '[.totals.message_age_ms.median, .totals.message_age_ms.count,
    .run.start_spread_ms] | @tsv' "$LC_WORK/s1/summary.json")
read -r m10 n10 spread10 < <(jq -r '[.totals.message_age_ms.median, .totals.message_age_ms.count,
    .run.start_spread_ms] | @tsv' "$LC_WORK/s10/summary.json")
echo "median age: speed 1 $m1 model ms ($n1 messages), speed 10 $m10 model ms ($n10 messages)"
awk -v a="$m1" -v b="$m10" -v s1="$spread1" -v s10="$spread10" 'BEGIN {
        d = a - b; if (d < 0) d = -d
        tolerance = 0.15 * a + 2 * (10 + 1) + 10 * s10 + s1
        printf "difference %.3f model ms, tolerance %.3f\n", d, tolerance
        exit !(a > 100 && d <= tolerance) }' \
    || fail "median message age differs between speed 1 ($m1) and speed 10 ($m10) model ms"
