#!/usr/bin/env bash
# launch/runlan.sh FILE - a LAN run: every machine of a cluster file started
# on its host, the logs gathered into one run directory, then analyzed.
# docs/cli.md (the cluster file) and docs/launch.md has the details and the ssh setup.
set -euo pipefail

#  through the lclock-runlan symlink when installed: the real file's folder
top=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
me=runlan.sh

#  Bounds, in wall seconds
START_TIMEOUT=30        #  the machines' default --start-timeout
STOP_TIMEOUT=15         #  after SIGTERM: 1 s drain + linger + logs, then KILL
OVERRUN=30              #  margin past the expected end before the hard kill

usage () {
    cat <<EOF
usage: $lc_self [--help] CLUSTER_FILE

Starts every machine of CLUSTER_FILE on its host, as
    PREFIX LCLOCK_BIN machine --cluster CLUSTER_FILE --id N --log-dir DIR
where PREFIX is LCLOCK_REMOTE with the word HOST replaced by the machine's
host (its 'host' key, else its endpoint's host), waits for them, copies
their logs into a new local run directory runs/lan-YYYYmmdd-HHMMSS (in
the current folder when installed, in the checkout's runs/ otherwise) and
runs 'lclock analyze' on it. The file is checked first with
'lclock cluster'. Ctrl-C stops every machine cleanly (SIGTERM on its host).

Environment:
  LCLOCK_REMOTE      command prefix that runs a command on HOST
                     (default 'ssh HOST'; e.g. 'ip netns exec HOST')
  LCLOCK_BIN         path of lclock on the hosts (default: the installed
                     lclock; in a checkout, its build/release/lclock, built
                     if needed)
  LCLOCK_COPY        how a log comes back: a command with the words HOST,
                     SRC (path on the host) and DEST (local directory)
                     (default 'scp -q HOST:SRC DEST' when LCLOCK_REMOTE
                     starts with ssh, else 'cp SRC DEST')
  LCLOCK_REMOTE_DIR  where machines log on their hosts, one folder per host
                     (default /tmp/lclock-lan-STAMP-PID, removed after)
  LCLOCK             the local lclock that analyzes (default as LCLOCK_BIN)
  LCLOCK_RUNS        where the run directory is made (default runs/)

With ssh, lclock and the cluster file must be at the same path on every
host, and ssh must log in without a password (keys, ssh-agent).

Exit status: 0 every machine ran and the analysis found every check
holds; 1 a machine failed, a log could not be gathered, or the analysis
failed; 2 bad arguments or a bad cluster file.
EOF
}

# shellcheck source=launch/common.sh
. "$top/launch/common.sh"

# ---------------------------------------------------------------------------
#  The cluster file

#  load_cluster: the cluster file as `lclock cluster` reads it (the parser
#  of `lclock machine --cluster`, so a file it takes is one the machines
#  take): duration, speed, and the id and host of every machine. A bad file
#  is exit 2 with lclock's one-line error, before anything starts.
ids=() hosts=()
load_cluster () {
    local out rc=0 kind a b
    out=$("$lclock" cluster "$cluster") || rc=$?
    [ "$rc" = 0 ] || { [ "$rc" = 2 ] && exit 2; die "lclock cluster $cluster exited $rc"; }
    while read -r kind a b; do
        case "$kind" in
            run) duration=$a speed=$b ;;
            machine) ids+=("$a"); hosts+=("$b") ;;
        esac
    done <<<"$out"
}

# ---------------------------------------------------------------------------
#  Commands on a host

#  expand TEMPLATE HOST [SRC DEST]: the template's words, one per line, with
#  the words HOST, SRC and DEST replaced wherever they stand alone or between
#  punctuation (user@HOST, HOST:SRC), not inside a longer name (SSH_HOSTS).
#  One pass: a value put in is never looked at again.
expand () {
    local word words out
    local -A value=([HOST]=$2 [SRC]=${3:-SRC} [DEST]=${4:-DEST})
    read -r -a words <<<"$1"
    for word in "${words[@]}"; do
        out=""
        #  greedy: the last placeholder first, then what is before it
        while [[ $word =~ ^(.*[^A-Za-z0-9_]|)(HOST|SRC|DEST)([^A-Za-z0-9_].*|)$ ]]; do
            out="${value[${BASH_REMATCH[2]}]}${BASH_REMATCH[3]}$out"
            word=${BASH_REMATCH[1]}
        done
        printf '%s\n' "$word$out"
    done
}

#  ssh hands its arguments to a shell on the host, joined by spaces: the
#  command then goes as one quoted string. Other prefixes (ip netns exec,
#  sudo, env) exec the words that follow them as they are.
remote_is_shell () {
    local first
    read -r first _ <<<"$remote"
    [ "$(basename "$first")" = ssh ]
}

#  host_cmd HOST CMD...: sets hcmd to the command line that runs CMD on
#  HOST through the prefix.
hcmd=()
host_cmd () {
    local host=$1
    shift
    mapfile -t hcmd < <(expand "$remote" "$host")
    if remote_is_shell; then
        hcmd+=("$(printf '%q ' "$@")")
    else
        hcmd+=("$@")
    fi
}

