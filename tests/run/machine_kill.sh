#!/usr/bin/env bash
# A peer killed with SIGKILL mid-run: the others finish on time, nothing
# blocks, their sends to it are counted as failed, and the analyzer passes
# and reports undelivered messages to the dead machine only. Then the
# killed machine restarts with --resume: it restores its clock, tick and
# sequence from its log, rejoins, and ticks to the end.
. "$LC_SOURCE/tests/lib/run.sh"

speed=10 duration=60
lc_loopback 3
for run in "$LC_WORK/kill" "$LC_WORK/restart"; do
    for i in 1 2 3; do
        # shellcheck disable=SC2046
        lc_start "m$i" "$LCLOCK" machine $(lc_machine_args "$i") --rate 4 \
            --speed $speed --duration $duration --seed 21 --log-dir "$run"
    done
    lc_wait_file "$run/machine-3.csv" 20
    for ((n = 0; n < 200; n++)); do         # 40 ticks of machine 3: 1 s
        [ "$(lc_last "$run/machine-3.csv" 4)" -ge 40 ] && break
        sleep 0.05
    done
    kill -KILL "$pid_m3"
    lc_wait m3
    killed_at=$(lc_last "$run/machine-3.csv" 4)
    if [ "$run" = "$LC_WORK/restart" ]; then
        sleep 1
        # shellcheck disable=SC2046
        lc_start m3 "$LCLOCK" machine $(lc_machine_args 3) --rate 4 --resume \
            --speed $speed --duration $duration --seed 21 --log-dir "$run"
    fi
    for i in 1 2; do
        lc_wait "m$i"; rc=$LC_RC
        [ "$rc" = 0 ] || { cat "$LC_WORK/m$i.err" >&2; fail "machine $i exited $rc"; }
        lc_expect_ticks "$run/machine-$i.json"
        # On time: the stop row within the run's wall time plus the 1 s grace
        took=$(awk -F, 'NR == 2 { t0 = $1 } END { printf "%d", ($1 - t0) * 1000 }' "$run/machine-$i.csv")
        [ "$took" -lt $((duration * 1000 / speed + 1500)) ] || fail "machine $i took $took ms"
    done
    failed=$(( $(lc_field "$run/machine-1.json" send_failed) + $(lc_field "$run/machine-2.json" send_failed) ))
    [ "$failed" -gt 0 ] || fail "no send to the dead machine was counted as failed"
    "$LCLOCK" analyze "$run" --no-plots >"$LC_WORK/analyze.out" 2>&1 \
        || { cat "$LC_WORK/analyze.out" >&2; fail "lclock analyze failed on $run"; }
    # undelivered: to machine 3, or from it (sent in its last second)
    grep "^undelivered" "$LC_WORK/analyze.out" | grep -v -q -E "(to|from) machine 3 " \
        && fail "undelivered messages reported for a machine that did not crash"
    echo "$(basename "$run"): machine 3 killed at tick $killed_at; failed sends to it: $failed"
done

# The restarted machine: two start rows, the second carrying the clock and
# tick of the last row before the crash; it ran to the end.
csv="$LC_WORK/restart/machine-3.csv" json="$LC_WORK/restart/machine-3.json"
lc_wait m3; rc=$LC_RC
[ "$rc" = 0 ] || { cat "$LC_WORK/m3.err" >&2; fail "the restarted machine exited $rc"; }
[ "$(lc_count "$csv" start)" = 2 ] || fail "expected two start rows"
awk -F, '$3 == "start" && NR > 2 { print prev_tick, prev_clock, $4, $5 } { prev_tick = $4; prev_clock = $5 }' "$csv" |
    { read -r pt pc st sc; [ "$pt:$pc" = "$st:$sc" ] || fail "restart row $st:$sc, last row before $pt:$pc"; }
[ "$(lc_field "$json" restarts)" = 1 ] || fail "summary restarts is not 1"
[ "$(lc_field "$json" stop_reason)" = duration ] || fail "restarted machine did not run to the end"
[ "$(lc_last "$csv" 4)" = $((4 * duration)) ] || fail "restarted machine stopped at tick $(lc_last "$csv" 4)"
seqs=$(awk -F, '$3 == "send" { split($8, id, ":"); print id[2] }' "$csv")
[ "$(sort -n <<<"$seqs" | uniq -d)" = "" ] || fail "a send sequence number was reused after the restart"
lc_logcheck "$LC_WORK/restart"/machine-*.csv
