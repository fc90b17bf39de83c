#!/usr/bin/env bash
# A LAN run through launch/runlan.sh in three namespaces, as lan_netns.sh,
# where host 2's cable is pulled for 2 s in the middle of the run: ZeroMQ
# and TCP carry the queued messages over once it is back, so the run ends
# normally, nothing is lost and the analysis passes. Needs root (see
# tests/lib/netns.sh).
. "$LC_SOURCE/tests/lib/run.sh"
. "$LC_SOURCE/tests/lib/netns.sh"

lc_netns_up 3
lc_netns_cluster "$LC_WORK/cluster.zpl" 20 2        #  10 s of wall time

lc_start lan env LCLOCK_REMOTE='ip netns exec HOST' LCLOCK_BIN="$LCLOCK" \
    LCLOCK="$LCLOCK" LCLOCK_RUNS="$LC_WORK/runs" LCLOCK_REMOTE_DIR="$LC_WORK/hosts" \
    bash "$LC_SOURCE/launch/runlan.sh" "$LC_WORK/cluster.zpl"

#  The logs appear when ticking starts; pull the cable 3 s later
lc_wait_file "$LC_WORK/hosts/$(lc_netns_name 2)/machine-2.csv" 30
sleep 3
lc_netns_link_down 2
if lc_netns_reach 1 2; then
    fail "host 2 still reachable with its link down"
fi
sleep 1.5                                           #  2 s down, probe included
lc_netns_link_up 2
# shellcheck disable=SC2154  # set by lc_start
kill -0 "$pid_lan" 2>/dev/null || fail "the run ended before the link came back"
down_at=$(lc_last "$LC_WORK/hosts/$(lc_netns_name 2)/machine-2.csv" 4)

lc_wait lan
lc_lan_check "$LC_RC" 3
echo "lan_link_down: ok ($LC_LAN_SUMMARY; link back at tick $down_at of machine 2)"
