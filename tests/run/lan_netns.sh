#!/usr/bin/env bash
# A LAN run in miniature: three namespaces as hosts on one bridge, a cluster
# file naming them, launch/runlan.sh starting each machine in its namespace
# through a prefix script of the user's (in a folder with a space, named
# in quotes: LCLOCK_REMOTE="'DIR/run on' HOST"; it runs 'ip netns exec
# HOST' with the words it is given), gathering the logs from the per-host
# folders into one run directory, and analyzing it. Then the same run
# again, with the copy from host 2 failing: what the copy said is shown
# whole, the logs stay on the host, exit 1. Last, machine 2 cannot bind
# (its endpoint is no address of its host): the others, waiting for it,
# are stopped at once instead of at their start timeout (30 s), exit 1
# with its error. Needs root (see tests/lib/netns.sh).
. "$LC_SOURCE/tests/lib/run.sh"
. "$LC_SOURCE/tests/lib/netns.sh"

#  A bad cluster file is refused before anything starts: exit 2, the one
#  line of `lclock cluster`, no run directory (and a prefix that runs nothing)
printf 'cluster\n    machine = 1\n        endpoint = tcp://h1:5551\n        rate = 7-2\n' \
    >"$LC_WORK/bad.zpl"
lc_expect_refused 2 "lclock cluster: $LC_WORK/bad.zpl: machine 1: rate: expected R or MIN-MAX with 1 <= MIN <= MAX <= 1000000, got '7-2'" \
    env LCLOCK_REMOTE='false HOST' LCLOCK_BIN="$LCLOCK" LCLOCK="$LCLOCK" LCLOCK_RUNS="$LC_WORK/runs" \
    bash "$LC_SOURCE/launch/runlan.sh" "$LC_WORK/bad.zpl"
[ ! -e "$LC_WORK/runs" ] || fail "runlan.sh with a bad cluster file started a run"

lc_netns_up 3
lc_netns_cluster "$LC_WORK/cluster.zpl" 10 20

mkdir -p "$LC_WORK/my prefix"
#  (it fails copying from host 2 when the file copy-fails exists)
cat >"$LC_WORK/my prefix/run on" <<EOF
#!/bin/sh
ns=\$1
shift
case "\$ns \$*" in
    *_2\ *tar\ -cf*) [ ! -e "$LC_WORK/copy-fails" ] || { echo "copy: first line"; echo "copy: second line"; exit 3; } >&2 ;;
esac
exec ip netns exec "\$ns" "\$@"
EOF
chmod +x "$LC_WORK/my prefix/run on"
lc_start lan env LCLOCK_REMOTE="'$LC_WORK/my prefix/run on' HOST" LCLOCK_BIN="$LCLOCK" \
    LCLOCK="$LCLOCK" LCLOCK_RUNS="$LC_WORK/runs" LCLOCK_REMOTE_DIR="$LC_WORK/hosts" \
    bash "$LC_SOURCE/launch/runlan.sh" "$LC_WORK/cluster.zpl"
lc_wait lan
lc_lan_check "$LC_RC" 3

touch "$LC_WORK/copy-fails"
lc_start broken env LCLOCK_REMOTE="'$LC_WORK/my prefix/run on' HOST" LCLOCK_BIN="$LCLOCK" \
    LCLOCK="$LCLOCK" LCLOCK_RUNS="$LC_WORK/runs-broken" LCLOCK_REMOTE_DIR="$LC_WORK/hosts-broken" \
    bash "$LC_SOURCE/launch/runlan.sh" "$LC_WORK/cluster.zpl"
lc_expect_exit broken 1
host2=$(lc_netns_name 2)
grep -A2 "^runlan.sh: the logs from $host2 ($LC_WORK/hosts-broken/$host2) did not come back (exit 3):$" \
    "$LC_WORK/broken.err" | tr -d '\n' | grep -q "^.*:    copy: first line    copy: second line$" \
    || { cat "$LC_WORK/broken.err" >&2; fail "the failed copy is not shown whole"; }
[ -f "$LC_WORK/hosts-broken/$host2/machine-2.csv" ] || fail "machine 2's log is not left on its host"
[ ! -e "$(echo "$LC_WORK"/runs-broken/lan-*/machine-2.csv)" ] || fail "machine 2's log came back"

rm "$LC_WORK/copy-fails"
sed -i "s|tcp://$(lc_netns_addr 2):5551|tcp://$(lc_netns_addr 9):5551|" "$LC_WORK/cluster.zpl"
t0=$(date +%s)
lc_start nobind env LCLOCK_REMOTE="'$LC_WORK/my prefix/run on' HOST" LCLOCK_BIN="$LCLOCK" \
    LCLOCK="$LCLOCK" LCLOCK_RUNS="$LC_WORK/runs-nobind" bash "$LC_SOURCE/launch/runlan.sh" "$LC_WORK/cluster.zpl"
lc_expect_exit nobind 1
[ $(($(date +%s) - t0)) -lt 15 ] || fail "nobind: the others were not stopped at once"
for text in "a machine ended before every machine had started; stopping the others" \
        "machine 2 on $host2: exited with status 2" "cannot bind: Cannot assign requested address" \
        "the machines did not all start; nothing to analyze"; do
    grep -q "$text" "$LC_WORK/nobind.out" "$LC_WORK/nobind.err" \
        || { cat "$LC_WORK/nobind.out" "$LC_WORK/nobind.err" >&2; fail "nobind: '$text' not said"; }
done
echo "lan_netns: ok ($LC_LAN_SUMMARY; a failed copy shown whole; a machine that cannot start stops the run)"
