#!/usr/bin/env bash
# Ctrl-C at launch/runlan.sh over real OpenSSH, typed on a terminal: the
# launcher runs under script(1), whose pty turns a ^C written to it into
# SIGINT for the foreground process group, as a keyboard would.
#  - during the preflight (a host that drops packets keeps it waiting):
#    exit 130 at once, nothing started, no run directory;
#  - once, while the machines tick: they stop cleanly on their hosts, the
#    logs come back complete and are analyzed, exit 130 (machines that stop
#    together are done in one acknowledgement round, often before the
#    countdown below has a second to show);
#  - twice, with machine 2 frozen (SIGSTOP) so that it cannot stop: the
#    second one kills machine 2, and the report tells the truth: machines
#    1 and 3 ended cleanly, machine 2 was killed; a countdown shows while
#    it waits for machine 2; exit 130.
# Needs root (see tests/lib/netns.sh).
. "$LC_SOURCE/tests/lib/run.sh"
. "$LC_SOURCE/tests/lib/netns.sh"
. "$LC_SOURCE/tests/lib/sshd.sh"
lc_require script

lc_ssh_lab 3
client=$LC_SSH_FROM

#  on_tty NAME CLUSTER [VAR=VALUE...]: runlan.sh on the client, on a terminal of its own
#  (script -e: its exit status), reading keys from a FIFO held open here
#  (read and write: opening it does not wait for the other end), typed
#  with type_keys NAME KEYS. A command started in the background by a
#  script ignores SIGINT, and so would runlan.sh under it: env gives it
#  back, as a user's terminal has it.
on_tty () {
    local name=$1 cluster=$2 fd
    shift 2
    mkfifo "$LC_WORK/$name.keys"
    exec {fd}<>"$LC_WORK/$name.keys"
    printf -v "keys_$name" '%s' "$fd"
    #  (stdin given inside: a command put in the background gets /dev/null)
    # shellcheck disable=SC2016
    lc_start "$name" bash -c 'exec script -qfec "$0" /dev/null <&"$1"' "exec env \
--default-signal=INT ip netns exec $client env LCLOCK_REMOTE='ssh -F $LC_SSH/config HOST' \
LCLOCK_BIN=$LCLOCK LCLOCK=$LCLOCK LCLOCK_RUNS=$LC_WORK/runs-$name \
LCLOCK_REMOTE_DIR=$LC_WORK/hosts-$name $* bash $LC_SOURCE/launch/runlan.sh $cluster" "$fd"
}
type_keys () { local fd="keys_$1"; printf '%b' "$2" >&"${!fd}"; }

#  wait_for NAME TEXT SECONDS: the terminal of NAME shows TEXT
wait_for () { lc_wait_line "$LC_WORK/$1.out" "$2" "$3"; }

#  ticking NAME: every machine ticks, as runlan.sh has said, and has its
#  log on its host
ticking () {
    local i
    wait_for "$1" "every machine is ticking" 30
    for i in 1 2 3; do
        lc_wait_file "$LC_WORK/hosts-$1/$(lc_netns_addr "$i")/machine-$i.csv" 5
    done
}

#  expect_130 NAME: it exited 130
expect_130 () {
    lc_wait "$1"
    [ "$LC_RC" = 130 ] || { cat -v "$LC_WORK/$1.out" >&2; fail "$1: exit $LC_RC, not 130"; }
}

#  During the preflight: host 3 drops every packet, and ssh would wait 30 s
#  for it; Ctrl-C after 1 s
lc_ssh_cluster "$LC_WORK/cluster.zpl" 600 10 3
ip -n "$client" neigh replace "$(lc_netns_addr 3)" lladdr 02:00:00:00:00:99 dev eth0 nud permanent
on_tty early "$LC_WORK/cluster.zpl" "LCLOCK_SSH_OPTS='-o BatchMode=yes -o ConnectTimeout=30'"
sleep 1
t0=$(date +%s%N)
type_keys early '\003'
expect_130 early
ms=$((($(date +%s%N) - t0) / 1000000))
grep -q "interrupted before any machine started" "$LC_WORK/early.out" || fail "early: not said"
[ "$ms" -lt 10000 ] || fail "early: $ms ms after the Ctrl-C"
[ ! -e "$LC_WORK/runs-early" ] || fail "early: a run directory was made"
ip -n "$client" neigh del "$(lc_netns_addr 3)" dev eth0
echo "early: exit 130, $ms ms after Ctrl-C"

#  Once: 60 s of ticks, stopped as soon as every machine ticks
on_tty once "$LC_WORK/cluster.zpl"
ticking once
type_keys once '\003'
expect_130 once
for text in "Ctrl-C: stopping the machines" "analysis: every check holds"; do
    grep -q -- "$text" "$LC_WORK/once.out" || { cat -v "$LC_WORK/once.out" >&2; fail "once: '$text' not shown"; }
done
run=$(echo "$LC_WORK"/runs-once/lan-*)
for i in 1 2 3; do
    grep -q "machine $i on $(lc_netns_addr "$i"): ended cleanly (status 0)" "$LC_WORK/once.out" \
        || fail "once: machine $i not said to have ended cleanly"
    [ "$(lc_last "$run/machine-$i.csv" 3)" = stop ] || fail "once: machine $i's log has no stop row"
    [ "$(lc_field "$run/machine-$i.json" stop_reason)" = signal ] || fail "once: machine $i did not stop on the signal"
done
echo "once: exit 130, every machine ended cleanly, $(lc_logcheck "$run"/machine-*.csv)"

#  Twice: machine 2 frozen on its host, so it cannot stop
on_tty twice "$LC_WORK/cluster.zpl"
ticking twice
run=$(echo "$LC_WORK"/runs-twice/lan-*)
m2=$(sed -n 's/^pid //p' "$run/launch/remote-2.out")
[ -n "$m2" ] || fail "twice: no pid of machine 2"
kill -STOP "$m2"
type_keys twice '\003'
wait_for twice "machine 1 on .* ended with status 0" 20
wait_for twice "machine 3 on .* ended with status 0" 20
type_keys twice '\003'
expect_130 twice
grep -q "Ctrl-C again: killing machine(s) 2 (on $(lc_netns_addr 2)) now; the others have ended" \
    "$LC_WORK/twice.out" || { cat -v "$LC_WORK/twice.out" >&2; fail "twice: the kill not said"; }
grep -q "killed in [0-9]* s (Ctrl-C again: now)" "$LC_WORK/twice.out" \
    || { cat -v "$LC_WORK/twice.out" >&2; fail "twice: no countdown while machine 2 could not stop"; }
for i in 1 3; do
    grep -q "machine $i on $(lc_netns_addr "$i"): ended cleanly (status 0)" "$LC_WORK/twice.out" \
        || { cat -v "$LC_WORK/twice.out" >&2; fail "twice: machine $i not said to have ended cleanly"; }
    [ "$(lc_last "$run/machine-$i.csv" 3)" = stop ] || fail "twice: machine $i's log has no stop row"
done
grep -q "machine 2 on $(lc_netns_addr 2): killed (status 137)" "$LC_WORK/twice.out" \
    || { cat -v "$LC_WORK/twice.out" >&2; fail "twice: machine 2 not said killed"; }
[ "$(lc_last "$run/machine-2.csv" 3)" != stop ] || fail "twice: machine 2's log has a stop row"
kill -0 "$m2" 2>/dev/null && fail "twice: machine 2 still runs"
echo "lan_ssh_interrupt: ok"
