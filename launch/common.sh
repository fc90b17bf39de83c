# shellcheck shell=bash disable=SC2154  # me, top, run, lclock, pids, status, running, interrupts, STOP_TIMEOUT: the caller's
# launch/common.sh - what the launchers (run3.sh, runlan.sh, study.sh,
# realideal.sh) share.
# Sourced after the caller sets `me` (its file name, run3.sh) and `top`
# (the folder above the launcher's own launch/, symlinks resolved).

#  A checkout or an installation: the one place that tells them apart.
#  `cmake --install` puts launch/ under LIBEXECDIR/lclock with installed.sh
#  beside it, which names the installed lclock (lc_installed_lclock). Then
#  the launcher is the command lclock-NAME, uses that binary and makes its
#  runs in ./runs; in a checkout it is launch/NAME.sh, builds
#  build/release on first use and makes its runs in the checkout's runs/.
# shellcheck disable=SC2034  # lc_self is the caller's
if [ -f "$top/launch/installed.sh" ]; then
    # shellcheck source=/dev/null  # written by cmake --install
    . "$top/launch/installed.sh"
    me=lclock-${me%.sh}
    lc_self=$me                 #  how the user runs this launcher
    lc_runs=$PWD/runs           #  where run directories go by default
    lc_studies=$PWD/studies     #  where study.sh puts a study by default
else
    lc_installed_lclock=""
    lc_self=launch/$me
    lc_runs=$top/runs
    lc_studies=$top/studies
fi

die () { echo "$me: $*" >&2; exit 1; }
usage_error () { echo "$me: $*" >&2; exit 2; }
say () { echo "$me: $*"; }