# ---------------------------------------------------------------------------
#  Machines

pids=()         #  local pid of each machine's launcher (timeout + prefix)
rpids=()        #  the machine's pid on its host, once it has said it
status=()       #  exit status once it has ended, else ""
running=0

#  start_machine I: machine ids[I] on hosts[I], under timeout (a process
#  group of its own: Ctrl-C reaches only this script, which forwards it).
#  On the host, sh makes the log folder, prints its pid and becomes lclock
#  (exec), so the first line of the .out file is the machine's pid on its
#  host. SIGTERM goes there: an ssh client killed here would not pass it on.
start_machine () {
    local i=$1 id=${ids[$1]} dir="$remote_dir/${hosts[$1]}"
    # shellcheck disable=SC2016  # $$, $1 and $@ are for the shell on the host
    host_cmd "${hosts[i]}" sh -c 'mkdir -p "$1" && echo "$$" && shift && exec "$@"' sh \
        "$dir" "$lclock_bin" machine --cluster "$cluster" --id "$id" --log-dir "$dir"
    printf '%q ' "${hcmd[@]}" >>"$run/launch/commands.txt"
    echo >>"$run/launch/commands.txt"
    timeout -s KILL "$bound" "${hcmd[@]}" </dev/null \
        >"$run/launch/machine-$id.out" 2>"$run/launch/machine-$id.err" &
    pids[i]=$!
    status[i]=""
    rpids[i]=""
}

#  reap: records the status of machines that have ended, learns the host
#  pids of new ones, sets running.
reap () {
    local i line
    running=0
    for ((i = 0; i < count; i++)); do
        [ -z "${status[i]}" ] || continue
        #  a whole first line only: a half-written pid would be another one
        if [ -z "${rpids[i]}" ] && read -r line <"$run/launch/machine-${ids[i]}.out" 2>/dev/null \
                && [[ $line =~ ^[0-9]+$ ]]; then
            rpids[i]=$line
        fi
        if lc_ended "$i"; then
            [ "$tty" = 1 ] && printf '\r\033[K'
            say "machine ${ids[i]} on ${hosts[i]} ended with status ${status[i]}"
        else
            running=$((running + 1))
        fi
    done
}

#  signal_all SIG: TERM or KILL to every machine still running: on its host
#  when its pid there is known, and to its local launcher on KILL or when
#  the pid is not known yet. The host commands run in parallel, bounded.
signal_all () {
    local i sig=$1 helpers=()
    for ((i = 0; i < count; i++)); do
        [ -z "${status[i]}" ] || continue
        if [ -n "${rpids[i]}" ]; then
            host_cmd "${hosts[i]}" kill "-$sig" "${rpids[i]}"
            timeout -s KILL 10 "${hcmd[@]}" </dev/null >/dev/null 2>&1 &
            helpers+=($!)
        fi
        if [ "$sig" = KILL ]; then
            lc_kill "$i"
        elif [ -z "${rpids[i]}" ]; then
            kill -TERM "${pids[i]}" 2>/dev/null || true
        fi
    done
    for i in "${helpers[@]}"; do
        wait "$i" || true
    done
}


interrupts=0
# shellcheck disable=SC2317  # trap handlers
on_signal () {
    interrupts=$((interrupts + 1))
    [ "$tty" = 1 ] && printf '\r\033[K'
    if [ "$interrupts" -eq 1 ]; then
        say "stopping the machines (Ctrl-C again to kill them now)" >&2
    fi
}

# shellcheck disable=SC2317
on_exit () {
    #  never leave a machine behind, whatever ended this script
    [ "$count" -gt 0 ] && [ ${#pids[@]} -gt 0 ] && signal_all KILL
    return 0
}

# ---------------------------------------------------------------------------
#  Logs

#  copy_log HOST SRC DEST: through LCLOCK_COPY, bounded.
copy_log () {
    local words=()
    mapfile -t words < <(expand "$copy" "$1" "$2" "$3")
    timeout -s KILL 60 "${words[@]}" </dev/null
}

#  gather: every machine's CSV and JSON into the run directory.
gather () {
    local i id dir ok=0 f
    for ((i = 0; i < count; i++)); do
        id=${ids[i]} dir="$remote_dir/${hosts[i]}"
        for f in "machine-$id.csv" "machine-$id.json"; do
            if ! copy_log "${hosts[i]}" "$dir/$f" "$run/" 2>>"$run/launch/copy.err" \
                    || [ ! -f "$run/$f" ]; then
                echo "$me: could not copy $f from ${hosts[i]}:$dir (see $run/launch/copy.err)" >&2
                ok=1
            fi
        done
    done
    return "$ok"
}

#  tidy: removes the per-host log folders once their logs are here, when
#  they are ours (LCLOCK_REMOTE_DIR not given).
tidy () {
    local i done_hosts=" "
    [ -z "${LCLOCK_REMOTE_DIR:-}" ] || return 0
    for ((i = 0; i < count; i++)); do
        case "$done_hosts" in *" ${hosts[i]} "*) continue ;; esac
        done_hosts+="${hosts[i]} "
        host_cmd "${hosts[i]}" rm -rf -- "$remote_dir/${hosts[i]}"
        timeout -s KILL 30 "${hcmd[@]}" </dev/null >/dev/null 2>&1 || true
        host_cmd "${hosts[i]}" rmdir -- "$remote_dir"
        timeout -s KILL 30 "${hcmd[@]}" </dev/null >/dev/null 2>&1 || true
    done
}

# ---------------------------------------------------------------------------
#  Main

count=0
tty=0
[ -t 1 ] && tty=1
trap on_exit EXIT

case "${1:-}" in
    --help|-h) usage; exit 0 ;;
    "") usage_error "no cluster file given (usage: $lc_self CLUSTER_FILE)" ;;
    -*) usage_error "unknown option '$1' (see $lc_self --help)" ;;
