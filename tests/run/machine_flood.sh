#!/usr/bin/env bash
# A flood of garbage while ticking at speed 50 (bounded, on loopback): the
# tick count is still floor(rate x duration), rejected and bad_connections
# equal what was sent, the log is untouched, and memory stays bounded (the
# flooded machine's peak RSS against its unflooded peer's).
. "$LC_SOURCE/tests/lib/run.sh"
inject="$LC_TOOLS/lc_inject"

junk=${LC_FLOOD_JUNK:-200000} garbage=200 oversize=10
lc_loopback 2
run="$LC_WORK/run"
lc_start_machines m "1 2" --speed 50 --duration 240 --seed 13 --log-dir "$run" --quiet
lc_wait_file "$run/machine-1.csv" 20
ep="tcp://127.0.0.1:${LC_PORT[1]}"
start=$(date +%s.%N)
injectors=()
"$inject" junk "$ep" "$junk" & injectors+=($!)
"$inject" garbage "$ep" "$garbage" & injectors+=($!)
"$inject" oversize "$ep" "$oversize" & injectors+=($!)
LC_PIDS+=("${injectors[@]}")
wait "${injectors[@]}" || fail "an injector failed"
flood_ms=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%d", (e - s) * 1000 }')
sleep 0.3
hwm1=$(awk '/VmHWM/ { print $2 }' "/proc/$pid_m1/status")
hwm2=$(awk '/VmHWM/ { print $2 }' "/proc/$pid_m2/status")
[ "$(lc_field "$run/machine-1.json" stop_reason)" = null ] \
    || fail "machine 1 stopped before the flood ended (flood took $flood_ms ms)"
for i in 1 2; do
    lc_expect_exit "m$i" 0
    lc_expect_ticks "$run/machine-$i.json"
done
json="$run/machine-1.json"
rejected=$(lc_field "$json" rejected) bad=$(lc_field "$json" bad_connections)
echo "flood of $junk junk messages, $garbage garbage and $oversize oversize connections in $flood_ms ms:" \
     "rejected $rejected, bad_connections $bad, late ticks $(lc_field "$json" late_ticks)," \
     "peak RSS $hwm1 kB (unflooded peer $hwm2 kB)"
[ "$rejected" = "$junk" ] || fail "rejected $rejected, sent $junk"
# every garbage and oversize connection, and the junk sender's connection
[ "$bad" = $((garbage + oversize + 1)) ] || fail "bad_connections $bad, want $((garbage + oversize + 1))"
[ "$hwm1" -lt $((hwm2 + 65536)) ] || fail "peak RSS $hwm1 kB against $hwm2 kB unflooded"
lc_logcheck "$run"/machine-*.csv
