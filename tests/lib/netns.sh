# shellcheck shell=bash
# tests/lib/netns.sh - network namespaces for run tests that need hosts of
# their own: N namespaces on one bridge, each a "host" with one address.
# Source after tests/lib/run.sh (it uses fail and LC_CLEANUPS).
#
#   lc_netns_up N          creates hosts 1..N (needs root: see below)
#   lc_netns_name I        the namespace of host I (for ip netns exec)
#   lc_netns_addr I        host I's address, 10.77.K.I
#   lc_netns_reach F T     true if host F reaches host T now
#   lc_netns_link_down I   pulls host I's cable (its bridge port goes down)
#   lc_netns_link_up I     plugs it back
#   lc_netns_cluster FILE DURATION SPEED
#                          writes a cluster file: machine I on host I
#   lc_lan_check RC N      checks what launch/runlan.sh left: its status RC,
#                          one run directory with N complete logs
#   lc_netns_down          deletes everything; registered in LC_CLEANUPS,
#                          so it runs on any exit
#
# Layout: the bridge lives in a namespace of its own, lcX_PID_br, so that
# nothing is added to the root namespace; host I is namespace lcX_PID_I
# with lo up and eth0 = 10.77.K.I/24, whose veth peer vI is a port of the
# bridge. PID is this test's pid and K is drawn from it: names and
# addresses are this run's own, and are never used outside its namespaces.
#
# Needs root and a working `ip netns`: without them the test skips (exit
# 77, lc_skip), and fails where nothing may skip (LC_NO_SKIP=1: as root).

LC_NETNS_PREFIX="lcX_$$"
LC_NETNS_BRIDGE="${LC_NETNS_PREFIX}_br"
LC_NETNS_K=$(($$ % 250 + 1))
LC_NETNS_COUNT=0        #  hosts up (read by tests)
LC_NETNS_MADE=()        #  namespaces created, in order, for lc_netns_down

lc_netns_require () {
    lc_require_root "it makes network namespaces"
    lc_require ip
    local probe="${LC_NETNS_PREFIX}_probe" err
    err=$(ip netns add "$probe" 2>&1) || lc_skip "ip netns" "ip netns add fails here: ${err%%$'\n'*}"
    ip netns del "$probe" 2>/dev/null || true
}

lc_netns_name () { echo "${LC_NETNS_PREFIX}_$1"; }
lc_netns_addr () { echo "10.77.$LC_NETNS_K.$1"; }

#  s_netns_add NAME: creates a namespace with lo up, remembered for cleanup.
s_netns_add () {
    ip netns add "$1" || fail "ip netns add $1"
    LC_NETNS_MADE+=("$1")
    ip -n "$1" link set lo up || fail "lo up in $1"
}

lc_netns_up () {
    local n=$1 i ns
    { [ "$n" -ge 1 ] && [ "$n" -le 250 ]; } || fail "lc_netns_up: 1..250 hosts, not '$n'"
    lc_netns_require
    LC_CLEANUPS+=("lc_netns_down")
    s_netns_add "$LC_NETNS_BRIDGE"
    ip -n "$LC_NETNS_BRIDGE" link add br0 type bridge || fail "bridge in $LC_NETNS_BRIDGE"
    ip -n "$LC_NETNS_BRIDGE" link set br0 up
    for ((i = 1; i <= n; i++)); do
        ns=$(lc_netns_name "$i")
        s_netns_add "$ns"
        ip -n "$LC_NETNS_BRIDGE" link add "v$i" type veth peer name eth0 netns "$ns" \
            || fail "veth pair for host $i"
        ip -n "$LC_NETNS_BRIDGE" link set "v$i" master br0 up
        ip -n "$ns" addr add "$(lc_netns_addr "$i")/24" dev eth0
        ip -n "$ns" link set eth0 up
    done
    LC_NETNS_COUNT=$n
    #  the bridge learns and forwards within a second; wait for it
    for ((i = 2; i <= n; i++)); do
        lc_netns_wait_reach 1 "$i" || fail "host 1 cannot reach host $i over the bridge"
    done
}

#  lc_netns_reach FROM TO: true if a TCP SYN from host FROM to host TO gets
#  an answer within a second (a refusal counts: the packet got there). No
#  ping needed, nothing has to listen.
lc_netns_reach () {
    local out
    out=$(timeout -s KILL 2 ip netns exec "$(lc_netns_name "$1")" timeout 1 \
        bash -c "exec 3<>/dev/tcp/$(lc_netns_addr "$2")/1" 2>&1) && return 0
    [[ $out == *"Connection refused"* ]]
}

#  lc_netns_wait_reach FROM TO: true once FROM reaches TO (5 s at most).
lc_netns_wait_reach () {
    local try
    for ((try = 0; try < 25; try++)); do
        lc_netns_reach "$1" "$2" && return 0
        sleep 0.2
    done
    return 1
}

