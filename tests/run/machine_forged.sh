#!/usr/bin/env bash
# Forged control and data messages to a running machine, from a stranger
# posing as its peers (no CURVE: anyone who reaches the port can): a HELLO
# with other run settings, a BYE from an instance the run does not know, a
# DATA whose clock no peer may accept, and a message of 10 000 frames.
# None is obeyed, none is fatal: each is rejected and counted exactly, the
# machine keeps sending to the peer the BYE claimed had left, its clock is
# untouched, and the run checks out.
. "$LC_SOURCE/tests/lib/run.sh"
inject="$LC_TOOLS/lc_inject"

lc_loopback 3
run="$LC_WORK/run"
lc_start_machines m "1 2 3" --speed 10 --duration 60 --rate 4 --seed 8 --log-dir "$run"
lc_wait_file "$run/machine-1.csv" 20
ep="tcp://127.0.0.1:${LC_PORT[1]}"
"$inject" hello "$ep" 3 2
"$inject" bye "$ep" 2 2
"$inject" clock "$ep" 2 3
"$inject" frames "$ep" 1 10000
injected=$(tail -n 1 "$run/machine-1.csv" | cut -d, -f1)
[ "$(lc_field "$run/machine-1.json" stop_reason)" = null ] \
    || fail "machine 1 stopped before the injection ended; slow host?"
for i in 1 2 3; do
    lc_expect_exit "m$i" 0
    lc_expect_ticks "$run/machine-$i.json"
done
json="$run/machine-1.json"
echo "machine 1: rejected $(lc_field "$json" rejected), final clock $(lc_field "$json" final_clock)"
[ "$(lc_field "$json" rejected)" = 8 ] || fail "rejected: want 3 + 2 + 2 + 1 = 8"
for i in 2 3; do
    [ "$(lc_field "$run/machine-$i.json" rejected)" = 0 ] || fail "machine $i rejected something"
done
grep -q "rejected messages" "$LC_WORK/m1.err" || fail "no report of rejected messages on stderr"
# The forged BYE cut nothing: machine 1 still sent to machine 2 afterwards
after=$(awk -F, -v t="$injected" 'NR > 1 && $3 == "send" && $1 > t && $7 ~ /(^|;)2(;|$)/ { n++ } END { print n + 0 }' "$run/machine-1.csv")
[ "$after" -gt 0 ] || fail "machine 1 stopped sending to machine 2 after a forged BYE"
# Clocks stay what the run made them: 60 s at rate 4 moves no clock far
[ "$(lc_field "$json" final_clock)" -lt 10000 ] || fail "a forged clock reached machine 1"
lc_logcheck "$run"/machine-*.csv
"$LCLOCK" analyze "$run" --no-plots >"$LC_WORK/analyze.out" 2>&1 \
    || { cat "$LC_WORK/analyze.out" >&2; fail "lclock analyze failed on the run"; }
echo "machine_forged: ok ($after sends to machine 2 after the forged BYE)"
