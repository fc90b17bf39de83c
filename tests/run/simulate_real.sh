#!/usr/bin/env bash
# simulate_real.sh - the simulator against real machines on loopback:
#
# 1. Same draws. For one run seed, each machine of `lclock simulate` has
#    the rate that `lclock machine` drew, and the same sequence of rolls:
#    the k-th idle tick of a machine sends to the same peers (or is
#    internal) in both, whatever the timing, since only idle ticks draw
#    (four machines, so a roll of 1 or 2 also draws its peer).
# 2. Same history where timing cannot decide. Rates 3, 4 and 5 tick at
#    k/3, k/4 and k/5 s: before t = 1 s (where all three tick at once) no
#    two ticks are closer than 1/20 s, and with roll 3 every idle tick sends.
#    A real message on loopback takes well under a millisecond, so at speed
#    1 the real run has 50 ms of margin on each side: every message reaches
#    its receiver before that one's next tick, as in the simulation with a
#    1 us delay. So the rows of the ticks before 1 s (2 + 3 + 4 of them)
#    must agree in event, tick, clock, queue, peer and msg. From t = 1 s on,
#    ties decide, and the histories may part (docs/simulate.md). `lclock
#    diverge` must count at least those rows as identical.
. "$LC_SOURCE/tests/lib/run.sh"

# 1. Rates and rolls: 4 machines at speed 20 for 10 model seconds
seed=31
lc_loopback 4
lc_start_machines m "1 2 3 4" --rate 1-6 --roll 5 --duration 10 --speed 20 --seed $seed \
    --log-dir "$LC_WORK/real4" --quiet
for i in 1 2 3 4; do
    lc_expect_exit "m$i" 0
done
"$LCLOCK" simulate --machines 4 --rate 1-6 --roll 5 --duration 10 --seed $seed \
    --log-dir "$LC_WORK/sim4" >/dev/null || fail "simulate exited $?"

# rolls FILE LAST: the idle ticks' outcomes (event and recipients), one a
# line, without the tick at LAST (at the very end a peer may have left,
# and the real send row then lists fewer recipients)
rolls () {
    awk -F, -v last="$2" '($3 == "send" || $3 == "internal") && $4 != last { print $3, $7 }' "$1"
}
compared=0
for i in 1 2 3 4; do
    rate=$(lc_field "$LC_WORK/real4/machine-$i.json" rate)
    [ "$(lc_field "$LC_WORK/sim4/machine-$i.json" rate)" = "$rate" ] \
        || fail "machine $i: real rate $rate, simulated $(lc_field "$LC_WORK/sim4/machine-$i.json" rate)"
    rolls "$LC_WORK/real4/machine-$i.csv" $((rate * 10)) >"$LC_WORK/real-$i.rolls"
    rolls "$LC_WORK/sim4/machine-$i.csv" $((rate * 10)) >"$LC_WORK/sim-$i.rolls"
    n=$(( $(wc -l <"$LC_WORK/real-$i.rolls") < $(wc -l <"$LC_WORK/sim-$i.rolls")
          ? $(wc -l <"$LC_WORK/real-$i.rolls") : $(wc -l <"$LC_WORK/sim-$i.rolls") ))
    cmp -s <(head -n "$n" "$LC_WORK/real-$i.rolls") <(head -n "$n" "$LC_WORK/sim-$i.rolls") \
        || { diff <(head -n "$n" "$LC_WORK/real-$i.rolls") <(head -n "$n" "$LC_WORK/sim-$i.rolls") >&2
             fail "machine $i: the rolls of the real and the simulated run differ"; }
    compared=$((compared + n))
done
[ "$compared" -ge 40 ] || fail "only $compared rolls compared"

# A simulated run against itself: every row identical
"$LCLOCK" diverge "$LC_WORK/sim4" "$LC_WORK/sim4" >"$LC_WORK/self.txt" || fail "diverge exited $?"
grep -q "^1 run: \([0-9]*\) of \1 rows identical before the first divergence (100.0%)$" \
    "$LC_WORK/self.txt" || fail "a run against itself: $(cat "$LC_WORK/self.txt")"