#  free_ports N: N distinct TCP ports that nothing on this host uses now
#  (listening or connected), one per line, drawn from 20000..32767: below
#  the ephemeral range, so no outgoing connection takes one
free_ports () {
    local n=$1 port
    local -A taken=()
    local got=()
    while [ ${#got[@]} -lt "$n" ]; do
        port=$((20000 + RANDOM % 12768))
        [ -z "${taken[$port]:-}" ] || continue
        taken[$port]=1
        ss -Htan "sport = :$port" | grep -q . && continue
        got+=("$port")
    done
    printf '%s\n' "${got[@]}"
}

# ---------------------------------------------------------------------------
#  Option values as lclock reads them (docs/cli.md, "Values"), for the
#  launchers' own checks before anything starts

MACHINES_MAX=1024       #  LC_PEERS_MAX + 1 (include/lclock.h)
RATE_MAX=1000000        #  LC_RATE_MAX
ROLL_MAX=1000000        #  LC_ROLL_MAX
DURATION_MAX=1e9        #  LC_DURATION_MAX, model seconds
SPEED_MIN=1e-6          #  LC_SPEED_MIN
SPEED_MAX=1e6           #  LC_SPEED_MAX

is_uint () { [[ $1 =~ ^[0-9]+$ ]]; }
#  is_number X: a plain decimal as lclock reads one: digits with a point
#  or not, and an exponent (1e-6, 2.5E+3), no sign, no hex, inf or nan
is_number () { [[ $1 =~ ^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$ ]]; }
#  between X LOW HIGH: LOW < X <= HIGH, or LOW <= X <= HIGH with a 4th
#  argument "closed"
between () {
    is_number "$1" && awk -v x="$1" -v lo="$2" -v hi="$3" -v c="${4:-}" \
        'BEGIN { x += 0; exit !((c == "closed" ? x >= lo + 0 : x > lo + 0) && x <= hi + 0) }'
}

#  A decimal is at most 9223372036854775807, the largest seed (lclock keeps
#  seeds as JSON integers, signed 64 bit); compared as strings of equal
#  length, past bash's own arithmetic.
SEED_MAX=9223372036854775807
fits_seed () {
    local n=$1
    while [[ $n == 0?* ]]; do n=${n#0}; done
    #  equal lengths: the lexical order is the numeric order
    [ ${#n} -lt ${#SEED_MAX} ] || { [ ${#n} -eq ${#SEED_MAX} ] \
        && [ "$(printf '%s\n' "$n" "$SEED_MAX" | LC_ALL=C sort | tail -n 1)" = "$SEED_MAX" ]; }
}

in_range () {   # in_range VALUE MIN MAX (VALUE a string of digits)
    [ ${#1} -le 9 ] && [ "$((10#$1))" -ge "$2" ] && [ "$((10#$1))" -le "$3" ]
}

check_rate () {
    local lo hi
    if [[ $1 =~ ^([0-9]+)-([0-9]+)$ ]]; then
        lo=${BASH_REMATCH[1]} hi=${BASH_REMATCH[2]}
    elif is_uint "$1"; then
        lo=$1 hi=$1
    else
        usage_error "--rate '$1': want a whole number R or a range MIN-MAX, e.g. 1-6"
    fi
    if ! in_range "$lo" 1 "$RATE_MAX" || ! in_range "$hi" 1 "$RATE_MAX"; then
        usage_error "--rate '$1': rates are whole numbers 1..$RATE_MAX"
    fi
    [ "$((10#$lo))" -le "$((10#$hi))" ] || usage_error "--rate '$1': MIN is above MAX"
}

#  check_rates LIST: --rates of a local run, one whole rate per machine and
#  at least two machines
check_rates () {
    local r
    [[ $1 =~ ^[0-9]+(,[0-9]+)+$ ]] \
        || usage_error "--rates '$1': want whole rates R1,R2,..., one per machine, e.g. 1,6,6"
    for r in ${1//,/ }; do
        in_range "$r" 1 "$RATE_MAX" || usage_error "--rates '$1': rates are whole numbers 1..$RATE_MAX"
    done
}

#  lc_release_build: installs what is missing (launch/deps.sh) and makes
#  the release build in build/release when it is missing or older than the
#  sources; prints nothing when it is up to date.
lc_release_build () {
    local dir="$top/build/release" log="$top/build/release/build.log"
    #  The log is written last by a build: anything newer is not in it
    if [ -x "$dir/lclock" ] && [ -f "$dir/CMakeCache.txt" ] && [ -f "$log" ] && [ -z "$(find \
            "$top/src" "$top/include" "$top/bench" "$top/CMakeLists.txt" -newer "$log" \
            -print -quit)" ]; then
        return 0
    fi
    # shellcheck source=launch/deps.sh
    . "$top/launch/deps.sh"
    lc_deps run || exit 1
    mkdir -p "$dir"
    say "building $dir (output in $log)"
    if ! { cmake -S "$top" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
            && cmake --build "$dir" -j "$(nproc)"; } >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "build failed; the whole output is in $log"
    fi
}

#  lc_default_lclock: sets lc_lclock to the lclock this launcher runs when
#  not told otherwise (LCLOCK): the installed one, else this checkout's
#  release build, made or brought up to date first.
# shellcheck disable=SC2034  # lc_lclock is the caller's
lc_default_lclock () {
    if [ -n "$lc_installed_lclock" ]; then
        lc_lclock=$lc_installed_lclock
    else
        lc_release_build
        lc_lclock=$top/build/release/lclock
    fi
}

#  lc_new_run_dir [PREFIX [LABEL]]: creates and prints LCLOCK_RUNS (default
#  lc_runs)/PREFIXYYYYmmdd-HHMMSS[-LABEL][-N] with a launch/ folder inside.
#  mkdir without -p is the claim, so two launchers started in the same
#  second never share a run directory. False, after a line on stderr, if it
#  cannot be made (the caller runs it in $(...), where set -e does not stop
#  it).
lc_new_run_dir () {
    local runs=${LCLOCK_RUNS:-$lc_runs} base n=1 dir
    mkdir -p "$runs" || return 1
    base="$runs/${1:-}$(date +%Y%m%d-%H%M%S)${2:+-$2}"
    dir=$base
    until mkdir "$dir" 2>/dev/null; do
        #  taken by another run: the next name; else mkdir cannot here
        [ -e "$dir" ] || { echo "$me: cannot make a run directory in $runs" >&2; return 1; }
        n=$((n + 1))
        dir="$base-$n"
    done
    mkdir "$dir/launch" || return 1
    echo "$dir"
}

#  lc_ended I: true once machine I (its launcher process pids[I]) has
#  ended, with its exit status in status[I]; false while it runs. Not in a
#  subshell: only this shell can wait for its children.
# shellcheck disable=SC2034  # status is the caller's
lc_ended () {
    local rc=0
    kill -0 "${pids[$1]}" 2>/dev/null && return 1
    wait "${pids[$1]}" || rc=$?
    status[$1]=$rc
}

#  lc_kill I: SIGKILL to machine I's process group (timeout(1) makes one
#  of its own: the wrapper and what runs under it), else to the wrapper.
lc_kill () {
    kill -KILL -- "-${pids[$1]}" 2>/dev/null || kill -KILL "${pids[$1]}" 2>/dev/null || true
}

#  lc_analyze: lclock analyze on the run directory, then where the run
#  directory and its report are; false if the analysis failed.
lc_analyze () {
    local rc=0
    echo
    "$lclock" analyze "$run" || rc=$?
    echo
    if [ "$rc" -eq 0 ]; then
        say "analysis: every check holds"
    else
        say "analysis: lclock analyze exited $rc (see above)"
    fi
    say "run directory: $run"
    [ ! -f "$run/report.md" ] || say "report: $run/report.md"
    [ "$rc" -eq 0 ]
}

#  lc_stop_all: SIGTERM to every machine, then up to STOP_TIMEOUT seconds
#  for the 1 s drain and the logs, then SIGKILL (at once on a second
#  Ctrl-C). Uses the caller's signal_all SIG, reap, $running, $interrupts.
lc_stop_all () {
    local waited=0
    signal_all TERM
    reap
    while [ "$running" -gt 0 ]; do
        if [ "$waited" -ge $((STOP_TIMEOUT * 10)) ] || [ "$interrupts" -ge 2 ]; then
            echo "$me: machines still running after ${STOP_TIMEOUT}s; killing them" >&2
            signal_all KILL
            sleep 0.2
            reap
            break
        fi
        sleep 0.1
        waited=$((waited + 1))
        reap
    done
}
