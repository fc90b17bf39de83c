#!/usr/bin/env bash
# A LAN run in miniature: three namespaces as hosts on one bridge, a cluster
# file naming them, launch/runlan.sh starting each machine in its namespace
# (LCLOCK_REMOTE='ip netns exec HOST'), gathering the logs from the per-host
# folders into one run directory, and analyzing it. Needs root (see
# tests/lib/netns.sh).
. "$LC_SOURCE/tests/lib/run.sh"
. "$LC_SOURCE/tests/lib/netns.sh"

lc_netns_up 3
lc_netns_cluster "$LC_WORK/cluster.zpl" 10 20

lc_start lan env LCLOCK_REMOTE='ip netns exec HOST' LCLOCK_BIN="$LCLOCK" \
    LCLOCK="$LCLOCK" LCLOCK_RUNS="$LC_WORK/runs" LCLOCK_REMOTE_DIR="$LC_WORK/hosts" \
    bash "$LC_SOURCE/launch/runlan.sh" "$LC_WORK/cluster.zpl"
lc_wait lan
lc_lan_check "$LC_RC" 3
echo "lan_netns: ok ($LC_LAN_SUMMARY)"
