# tests/lib/run.sh - shared by the run tests: bounded processes, cleanup,
# free loopback ports, assertions on logs.
# Environment (set by ctest): LCLOCK (the binary), LC_SOURCE, LC_FIXTURES.
set -euo pipefail

: "${LCLOCK:?run under ctest, or set LCLOCK to the lclock binary}"
LC_TEST_NAME=$(basename "$0" .sh)
LC_WORK=$(mktemp -d "/tmp/lc_${LC_TEST_NAME}_XXXXXX")
LC_PIDS=()
LC_CLEANUPS=()

lc_cleanup () {
    local pid c
    for pid in "${LC_PIDS[@]:-}"; do
        [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    done
    for c in "${LC_CLEANUPS[@]:-}"; do
        [ -n "$c" ] && eval "$c" >/dev/null 2>&1 || true
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

# lc_ports N: prints N distinct TCP ports free on this host, one per line,
# drawn below the kernel's ephemeral range (32768+) so that no outgoing
# connection takes one between the check and the bind.
lc_ports () {
    local n=$1 got=" " port
    while [ "$(wc -w <<<"$got")" -lt "$n" ]; do
        port=$((20000 + RANDOM % 12000))
        case "$got" in *" $port "*) continue ;; esac
        ss -Htan "sport = :$port" | grep -q . || got="$got$port "
    done
    tr ' ' '\n' <<<"$got" | grep .
}

# lc_start NAME CMD...: starts CMD in the background with a hard time bound
# (LC_BOUND seconds, default 120), output to $LC_WORK/NAME.out/.err; its pid
# goes into LC_PIDS and the variable pid_NAME.
lc_start () {
    local name=$1; shift
    timeout -s KILL "${LC_BOUND:-120}" "$@" >"$LC_WORK/$name.out" 2>"$LC_WORK/$name.err" &
    local pid=$!
    LC_PIDS+=("$pid")
    printf -v "pid_$name" '%s' "$pid"
}

# lc_wait NAME: waits for a process started by lc_start; prints its status.
lc_wait () {
    local var="pid_$1" rc=0
    wait "${!var}" || rc=$?
    echo "$rc"
}

# lc_field FILE KEY: a number or string from a JSON summary.
lc_field () {
    sed -n "s/.*\"$2\": *\"\{0,1\}\([^,\"}]*\)\"\{0,1\}.*/\1/p" "$1" | head -n 1
}

# lc_count FILE EVENT: number of rows of that event in a CSV log.
lc_count () {
    awk -F, -v ev="$2" 'NR > 1 && $3 == ev { n++ } END { print n + 0 }' "$1"
}