grep -q "first divergence by cause: none 4$" "$LC_WORK/self.txt" || fail "causes: $(cat "$LC_WORK/self.txt")"

# 2. Row for row before the first tie: rates 3, 4, 5, roll 3, speed 1, 1 s
seed=5
rates=(0 3 4 5)
lc_loopback 3
for i in 1 2 3; do
    # shellcheck disable=SC2046
    lc_start "r$i" "$LCLOCK" machine $(lc_machine_args "$i") --rate "${rates[i]}" --roll 3 \
        --duration 1 --speed 1 --seed $seed --log-dir "$LC_WORK/real3" --quiet
done
for i in 1 2 3; do
    lc_expect_exit "r$i" 0
done
"$LCLOCK" simulate --rates 3,4,5 --roll 3 --duration 1 --seed $seed --delay 0.001 \
    --log-dir "$LC_WORK/sim3" >/dev/null || fail "simulate exited $?"

# early FILE RATE: event,tick,clock,queue,peer,msg of the start row and of
# the ticks before 1 s
early () {
    awk -F, -v r="$2" 'NR > 1 && $4 < r && $3 != "unread" && $3 != "stop" { print $3 "," $4 "," $5 "," $6 "," $7 "," $8 }' "$1"
}
rows=0
for i in 1 2 3; do
    early "$LC_WORK/real3/machine-$i.csv" "${rates[i]}" >"$LC_WORK/real-$i.early"
    early "$LC_WORK/sim3/machine-$i.csv" "${rates[i]}" >"$LC_WORK/sim-$i.early"
    [ "$(wc -l <"$LC_WORK/sim-$i.early")" = "${rates[i]}" ] || fail "machine $i: expected ${rates[i]} early rows"
    cmp -s "$LC_WORK/real-$i.early" "$LC_WORK/sim-$i.early" \
        || { diff "$LC_WORK/real-$i.early" "$LC_WORK/sim-$i.early" >&2
             grep -h late_ticks "$LC_WORK"/real3/machine-*.json >&2
             fail "machine $i: the real rows before 1 s differ from the simulated ones"; }
    rows=$((rows + $(wc -l <"$LC_WORK/sim-$i.early")))
done
grep -q '^recv,' "$LC_WORK"/sim-*.early || fail "no message was received in the compared rows"

# lclock diverge counts at least those rows for each machine, names a
# cause for each, and refuses two runs that are not the same run
"$LCLOCK" diverge "$LC_WORK/real3" "$LC_WORK/sim3" --json >"$LC_WORK/diverge.json" \
    || fail "diverge exited $?"
python3 - "$LC_WORK/diverge.json" "${rates[1]}" "${rates[2]}" "${rates[3]}" \
    >"$LC_WORK/diverge.check" 2>&1 <<'PY' || fail "diverge: $(cat "$LC_WORK/diverge.check")"
import json, sys
pairs = json.load(open(sys.argv[1]))["pairs"]
if len(pairs) != 1:
    sys.exit(f"{len(pairs)} pairs, expected 1")
machines = {m["machine"]: m for m in pairs[0]["machines"]}
causes = {"none", "tie", "late_tick", "delay", "propagated", "send_failed", "end", "other"}
for i, least in enumerate(map(int, sys.argv[2:]), 1):
    m = machines.get(i)
    if m is None:
        sys.exit(f"machine {i} missing")
    if m["identical"] < least:
        sys.exit(f"machine {i} identical for {m['identical']} rows, expected at least {least}")
    if m["cause"] not in causes:
        sys.exit(f"machine {i}: cause {m['cause']!r} is not one of {sorted(causes)}")
PY
rc=0
lc_expect_refused -p 2 "not the same run" "$LCLOCK" diverge "$LC_WORK/real3" "$LC_WORK/sim4"
echo "simulate_real: ok ($compared rolls, $rows rows agree)"
