#!/usr/bin/env bash
# launch/runlan.sh over real OpenSSH fails fast, before anything starts,
# and says why: one line per host naming it, the cause and the fix, exit
# 1, no run directory, nothing left on the hosts. An unknown host key
# (ssh-keyscan), a key locked by a passphrase with no agent (ssh-add), a
# host that refuses and one that drops packets (within ssh's connect
# timeout), another lclock version; bad settings are exit 2. runlan runs
# outside the hosts' network, through the prefix 'ip netns exec CLIENT ssh
# -F CONFIG HOST' (ssh not the first word, a config path with a space).
# Needs root (see tests/lib/netns.sh).
. "$LC_SOURCE/tests/lib/run.sh"
. "$LC_SOURCE/tests/lib/netns.sh"
. "$LC_SOURCE/tests/lib/sshd.sh"

#  Settings refused before anything is tried: exit 2, one line
lc_ssh_cluster "$LC_WORK/cluster.zpl" 20 10 3
usage () {   # usage MESSAGE VAR=VALUE...
    lc_expect_refused 2 "runlan.sh: $1" env "${@:2}" LCLOCK_BIN="$LCLOCK" LCLOCK="$LCLOCK" \
        LCLOCK_RUNS="$LC_WORK/runs" bash "$LC_SOURCE/launch/runlan.sh" "$LC_WORK/cluster.zpl"
}
usage "LCLOCK_REMOTE 'ssh -F \"a b HOST': a quote left open" LCLOCK_REMOTE='ssh -F "a b HOST'
usage "LCLOCK_REMOTE 'ssh lab1' has no word HOST to replace" LCLOCK_REMOTE='ssh lab1'
usage "LCLOCK_COPY is no longer used: the logs come back through LCLOCK_REMOTE; unset it" \
    LCLOCK_COPY='scp HOST:SRC DEST'

lc_ssh_lab 3
client=$LC_SSH_FROM
mkdir -p "$LC_SSH/with space"
: >"$LC_SSH/empty_known_hosts"
cp "$LC_SSH/config" "$LC_SSH/with space/good"
lc_ssh_config "$LC_SSH/with space/unknown" "$LC_SSH/empty_known_hosts"
ssh-keygen -q -t ed25519 -N 'a passphrase' -f "$LC_SSH/locked" || fail "ssh-keygen"
lc_sshd_authorize "$LC_SSH/locked.pub" 1 2 3
lc_ssh_config "$LC_SSH/with space/locked" "$LC_SSH/known_hosts" "$LC_SSH/locked"

#  expect_preflight NAME CONFIG SECONDS 'HOSTS' PATTERN [VAR=VALUE...]: runlan
#  with that ssh config exits 1 within SECONDS, one line for each host of
#  HOSTS (numbers) matching "HOST: PATTERN", none for the others, no run
#  directory, and no folder of its own left on the hosts
expect_preflight () {
    local name=$1 config=$2 seconds=$3 bad=$4 pattern=$5 rc=0 t0 ms i addr lines
    shift 5
    t0=$(date +%s%N)
    lc_start "$name" env LCLOCK_REMOTE="ip netns exec $client ssh -F '$config' HOST" \
        LCLOCK_BIN="$LCLOCK" LCLOCK="$LCLOCK" LCLOCK_RUNS="$LC_WORK/runs" "$@" \
        bash "$LC_SOURCE/launch/runlan.sh" "$LC_WORK/cluster.zpl"
    local pid_var="pid_$name"
    lc_wait "$name"
    ms=$((($(date +%s%N) - t0) / 1000000))
    echo "$name: exit $LC_RC in $ms ms:"
    sed 's/^/    /' "$LC_WORK/$name.err"
    [ "$LC_RC" = 1 ] || fail "$name: exit $LC_RC, not 1"
    [ "$ms" -lt $((seconds * 1000)) ] || fail "$name: took $ms ms, not under $seconds s"
    for i in 1 2 3; do
        addr=$(lc_netns_addr "$i")
        lines=$(grep -c "^runlan.sh: $addr: " "$LC_WORK/$name.err" || true)
        if [[ " $bad " == *" $i "* ]]; then
            [ "$lines" = 1 ] && grep -qE "^runlan.sh: $addr: $pattern" "$LC_WORK/$name.err" \
                || fail "$name: host $i ($addr) not named once with '$pattern'"
        else
            [ "$lines" = 0 ] || fail "$name: host $i ($addr) named, but it is fine"
        fi
    done
    grep -q "^runlan.sh: nothing started: fix the host(s) above and run again$" "$LC_WORK/$name.err" \
        || fail "$name: no closing line"
    [ ! -e "$LC_WORK/runs" ] || fail "$name: a run directory was made"
    [ -z "$(ls -d /tmp/lclock-lan-*-"${!pid_var}" 2>/dev/null)" ] \
        || fail "$name: its folder on the hosts is left: $(ls -d /tmp/lclock-lan-*-"${!pid_var}")"
}

expect_preflight unknown "$LC_SSH/with space/unknown" 10 "1 2 3" \
    "unknown host key \(Host key verification failed.\): check its fingerprint, then add it: ssh-keyscan $(lc_netns_addr '[1-3]') >>$LC_SSH/empty_known_hosts$"
expect_preflight locked "$LC_SSH/with space/locked" 10 "1 2 3" \
    "login refused \(.*Permission denied \(publickey\).\): a key with a passphrase must be in an agent first \(eval \\\$\(ssh-agent\); ssh-add KEYFILE\)"

#  Host 2 refuses (no sshd), host 3 drops every packet (its address leads
#  nowhere: a neighbour entry to a card that is not on the bridge): both
#  named within ssh's connect timeout (5 s, and a margin for the rest),
#  host 1 left as it was
# shellcheck disable=SC2154  # set by lc_start
kill -TERM "$pid_sshd2"
wait "$pid_sshd2" 2>/dev/null || true
ip -n "$client" neigh replace "$(lc_netns_addr 3)" lladdr 02:00:00:00:00:99 dev eth0 nud permanent \
    || fail "cannot blackhole host 3"
expect_preflight down "$LC_SSH/with space/good" 10 "2 3" \
    "(connection refused \(ssh: connect to host $(lc_netns_addr 2) port 22: Connection refused\)|no answer \(ssh: connect to host $(lc_netns_addr 3) port 22: Connection timed out\))"
grep -q "^runlan.sh: $(lc_netns_addr 3): no answer" "$LC_WORK/down.err" || fail "down: host 3 not said silent"

#  Another lclock version on the hosts (host 1 only answers now)
lc_ssh_cluster "$LC_WORK/cluster.zpl" 20 10 1
printf '#!/bin/sh\necho "lclock 99.0.0"\n' >"$LC_WORK/other-lclock"
chmod +x "$LC_WORK/other-lclock"
expect_preflight version "$LC_SSH/with space/good" 10 "1" \
    "lclock there is 'lclock 99.0.0', here '$("$LCLOCK" --version)': install the same version on every host" \
    LCLOCK_BIN="$LC_WORK/other-lclock"
echo "lan_ssh_preflight: ok"
