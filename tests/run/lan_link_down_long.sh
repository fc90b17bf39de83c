#!/usr/bin/env bash
# A LAN run in three namespaces where host 2's cable is pulled for 11.5 s,
# more than 5 stall periods (LC_ACK_STALL_MS): nothing is lost. Every
# machine keeps what it sent until it is acknowledged as logged and sends
# it again while acknowledgements stall and once the link is back; the run
# ends normally, no message is unacked, and the analysis passes with
# nothing undelivered. Needs root (see tests/lib/netns.sh).
. "$LC_SOURCE/tests/lib/run.sh"
. "$LC_SOURCE/tests/lib/netns.sh"

lc_netns_up 3
lc_netns_cluster "$LC_WORK/cluster.zpl" 40 2        #  20 s of wall time

lc_start lan env LCLOCK_REMOTE='ip netns exec HOST' LCLOCK_BIN="$LCLOCK" \
    LCLOCK="$LCLOCK" LCLOCK_RUNS="$LC_WORK/runs" LCLOCK_REMOTE_DIR="$LC_WORK/hosts" \
    bash "$LC_SOURCE/launch/runlan.sh" "$LC_WORK/cluster.zpl"

csv2="$LC_WORK/hosts/$(lc_netns_name 2)/machine-2.csv"
lc_wait_file "$csv2" 30
sleep 2
lc_netns_link_down 2
down=$(lc_last "$csv2" 1)
if lc_netns_reach 1 2; then
    fail "host 2 still reachable with its link down"
fi
sleep 11
lc_netns_link_up 2
# shellcheck disable=SC2154  # set by lc_start
kill -0 "$pid_lan" 2>/dev/null || fail "the run ended before the link came back"

lc_wait lan
lc_lan_check "$LC_RC" 3
echo "$LC_LAN_SUMMARY"
[[ "$LC_LAN_SUMMARY" == *"unacked 0" ]] || fail "messages unacknowledged: $LC_LAN_SUMMARY"
retransmitted=0
for i in 1 2 3; do
    retransmitted=$((retransmitted + $(lc_field "$LC_LAN_RUN/machine-$i.json" retransmitted)))
done
# What machines 1 and 3 sent to 2 while its cable was out, received by 2
late=$(awk -F, -v t="$down" 'FNR == 1 { next }
    FILENAME !~ /machine-2.csv$/ && $3 == "send" && $7 ~ /(^|;)2(;|$)/ && $1 > t + 1 && $1 < t + 10 { sent[$8] = 1 }
    FILENAME ~ /machine-2.csv$/ && ($3 == "recv" || $3 == "unread") && ($8 in sent) { n++ }
    END { print n + 0 }' "$LC_LAN_RUN"/machine-1.csv "$LC_LAN_RUN"/machine-3.csv "$LC_LAN_RUN"/machine-2.csv)
echo "lan_link_down_long: retransmitted $retransmitted; sent to machine 2 while its cable was out and received: $late"
[ "$late" -gt 0 ] || fail "nothing sent during the outage was received"
[ "$retransmitted" -gt 0 ] || fail "no message was sent again: did acknowledgements not stall?"
jq -e '.totals.undelivered == 0 and .checks.ok' "$LC_LAN_RUN/summary.json" >/dev/null \
    || fail "the analysis reports undelivered messages or failed checks"
