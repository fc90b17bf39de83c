#!/usr/bin/env bash
# A machine stopped with SIGSTOP for 11 s, then SIGCONT: nothing is lost.
# Its peers keep what they sent until it is acknowledged as logged and,
# its acknowledgements stalled, send it again (more than 5 stall periods,
# LC_ACK_STALL_MS); every machine runs to the end, no message is unacked,
# and the analyzer passes with nothing undelivered.
. "$LC_SOURCE/tests/lib/run.sh"

lc_loopback 3
run="$LC_WORK/run"
# 80 model s at speed 5: 16 s of wall time, 11 of them with machine 2 stopped
lc_start_machines m "1 2 3" --speed 5 --duration 80 --rate 4 --roll 4 --seed 99 \
    --log-dir "$run" --quiet
lc_wait_file "$run/machine-2.csv" 20
sleep 1
kill -STOP "$pid_m2"
stopped_at=$(lc_last "$run/machine-2.csv" 1)
sleep 11
kill -CONT "$pid_m2"
for i in 1 2 3; do
    lc_expect_exit "m$i" 0
    lc_expect_ticks "$run/machine-$i.json"
done
retransmitted=$(( $(lc_field "$run/machine-1.json" retransmitted) + $(lc_field "$run/machine-3.json" retransmitted) ))
# What machines 1 and 3 sent to 2 while it was stopped, received by 2
late=$(awk -F, -v t="$stopped_at" 'FNR == 1 { next }
    FILENAME !~ /machine-2.csv$/ && $3 == "send" && $7 ~ /(^|;)2(;|$)/ && $1 > t + 1 && $1 < t + 10 { sent[$8] = 1 }
    FILENAME ~ /machine-2.csv$/ && ($3 == "recv" || $3 == "unread") && ($8 in sent) { n++ }
    END { print n + 0 }' "$run"/machine-1.csv "$run"/machine-3.csv "$run"/machine-2.csv)
echo "sigstop: retransmitted $retransmitted; sent to machine 2 while it was stopped and received: $late"
summary=$(lc_logcheck "$run"/machine-*.csv)
echo "$summary"
[[ "$summary" == *"unacked 0" ]] || fail "messages unacknowledged: $summary"
[ "$late" -gt 0 ] || fail "nothing sent during the outage was received"
[ "$retransmitted" -gt 0 ] || fail "no message was sent again: did acknowledgements not stall?"
"$LCLOCK" analyze "$run" --no-plots >"$LC_WORK/analyze.out" 2>&1 \
    || { cat "$LC_WORK/analyze.out" >&2; fail "lclock analyze failed on the run"; }
! grep -q "^undelivered" "$LC_WORK/analyze.out" || { cat "$LC_WORK/analyze.out" >&2; fail "undelivered messages"; }
