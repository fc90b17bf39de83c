# shellcheck shell=bash
# tests/lib/sshd.sh - real OpenSSH for the LAN tests: one sshd per network
# namespace (tests/lib/netns.sh makes them), and an ssh client set-up of the
# test's own. Source after tests/lib/run.sh and tests/lib/netns.sh.
#
#   lc_ssh_lab N           the whole set-up: hosts 1..N with an sshd each,
#                          host N+1 the computer that launches (its
#                          namespace in LC_SSH_FROM), its key known to the
#                          hosts and theirs in $LC_SSH/known_hosts, and
#                          $LC_SSH/config naming both
#   lc_ssh_client          a client key (no passphrase) that every sshd
#                          started after it accepts: $LC_SSH/key; call first
#   lc_sshd_up I...        starts an sshd on each host I, on its address,
#                          port 22 of its namespace, with a config, host key
#                          and authorized keys file of its own
#   lc_sshd_authorize PUB I...
#                          hosts I accept the key PUB too
#   lc_ssh_config FILE KNOWN [KEY]
#                          an ssh config using the known hosts file KNOWN
#                          and the key KEY (default: that client key) only
#   lc_ssh_keyscan C FILE I...
#                          from host C, the host keys of hosts I into FILE
#   lc_ssh_cluster FILE DURATION SPEED N [KEYS TRUST]
#                          a cluster file, machine I on host I (1..N), its
#                          ssh host its endpoint's address; with KEYS and
#                          TRUST, CURVE on: KEYS/machine-I.cert_secret each
#
# Everything lives in $LC_SSH (under the test's $LC_WORK): this machine's
# ~/.ssh and /etc/ssh are never read nor written (ssh -F reads only the
# given file, the config names every file). sshd runs under lc_start, so
# the test's watchdog bounds it and its cleanup stops it (and
# lc_netns_down kills whatever still runs in the namespaces).
#
# sshd needs its privilege separation folder /run/sshd (root's, empty): it
# is made when missing and never removed, as another test's sshd may be
# using it at the same time.

LC_SSH="$LC_WORK/ssh"

#  lc_ssh_lab N
lc_ssh_lab () {
    local n=$1 i ids=()
    for ((i = 1; i <= n; i++)); do
        ids+=("$i")
    done
    lc_netns_up $((n + 1))
    # shellcheck disable=SC2034  # the tests read it
    LC_SSH_FROM=$(lc_netns_name $((n + 1)))
    lc_ssh_client
    lc_sshd_up "${ids[@]}"
    lc_ssh_keyscan $((n + 1)) "$LC_SSH/known_hosts" "${ids[@]}"
    lc_ssh_config "$LC_SSH/config" "$LC_SSH/known_hosts"
}

#  lc_ssh_client: the client's key pair, and the folder.
lc_ssh_client () {
    lc_require sshd ssh ssh-keygen ssh-keyscan
    mkdir -p "$LC_SSH"
    chmod 700 "$LC_SSH"
    ssh-keygen -q -t ed25519 -N '' -C lclock-test -f "$LC_SSH/key" || fail "ssh-keygen"
    [ -d /run/sshd ] || mkdir -m 755 /run/sshd || fail "cannot make /run/sshd"
}

#  lc_sshd_authorize PUB I...
lc_sshd_authorize () {
    local pub=$1 i
    shift
    for i in "$@"; do
        cat "$pub" >>"$LC_SSH/sshd$i/authorized_keys"
    done
}

#  lc_sshd_up I...: an sshd on each host I, started as lc_start sshdI, and
#  waited for: its port answers.
lc_sshd_up () {
    local i dir
    for i in "$@"; do
        dir="$LC_SSH/sshd$i"
        mkdir -p "$dir"
        ssh-keygen -q -t ed25519 -N '' -C "host$i" -f "$dir/host_key" || fail "host key $i"
        cp "$LC_SSH/key.pub" "$dir/authorized_keys"
        #  StrictModes would refuse files under /tmp (world-writable);
        #  sftp: for scp, should a test need it
        cat >"$dir/config" <<EOF
ListenAddress $(lc_netns_addr "$i"):22
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
UseDNS no
Subsystem sftp internal-sftp
LogLevel VERBOSE
EOF
        lc_start "sshd$i" ip netns exec "$(lc_netns_name "$i")" /usr/sbin/sshd -D -e -f "$dir/config"
    done
    for i in "$@"; do
        s_sshd_wait "$i"
    done
}

#  s_sshd_wait I: host I's port 22 accepts connections (10 s at most).
s_sshd_wait () {
    local try
    for ((try = 0; try < 100; try++)); do
        timeout 2 ip netns exec "$(lc_netns_name "$1")" \
            bash -c "exec 3<>/dev/tcp/$(lc_netns_addr "$1")/22" 2>/dev/null && return 0
        sleep 0.1
    done
    cat "$LC_WORK/sshd$1.err" >&2
    fail "sshd on host $1 does not answer"
}

#  lc_ssh_config FILE KNOWN [KEY]
lc_ssh_config () {
    {
        echo "Host *"
        echo "    IdentityFile ${3:-$LC_SSH/key}"
        echo "    IdentitiesOnly yes"
        echo "    IdentityAgent none"
        echo "    UserKnownHostsFile $2"
        echo "    GlobalKnownHostsFile /dev/null"
        echo "    LogLevel ERROR"
    } >"$1"
}

#  lc_ssh_keyscan C FILE I...
lc_ssh_keyscan () {
    local c=$1 file=$2 i addrs=()
    shift 2
    for i in "$@"; do
        addrs+=("$(lc_netns_addr "$i")")
    done
    timeout -s KILL 20 ip netns exec "$(lc_netns_name "$c")" ssh-keyscan -T 5 -t ed25519 \
        "${addrs[@]}" >"$file" 2>"$LC_WORK/keyscan.err" || true
    [ "$(grep -c . "$file")" = "$#" ] || { cat "$LC_WORK/keyscan.err" >&2; fail "ssh-keyscan got $(grep -c . "$file") of $# keys"; }
}

#  lc_ssh_cluster FILE DURATION SPEED N [KEYS TRUST]
lc_ssh_cluster () {
    local i
    {
        echo "# written by $LC_TEST_NAME"
        echo "cluster"
        echo "    duration = $2"
        echo "    speed = $3"
        [ -z "${6:-}" ] || echo "    trust = $6"
        for ((i = 1; i <= $4; i++)); do
            echo "    machine = $i"
            echo "        endpoint = tcp://$(lc_netns_addr "$i"):5551"
            [ -z "${5:-}" ] || echo "        cert = $5/machine-$i.cert_secret"
        done
    } >"$1"
}
