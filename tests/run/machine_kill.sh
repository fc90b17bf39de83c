#!/usr/bin/env bash
# A peer killed with SIGKILL mid-run, slow (rate 1) among fast peers (rate
# 6) so that its buffer holds messages when it dies.
# - Without a restart: the others finish on time (they wait for it one
#   grace period at most), and every message to it that it never logged is
#   an unacked row at its sender; the analyzer passes and reports them as
#   undelivered to a crashed machine.
# - Restarted with --resume: it restores clock, tick and sequence from its
#   log, rejoins, and its peers send to it again: what was in its buffer
#   or on the way when it died is received after the restart, and the
#   analyzer passes with nothing undelivered.
. "$LC_SOURCE/tests/lib/run.sh"

speed=10 duration=60
lc_loopback 3
rate () { [ "$1" = 3 ] && echo 1 || echo 6; }
for run in "$LC_WORK/kill" "$LC_WORK/restart"; do
    for i in 1 2 3; do
        # shellcheck disable=SC2046
        lc_start "m$i" "$LCLOCK" machine $(lc_machine_args "$i") --rate "$(rate "$i")" \
            --speed $speed --duration $duration --seed 21 --log-dir "$run"
    done
    lc_wait_file "$run/machine-3.csv" 20
    lc_wait_until 20 "machine 3 ticks 10 times (1 s)" lc_ticked "$run/machine-3.csv" 10
    kill -KILL "$pid_m3"
    lc_wait m3
    killed_at=$(lc_last "$run/machine-3.csv" 4)
    killed_time=$(lc_last "$run/machine-3.csv" 1)
    if [ "$run" = "$LC_WORK/restart" ]; then
        sleep 1
        # shellcheck disable=SC2046
        lc_start m3 "$LCLOCK" machine $(lc_machine_args 3) --rate 1 --resume \
            --speed $speed --duration $duration --seed 21 --log-dir "$run"
    fi
    for i in 1 2; do
        lc_expect_exit "m$i" 0
        lc_expect_ticks "$run/machine-$i.json"
        # On time: the stop row within the run's wall time plus the grace
        took=$(awk -F, 'NR == 2 { t0 = $1 } END { printf "%d", ($1 - t0) * 1000 }' "$run/machine-$i.csv")
        [ "$took" -lt $((duration * 1000 / speed + 1500)) ] || fail "machine $i took $took ms"
    done
    "$LCLOCK" analyze "$run" --no-plots >"$LC_WORK/analyze.out" 2>&1 \
        || { cat "$LC_WORK/analyze.out" >&2; fail "lclock analyze failed on $run"; }
    lc_logcheck "$run"/machine-*.csv
    unacked=$(( $(lc_count "$run/machine-1.csv" unacked) + $(lc_count "$run/machine-2.csv" unacked) ))
    echo "$(basename "$run"): machine 3 killed at tick $killed_at; unacked at its peers: $unacked"
    if [ "$run" = "$LC_WORK/kill" ]; then
        [ "$unacked" -gt 0 ] || fail "no message to the dead machine is listed unacked"
        # every unacked row names machine 3, the dead one
        awk -F, '$3 == "unacked" && $7 != 3' "$run"/machine-[12].csv | grep -q . \
            && fail "unacked rows for a machine that did not crash"
        for i in 1 2; do
            [ "$(lc_field "$run/machine-$i.json" unacked)" = "$(lc_count "$run/machine-$i.csv" unacked)" ] \
                || fail "machine $i: summary unacked differs from its unacked rows"
        done
        # each is undelivered to the crashed machine, or it had logged it
        # and died before its acknowledgement went out (a late one)
        undelivered=$(sed -n 's/^undelivered: \([0-9]*\) message(s) to machine 3 (it crashed.*/\1/p' "$LC_WORK/analyze.out")
        late=$(sed -n 's/^late acknowledgements: \([0-9]*\) message(s) machine 3 logged.*/\1/p' "$LC_WORK/analyze.out")
        [ $((${undelivered:-0} + ${late:-0})) = "$unacked" ] && [ "${undelivered:-0}" -gt 0 ] \
            || { cat "$LC_WORK/analyze.out" >&2; fail "the analyzer accounts for ${undelivered:-0} + ${late:-0} of $unacked unacked"; }
    else
        [ "$unacked" = 0 ] || fail "$unacked messages to the resumed machine never acknowledged"
        grep -q "^undelivered" "$LC_WORK/analyze.out" \
            && { cat "$LC_WORK/analyze.out" >&2; fail "undelivered messages after the resume"; }
    fi
done

# The restarted machine: two start rows, the second carrying the clock and
# tick of the last row before the crash; it ran to the end; its peers sent
# to it again; and messages sent to it before it died (in its buffer or on
# the way) were received after the restart.
csv="$LC_WORK/restart/machine-3.csv" json="$LC_WORK/restart/machine-3.json"
lc_expect_exit m3 0
[ "$(lc_count "$csv" start)" = 2 ] || fail "expected two start rows"
awk -F, '$3 == "start" && NR > 2 { print prev_tick, prev_clock, $4, $5 } { prev_tick = $4; prev_clock = $5 }' "$csv" |
    { read -r pt pc st sc; [ "$pt:$pc" = "$st:$sc" ] || fail "restart row $st:$sc, last row before $pt:$pc"; }
[ "$(lc_field "$json" restarts)" = 1 ] || fail "summary restarts is not 1"
[ "$(lc_field "$json" stop_reason)" = duration ] || fail "restarted machine did not run to the end"
[ "$(lc_last "$csv" 4)" = "$duration" ] || fail "restarted machine stopped at tick $(lc_last "$csv" 4)"
seqs=$(awk -F, '$3 == "send" { split($8, id, ":"); print id[2] }' "$csv")
[ "$(sort -n <<<"$seqs" | uniq -d)" = "" ] || fail "a send sequence number was reused after the restart"
# Messages its peers sent it before it died, received after the restart
again=$(awk -F, -v killed="$killed_time" '
    FNR == 1 { next }
    FILENAME !~ /machine-3.csv$/ && $3 == "send" && $7 ~ /(^|;)3(;|$)/ && $1 < killed { before[$8] = 1 }
    FILENAME ~ /machine-3.csv$/ && $3 == "start" { starts++ }
    FILENAME ~ /machine-3.csv$/ && starts == 2 && ($3 == "recv" || $3 == "unread") && ($8 in before) { n++ }
    END { print n + 0 }' "$LC_WORK/restart"/machine-1.csv "$LC_WORK/restart"/machine-2.csv "$csv")
after=$(awk -F, -v killed="$killed_time" 'FNR > 1 && $3 == "send" && $7 ~ /(^|;)3(;|$)/ && $1 > killed + 1 { n++ } END { print n + 0 }' \
    "$LC_WORK/restart"/machine-[12].csv)
echo "restart: $again messages sent before the crash received after it; $after sent to it after it came back"
[ "$again" -gt 0 ] || fail "nothing sent to machine 3 before its crash was received after its restart"
[ "$after" -gt 0 ] || fail "its peers did not send to the resumed machine"
