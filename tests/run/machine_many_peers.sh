#!/usr/bin/env bash
# A machine given 400 peers that never come: it opens every link (ZeroMQ's
# socket limit and the file descriptor limit raised for them; czmq's
# default of 1024 sockets used to abort it past ~340 peers) and, at the
# short --start-timeout, exits 3 naming every missing peer. With a hard
# file descriptor limit too low for its peers it refuses at once: exit 2,
# saying how many it needs.
. "$LC_SOURCE/tests/lib/run.sh"

lc_loopback 1
args=(--id 1 --bind "tcp://127.0.0.1:${LC_PORT[1]}")
#  ipc endpoints where nothing listens: no stranger's port is knocked on
for ((i = 2; i <= 401; i++)); do
    args+=(--peer "$i=ipc://$LC_WORK/nobody-$i")
done
lc_start m "$LCLOCK" machine "${args[@]}" --log-dir "$LC_WORK/run" --start-timeout 2 --quiet
lc_expect_exit m 3
named=$(grep -o "no answer within --start-timeout 2 s from machines [0-9, ]*" "$LC_WORK/m.err" \
        | grep -o "[0-9][0-9]*" | tail -n +2 | sort -n | uniq | wc -l)
echo "many_peers: exit 3, $named missing peers named"
[ "$named" = 400 ] || { cat "$LC_WORK/m.err" >&2; fail "named $named of 400 missing peers"; }
[ "$(lc_field "$LC_WORK/run/machine-1.json" stop_reason)" = start_timeout ] \
    || fail "no start_timeout summary"
[ ! -e "$LC_WORK/run/machine-1.csv" ] || fail "an exit 3 left a log"

#  A hard limit of 256 descriptors cannot hold 400 peers
rc=0
(ulimit -Sn 256 && ulimit -Hn 256 && exec "$LCLOCK" machine "${args[@]}" --log-dir "$LC_WORK/low" \
    --start-timeout 2 --quiet) 2>"$LC_WORK/low.err" || rc=$?
[ "$rc" = 2 ] || { cat "$LC_WORK/low.err" >&2; fail "with ulimit -Hn 256: exit $rc, not 2"; }
grep -q "400 peers need [0-9]* file descriptors, but the limit is 256" "$LC_WORK/low.err" \
    || fail "with ulimit -Hn 256: $(cat "$LC_WORK/low.err")"
