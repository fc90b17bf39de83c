# shellcheck shell=bash
# tests/lib/run.sh - shared by the run tests: bounded processes, cleanup,
# free loopback ports, assertions on logs.
# Environment (set by ctest): LCLOCK (the binary), LC_SOURCE, LC_FIXTURES.
set -euo pipefail

: "${LCLOCK:?run under ctest, or set LCLOCK to the lclock binary}"
LC_TEST_NAME=$(basename "$0" .sh)
LC_WORK=$(mktemp -d "${TMPDIR:-/tmp}/lc_${LC_TEST_NAME}_XXXXXX")
LC_PIDS=()
LC_CLEANUPS=()

#  lc_signal SIG: SIG to every process of LC_PIDS still running; false if
#  none is.
lc_signal () {
    local pid alive=1
    for pid in "${LC_PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "-$1" "$pid" 2>/dev/null && alive=0
    done
    return "$alive"
}

#  SIGTERM first, as a user would stop them: a launcher (run3.sh, runlan.sh)
#  then stops the machines it started in process groups of their own, which
#  a SIGKILL to the launcher would leave running. SIGKILL after 5 s.
lc_cleanup () {
    local c i
    if lc_signal TERM; then
        for ((i = 0; i < 50; i++)); do
            lc_signal 0 || break
            sleep 0.1
        done
        lc_signal KILL || true
    fi
    for c in "${LC_CLEANUPS[@]:-}"; do
        [ -z "$c" ] || eval "$c" >/dev/null 2>&1 || true
    done
    if [ "${LC_KEEP:-0}" = 1 ]; then
        echo "kept $LC_WORK" >&2
    else
        rm -rf "$LC_WORK"
    fi
}
trap lc_cleanup EXIT
trap 'exit 130' INT TERM

fail () {
    echo "FAIL ($LC_TEST_NAME): $*" >&2
    exit 1
}

# lc_skip NEED WHY: this test cannot run here; it says so in one line and
# exits 77, which ctest counts as skipped (SKIP_RETURN_CODE), never as a
# pass. With LC_NO_SKIP=1 (launch/test.sh sets it when run as root, where
# it installs every package a test needs) it fails instead: nothing may
# skip there.
lc_skip () {
    [ "${LC_NO_SKIP:-0}" != 1 ] || fail "needs $1 ($2); LC_NO_SKIP=1: no test may skip"
    echo "SKIP: needs $1 ($2)" >&2
    exit 77
}

# lc_require_root WHY: skips unless this test runs as root (WHY: what it
# does that needs root).
lc_require_root () {
    [ "$(id -u)" = 0 ] || lc_skip root "$1"
}

# lc_small_disk SIZE NAME: a tmpfs of SIZE (mount's size=) named NAME,
# mounted on $LC_WORK/disk and unmounted at exit, for full-disk cases;
# skips unless root. Sets disk to its path.
lc_small_disk () {
    lc_require_root "it mounts a tmpfs"
    lc_require mount
    disk="$LC_WORK/disk"
    mkdir -p "$disk"
    mount -t tmpfs -o "size=$1" "$2" "$disk" || fail "cannot mount a tmpfs on $disk"
    LC_CLEANUPS+=("umount -l '$disk'")
}

# lc_require CMD...: skips unless each CMD is installed. Each CMD's Debian
# package is named here, and launch/deps.sh's test list must install it
# (tests_require.sh checks both).
lc_require () {
    local cmd pkg
    for cmd in "$@"; do
        case "$cmd" in
            gnuplot) pkg=gnuplot-nox ;;
            ip|ss) pkg=iproute2 ;;
            sshd) pkg=openssh-server ;;
            ssh|ssh-keygen|ssh-keyscan|ssh-agent|ssh-add) pkg=openssh-client ;;
            script) pkg=bsdutils ;;
            man) pkg=man-db ;;
            jq) pkg=jq ;;
            python3) pkg=python3 ;;
            mount) pkg=mount ;;
            dpkg|dpkg-deb|dpkg-query) pkg=dpkg ;;
            *) fail "lc_require: no Debian package known for '$cmd'; add it to lc_require" ;;
        esac
        command -v "$cmd" >/dev/null || [ -x "/usr/sbin/$cmd" ] \
            || lc_skip "$cmd" "apt-get install $pkg"
    done
}

