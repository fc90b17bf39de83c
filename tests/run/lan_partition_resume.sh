#!/usr/bin/env bash
# A sender killed and resumed during a partition: host 1's cable is pulled,
# machine 1 goes on sending to machines 2 and 3 (it keeps what it sends),
# is killed with SIGKILL, restarted with --resume while still cut off, and
# only then does the cable come back. What it had sent and was never
# acknowledged, it rebuilds from its log and sends again: it arrives after
# both sides are back, nothing is unacked, and the analysis passes with
# nothing undelivered. Needs root (see tests/lib/netns.sh).
. "$LC_SOURCE/tests/lib/run.sh"
. "$LC_SOURCE/tests/lib/netns.sh"

lc_netns_up 3
lc_netns_cluster "$LC_WORK/cluster.zpl" 40 2        #  20 s of wall time
# machine I on host I, its logs in hosts/I
machine () {    # machine NAME I [OPTIONS...]
    local name=$1 i=$2; shift 2
    lc_start "$name" ip netns exec "$(lc_netns_name "$i")" "$LCLOCK" machine \
        --cluster "$LC_WORK/cluster.zpl" --id "$i" --log-dir "$LC_WORK/hosts/$i" --quiet "$@"
}
#  machine 1 at rate 6: in 3 s of partition (6 model s) it rolls 36 times
machine m1 1 --rate 6
for i in 2 3; do
    machine "m$i" "$i"
done
csv1="$LC_WORK/hosts/1/machine-1.csv"
lc_wait_file "$csv1" 30
sleep 2
lc_netns_link_down 1
down=$(lc_last "$csv1" 1)
sleep 3                                     #  it sends into the partition
kill -KILL "$pid_m1"
lc_wait m1
killed=$(lc_last "$csv1" 1)
machine m1 1 --rate 6 --resume             #  still cut off
sleep 2
lc_netns_link_up 1
for i in 1 2 3; do
    lc_expect_exit "m$i" 0
done
run="$LC_WORK/run"
mkdir -p "$run"
for i in 1 2 3; do
    cp "$LC_WORK/hosts/$i/machine-$i.csv" "$LC_WORK/hosts/$i/machine-$i.json" "$run/"
done
summary=$(lc_logcheck "$run"/machine-*.csv)
echo "$summary"
[[ "$summary" == *"unacked 0" ]] || fail "messages unacknowledged: $summary"
# What machine 1 sent while cut off and before its crash, received after
again=$(awk -F, -v d="$down" -v k="$killed" 'FNR == 1 { next }
    FILENAME ~ /machine-1.csv$/ && $3 == "send" && $1 > d + 0.1 && $1 <= k && $7 != "" { sent[$8] = 1 }
    FILENAME !~ /machine-1.csv$/ && ($3 == "recv" || $3 == "unread") && ($8 in sent) { n++ }
    END { print n + 0 }' "$run"/machine-1.csv "$run"/machine-2.csv "$run"/machine-3.csv)
echo "lan_partition_resume: sent by machine 1 in the partition before its crash, received after: $again"
[ "$again" -gt 0 ] || fail "nothing machine 1 sent before its crash arrived"
"$LCLOCK" analyze "$run" --no-plots --json >"$LC_WORK/analyze.json" 2>"$LC_WORK/analyze.err" \
    || { cat "$LC_WORK/analyze.err" >&2; fail "lclock analyze failed on the run"; }
jq -e '.totals.undelivered == 0' "$LC_WORK/analyze.json" >/dev/null || fail "undelivered messages"