esac
[ $# -eq 1 ] || usage_error "one cluster file, please (usage: $lc_self CLUSTER_FILE)"
#  absolute, as the hosts see it (symlinks kept: the same path everywhere)
cluster=$(realpath -es -- "$1" 2>/dev/null) || usage_error "$1: no such file"
remote=${LCLOCK_REMOTE:-ssh HOST}
[[ $remote == *HOST* ]] || usage_error "LCLOCK_REMOTE '$remote' has no word HOST to replace"
if [ -z "${LCLOCK_BIN:-}" ] || [ -z "${LCLOCK:-}" ]; then
    lc_default_lclock
fi
lclock_bin=${LCLOCK_BIN:-$lc_lclock}
lclock=${LCLOCK:-$lc_lclock}
[ -x "$lclock" ] || die "LCLOCK=$lclock is not an executable"
load_cluster
if [ -n "${LCLOCK_COPY:-}" ]; then
    copy=$LCLOCK_COPY
elif remote_is_shell; then
    copy="scp -q HOST:SRC DEST"
else
    copy="cp SRC DEST"
fi

run=$(lc_new_run_dir lan-) || exit 1
remote_dir=${LCLOCK_REMOTE_DIR:-/tmp/lclock-$(basename "$run")-$$}
cp "$cluster" "$run/launch/cluster.zpl"
wall=$(awk -v d="$duration" -v s="$speed" 'BEGIN { printf "%g", d / s }')
wall_ms=$(awk -v d="$duration" -v s="$speed" 'BEGIN { printf "%d", 1000 * d / s }')
bound=$(awk -v w="$wall" -v st="$START_TIMEOUT" -v o="$OVERRUN" -v g="$STOP_TIMEOUT" \
    'BEGIN { printf "%d", st + w + 1 + g + o }')
count=${#ids[@]}

say "$count machines from $cluster, ${wall} s of wall time; run directory $run"
trap on_signal INT TERM
for ((i = 0; i < count; i++)); do
    start_machine "$i"
    say "machine ${ids[i]} on ${hosts[i]}: started"
done

#  Until every machine has ended: a line of progress (in place on a tty),
#  SIGTERM forwarded on Ctrl-C, and a stop if they overrun their end.
t0=$(date +%s%3N)
last=-1
reap
while [ "$running" -gt 0 ]; do
    now=$(date +%s%3N)
    elapsed=$(((now - t0) / 1000))
    if [ "$interrupts" -gt 0 ] || [ $((now - t0)) -gt $((wall_ms + (START_TIMEOUT + OVERRUN) * 1000)) ]; then
        [ "$interrupts" -gt 0 ] || say "machines overran their end; stopping them"
        lc_stop_all
        break
    fi
    if [ "$tty" = 1 ]; then
        printf '\r%5d s (%s s of ticks): %d of %d machines running\033[K' "$elapsed" "$wall" "$running" "$count"
    elif [ $((elapsed / 10)) -ne "$last" ]; then
        last=$((elapsed / 10))
        say "$elapsed s (${wall} s of ticks): $running of $count machines running"
    fi
    sleep 0.5 &
    wait $! 2>/dev/null || true
    reap
done
[ "$tty" = 1 ] && printf '\r\033[K'
trap - INT TERM

failed=0
for ((i = 0; i < count; i++)); do
    if [ "${status[i]}" != 0 ]; then
        failed=1
        echo "$me: machine ${ids[i]} on ${hosts[i]} exited with status ${status[i]}; its stderr:" >&2
        tail -n 20 "$run/launch/machine-${ids[i]}.err" | sed 's/^/    /' >&2
    fi
done
pids=()

if gather; then
    [ -s "$run/launch/copy.err" ] || rm -f "$run/launch/copy.err"
    tidy
else
    failed=1
    echo "$me: logs left on the hosts in $remote_dir/HOST" >&2
fi

lc_analyze || failed=1
exit "$failed"