# lc_ports N: prints N distinct TCP ports free on this host, one per line.
# Between the draw and the bind another process could take a port, so:
# - they are drawn from LC_PORT_LOW..LC_PORT_HIGH-1, below the kernel's
#   ephemeral range (32768+: no outgoing connection takes one) and below
#   the range launch/run3.sh and launch/bench.sh draw their machines'
#   ports from (20000-32767), which tests run beside their own machines;
# - they are reserved for as long as this test's shell lives in a registry
#   that every test of this host shares (LC_PORT_REGISTRY: lines "PORT
#   PID", under flock), so that two tests running side by side (ctest -j,
#   or two suites) never draw the same port. Reservations of tests that
#   ended are dropped at the next draw.
LC_PORT_LOW=12000
LC_PORT_HIGH=20000
LC_PORT_REGISTRY="${TMPDIR:-/tmp}/lc_test_ports"
lc_ports () {
    local n=$1 got=" " port pid live=""
    {
        flock 9 || fail "cannot lock $LC_PORT_REGISTRY.lock"
        if [ -f "$LC_PORT_REGISTRY" ]; then
            while read -r port pid; do
                kill -0 "$pid" 2>/dev/null && live+=" $port "
            done <"$LC_PORT_REGISTRY"
        fi
        while [ "$(wc -w <<<"$got")" -lt "$n" ]; do
            port=$((LC_PORT_LOW + RANDOM % (LC_PORT_HIGH - LC_PORT_LOW)))
            case "$got$live" in *" $port "*) continue ;; esac
            ss -Htan "sport = :$port" | grep -q . || got="$got$port "
        done
        if [ -f "$LC_PORT_REGISTRY" ]; then
            while read -r port pid; do
                ! kill -0 "$pid" 2>/dev/null || echo "$port $pid"
            done <"$LC_PORT_REGISTRY"
        fi >"$LC_PORT_REGISTRY.new"
        for port in $got; do echo "$port $$"; done >>"$LC_PORT_REGISTRY.new"
        mv "$LC_PORT_REGISTRY.new" "$LC_PORT_REGISTRY"
    } 9>>"$LC_PORT_REGISTRY.lock"
    tr ' ' '\n' <<<"$got" | grep .
}

# lc_start NAME CMD...: starts CMD in the background with a hard time bound
# (LC_BOUND seconds, default 120), output to $LC_WORK/NAME.out/.err. Its
# pid (the command's own, so that signals reach it) goes into LC_PIDS and
# the variable pid_NAME; a watchdog stops it at the bound (SIGTERM, as
# lc_cleanup does, then SIGKILL 5 s later).
lc_start () {
    local name=$1; shift
    "$@" >"$LC_WORK/$name.out" 2>"$LC_WORK/$name.err" &
    local pid=$!
    { sleep "${LC_BOUND:-120}" && kill -TERM "$pid" && sleep 5 && kill -KILL "$pid"; } >/dev/null 2>&1 &
    LC_PIDS+=("$pid" "$!")
    printf -v "pid_$name" '%s' "$pid"
}

# lc_wait NAME: waits for a process started by lc_start and sets LC_RC to
# its exit status (not in a subshell: only this shell can wait for it).
# shellcheck disable=SC2034  # LC_RC is read by the tests
lc_wait () {
    local var="pid_$1"
    LC_RC=0
    wait "${!var}" || LC_RC=$?
}

# lc_field FILE KEY: a number or string from a JSON summary.
lc_field () {
    sed -n "s/.*\"$2\": *\"\{0,1\}\([^,\"}]*\)\"\{0,1\}.*/\1/p" "$1" | head -n 1
}

# lc_count FILE EVENT: number of rows of that event in a CSV log.
lc_count () {
    awk -F, -v ev="$2" 'NR > 1 && $3 == ev { n++ } END { print n + 0 }' "$1"
}

# lc_loopback N: picks N free ports into LC_PORT[1..N] for machines 1..N.
lc_loopback () {
    local i=1 port
    LC_PORT=()
    for port in $(lc_ports "$1"); do
        LC_PORT[i]=$port
        i=$((i + 1))
    done
}