lc_netns_link_down () { ip -n "$LC_NETNS_BRIDGE" link set "v$1" down || fail "link $1 down"; }
lc_netns_link_up () { ip -n "$LC_NETNS_BRIDGE" link set "v$1" up || fail "link $1 up"; }

#  lc_netns_down: kills what still runs in our namespaces (by pid, from
#  ip netns pids) and deletes them; the veths and the bridge go with them.
#  Safe to call twice.
lc_netns_down () {
    local ns pid
    for ns in "${LC_NETNS_MADE[@]:-}"; do
        [ -n "$ns" ] || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null || true
        done
        ip netns del "$ns" 2>/dev/null || true
    done
    LC_NETNS_MADE=()
    # shellcheck disable=SC2034  # read by tests
    LC_NETNS_COUNT=0
}

#  lc_netns_cluster FILE DURATION SPEED: a cluster file (docs/cli.md) with
#  machine I on host I, reached at 10.77.K.I:5551 and started there (host =
#  its namespace, for LCLOCK_REMOTE='ip netns exec HOST').
lc_netns_cluster () {
    local i
    {
        echo "# written by $LC_TEST_NAME"
        echo "cluster"
        echo "    duration = $2"
        echo "    speed = $3"
        echo "    seed = $$"
        for ((i = 1; i <= LC_NETNS_COUNT; i++)); do
            echo "    machine = $i"
            echo "        endpoint = tcp://$(lc_netns_addr "$i"):5551"
            echo "        host = $(lc_netns_name "$i")"
        done
    } >"$1"
}

#  lc_lan_failed_sends_at_end I N FAILED: machine I's FAILED sends (its
#  summary's send_failed) all fall in the run's last moments. A send to a
#  peer that has already said it leaves is not made and counts as failed
#  (docs/design.md, the start barrier); the machines start a few milliseconds apart, so one
#  that ends last may still send to one that ended first. That is the only
#  excuse: a send that failed earlier, e.g. while a link was down, fails the
#  test. The last moments begin at the first machine's last tick; each send
#  row of machine I from then on may have missed at most N - 1 peers.
lc_lan_failed_sends_at_end () {
    local late
    [ "$3" = 0 ] && return 0
    late=$(awk -F, -v me="$1" '
        FNR > 1 && ($3 == "send" || $3 == "recv" || $3 == "internal") { last [$2] = $1 }
        FNR > 1 && $2 == me && $3 == "send" { times [++sends] = $1 }
        END {
            first_end = -1
            for (m in last) if (first_end < 0 || last [m] < first_end) first_end = last [m]
            for (k = 1; k <= sends; k++) if (times [k] >= first_end) late++
            print late + 0
        }' "$LC_LAN_RUN"/machine-*.csv)
    [ "$3" -le $((late * ($2 - 1))) ] \
        || fail "machine $1: $3 sends failed, but only $late send events came after the first machine ended"
    echo "machine $1: $3 sends failed at the very end, to a peer that had left (allowed)"
}

#  lc_lan_check RC N: launch/runlan.sh (started as lc_start lan, with
#  LCLOCK_RUNS=$LC_WORK/runs) exited RC; its run directory must hold the N
#  machines' CSV and JSON logs, each log ending with a stop row after a run
#  to the end, every message accounted for (tests/lib/logcheck.awk), no send
#  failed before the run's last moments, and runlan's own analysis passed
#  (RC 0). Sets LC_LAN_RUN and
#  LC_LAN_SUMMARY.
lc_lan_check () {
    local rc=$1 n=$2 runs i json
    runs=("$LC_WORK"/runs/lan-*)
    { [ ${#runs[@]} = 1 ] && [ -d "${runs[0]}" ]; } \
        || { cat "$LC_WORK/lan.out" "$LC_WORK/lan.err" >&2; fail "runlan.sh made no run directory"; }
    LC_LAN_RUN=${runs[0]}
    for ((i = 1; i <= n; i++)); do
        json="$LC_LAN_RUN/machine-$i.json"
        { [ -f "$LC_LAN_RUN/machine-$i.csv" ] && [ -f "$json" ]; } \
            || { cat "$LC_WORK/lan.out" "$LC_WORK/lan.err" >&2; fail "no logs of machine $i gathered"; }
        lc_expect_ticks "$json"
        lc_lan_failed_sends_at_end "$i" "$n" "$(lc_field "$json" send_failed)"
    done
    [ "$(find "$LC_LAN_RUN" -maxdepth 1 -name 'machine-*.csv' | wc -l)" = "$n" ] \
        || fail "$LC_LAN_RUN: not exactly $n logs"
    # shellcheck disable=SC2034  # read by the tests
    LC_LAN_SUMMARY=$(lc_logcheck "$LC_LAN_RUN"/machine-*.csv)
    if [ "$rc" != 0 ]; then
        cat "$LC_WORK/lan.out" "$LC_WORK/lan.err" >&2
        fail "runlan.sh exited $rc (a machine or the analysis failed)"
    fi
}