# lc_machine_args I [IDS...]: --id, --bind and --peer options of machine I
# on loopback, its peers being IDS (default: every other machine 1..N).
lc_machine_args () {
    local me=$1 j; shift
    local ids=("$@")
    [ ${#ids[@]} -gt 0 ] || ids=("${!LC_PORT[@]}")
    printf -- '--id %s --bind tcp://127.0.0.1:%s' "$me" "${LC_PORT[me]}"
    for j in "${ids[@]}"; do
        [ "$j" = "$me" ] || printf -- ' --peer %s=tcp://127.0.0.1:%s' "$j" "${LC_PORT[j]}"
    done
}

# s_wait SECONDS COMMAND...: runs COMMAND every 50 ms until it succeeds
# (true) or SECONDS (whole) have passed on the clock (false).
s_wait () {
    local end=$((${EPOCHREALTIME//[.,]/} + $1 * 1000000)); shift
    until "$@"; do
        [ "${EPOCHREALTIME//[.,]/}" -lt "$end" ] || return 1
        sleep 0.05
    done
}

# lc_wait_until SECONDS WHAT COMMAND...: waits until COMMAND succeeds;
# fails after SECONDS, saying WHAT did not happen.
lc_wait_until () {
    local seconds=$1 what=$2; shift 2
    s_wait "$seconds" "$@" || fail "not within $seconds s: $what"
}

# lc_wait_file FILE SECONDS: waits until FILE exists (a machine started).
lc_wait_file () {
    s_wait "$2" test -e "$1" || fail "$1 did not appear within $2 s"
}

# lc_wait_line FILE PATTERN SECONDS: waits until a line of FILE matches
# PATTERN (grep, basic regex); fails after SECONDS, showing FILE's end.
lc_wait_line () {
    s_wait "$3" grep -qs -- "$2" "$1" && return 0
    [ ! -e "$1" ] || tail -n 40 "$1" | cat -v >&2
    fail "no line matching '$2' in $1 within $3 s"
}

# lc_expect_refused [-p] STATUS LINE COMMAND...: COMMAND (bounded: 60 s)
# exits STATUS, writes nothing on stdout and one line on stderr: LINE,
# exactly; with -p, a line that LINE (grep, basic regex) matches. Its
# stderr stays in $LC_WORK/refused.err.
lc_expect_refused () {
    local match=exact
    [ "$1" != -p ] || { match=pattern; shift; }
    local status=$1 line=$2 rc=0 err; shift 2
    timeout -s KILL 60 "$@" >"$LC_WORK/refused.out" 2>"$LC_WORK/refused.err" </dev/null || rc=$?
    err=$(cat "$LC_WORK/refused.err")
    [ "$rc" != 137 ] || fail "'$*' still ran after 60 s (expected exit $status: $line)"
    [ "$rc" = "$status" ] || fail "'$*': exit $rc, expected $status: $err"
    [ "$(grep -c '' "$LC_WORK/refused.err")" = 1 ] || fail "'$*': not one line on stderr: $err"
    if [ "$match" = exact ]; then
        [ "$err" = "$line" ] || fail "'$*': said '$err', expected '$line'"
    else
        grep -q -- "$line" <<<"$err" || fail "'$*': said '$err', which does not match '$line'"
    fi
    [ ! -s "$LC_WORK/refused.out" ] || fail "'$*': wrote on stdout: $(head -c 300 "$LC_WORK/refused.out")"
}

# lc_last FILE COLUMN: a column of the last row of a CSV log (4 tick,
# 5 clock, 6 queue, 3 event).
lc_last () {
    tail -n 1 "$1" | cut -d, -f "$2"
}

# lc_ticked CSV N: true once the last row of a machine's CSV log is at
# tick N or later (for lc_wait_until)
lc_ticked () {
    [ "$(lc_last "$1" 4)" -ge "$2" ] 2>/dev/null
}

# lc_logcheck FILES...: the independent log check (tests/lib/logcheck.awk).
lc_logcheck () {
    awk -F, -f "$LC_SOURCE/tests/lib/logcheck.awk" "$@" || fail "log check failed on $*"
}

# lc_expect_ticks JSON: the machine stopped on duration after exactly
# floor(rate x duration) ticks, per its summary and its stop row.
lc_expect_ticks () {
    local json=$1 csv=${1%.json}.csv
    local rate duration ticks want
    rate=$(lc_field "$json" rate)
    duration=$(lc_field "$json" duration)
    ticks=$(lc_last "$csv" 4)
    want=$(awk -v r="$rate" -v d="$duration" 'BEGIN { printf "%d", r * d + 1e-9 }')
    [ "$(lc_last "$csv" 3)" = stop ] || fail "$csv does not end with a stop row"
    [ "$ticks" = "$want" ] || fail "$csv: $ticks ticks, rate $rate x $duration s wants $want"
    [ "$(lc_field "$json" ticks)" = "$want" ] || fail "$json: ticks differ from $want"
    [ "$(lc_field "$json" stop_reason)" = duration ] || fail "$json: stop_reason is not duration"
}

# lc_start_machines PREFIX "IDS" ARGS...: starts machine I, for each I of
# IDS, on loopback as PREFIXI (lc_start), with lc_machine_args I and ARGS.
lc_start_machines () {
    local prefix=$1 ids=$2 i; shift 2
    for i in $ids; do
        # shellcheck disable=SC2046
        lc_start "$prefix$i" "$LCLOCK" machine $(lc_machine_args "$i") "$@"
    done
}

# lc_expect_exit NAME STATUS: waits for NAME (lc_start); fails, showing its
# stderr, unless it exited with STATUS.
lc_expect_exit () {
    lc_wait "$1"
    [ "$LC_RC" = "$2" ] || { cat "$LC_WORK/$1.err" >&2; fail "$1 exited $LC_RC, not $2"; }
}
