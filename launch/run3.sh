#!/usr/bin/env bash
# launch/run3.sh - the classic experiment on one host: three (or N) machines
# with different tick rates on loopback, a live status line, then analysis.
# docs/launch.md. `launch/run3.sh --help` tells the options.
set -euo pipefail

#  through the lclock-run3 symlink when installed: the real file's folder
top=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
me=run3.sh

#  Bounds, in wall seconds unless named otherwise
START_ATTEMPTS=3        #  whole starts tried when a port was taken meanwhile
START_TIMEOUT=30        #  the machines' own --start-timeout (docs/cli.md default)
STOP_TIMEOUT=15         #  after SIGTERM: 1 s drain + linger + logs, then KILL
OVERRUN=15              #  past the expected end before we stop them ourselves

usage () {
    cat <<EOF
usage: $lc_self [--duration SEC] [--speed S] [--rate R|MIN-MAX]
         [--rates R1,R2,...] [--roll K] [--seed N] [--machines N]
         [--label NAME] [--out DIR] [--help]

Starts N machines on loopback on free ports, shows a status line every
second, stops them (Ctrl-C stops them early, cleanly), and runs 'lclock
analyze' on the run directory.

  --duration SEC   model seconds to run, > 0 and <= 1e9 (default 60)
  --speed S        model seconds per wall second, 1e-6..1e6 (default 1)
  --rate R|MIN-MAX tick rate of every machine, or the range each machine
                   draws its own from (default: each draws from 1-6)
  --rates LIST     fixed rates, one per machine, e.g. 1,6,6 (sets
                   --machines, or must agree with it; not with --rate)
  --roll K         roll 1..K on an empty tick (default 10)
  --seed N         run seed shared by all machines (default: drawn, printed)
  --machines N     number of machines, at least 2 (default 3)
  --label NAME     a label for the run, recorded in run.json; the run
                   directory becomes runs/YYYYmmdd-HHMMSS-NAME. Letters,
                   digits, '.', '_' and '-', at most 64
  --out DIR        the run directory to use instead of a new one under
                   runs/ (created if missing; it may not hold a run yet)
  --help           this text

Each run gets a new directory runs/YYYYmmdd-HHMMSS[-NAME][-N] holding
run.json (what was asked for), machine-ID.csv, machine-ID.json
(docs/log-format.md), report.md, summary.json, and the machines' stderr
and command lines in launch/. Wall time is duration/speed.
Installed (lclock-run3), it runs the installed lclock and makes runs/ in
the current folder; in a checkout (launch/run3.sh), it builds lclock when
needed (build/release) and uses the checkout's runs/.
Environment: LCLOCK=PATH uses that lclock binary instead;
LCLOCK_RUNS=DIR makes the run directory in DIR instead of runs/;
LCLOCK_LAUNCHER=study records launch/study.sh as the launcher in run.json.

Exit status: 0 all machines ran to their end and the analysis found no
failed check; 1 a machine failed or the analysis failed; 2 bad option;
130 interrupted (after the machines started, their logs are complete and
analyzed all the same).
EOF
}

# shellcheck source=launch/common.sh
. "$top/launch/common.sh"

# ---------------------------------------------------------------------------
#  Options

duration=60 speed=1 rate="" rates="" roll="" seed="" machines="" label="" out=""

parse_options () {
    local opt value
    while [ $# -gt 0 ]; do
        opt=$1
        case "$opt" in
            --help|-h) usage; exit 0 ;;
            --*=*) value=${opt#*=}; opt=${opt%%=*}; shift ;;
            --duration|--speed|--rate|--rates|--roll|--seed|--machines|--label|--out)
                [ $# -ge 2 ] || usage_error "$opt needs a value"
                value=$2; shift 2 ;;
            *) usage_error "unknown argument '$opt' (see $lc_self --help)" ;;
        esac
        case "$opt" in
            --duration)
                between "$value" 0 "$DURATION_MAX" \
                    || usage_error "--duration '$value': want a number of model seconds above 0, at most $DURATION_MAX"
                duration=$value ;;
            --speed)
                between "$value" "$SPEED_MIN" "$SPEED_MAX" closed \
                    || usage_error "--speed '$value': want a number from $SPEED_MIN to $SPEED_MAX"
                speed=$value ;;
            --rate) check_rate "$value"; rate=$value ;;
            --rates) check_rates "$value"; rates=$value ;;
            --label)
                [[ $value =~ ^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$ ]] \
                    || usage_error "--label '$value': want 1 to 64 letters, digits, '.', '_' or '-', not starting with '.' or '-'"
                label=$value ;;
            --out)
                [ -n "$value" ] || usage_error "--out needs a directory"
                out=$value ;;
            --roll)
                { is_uint "$value" && in_range "$value" 1 "$ROLL_MAX"; } \
                    || usage_error "--roll '$value': want a whole number 1..$ROLL_MAX"
                roll=$value ;;
            --seed)
                { is_uint "$value" && fits_seed "$value"; } \
                    || usage_error "--seed '$value': want a whole number 0..$SEED_MAX"
                seed=$value ;;
            --machines)
                { is_uint "$value" && in_range "$value" 2 "$MACHINES_MAX"; } \
                    || usage_error "--machines '$value': want a whole number 2..$MACHINES_MAX"
                machines=$((10#$value)) ;;
            *) usage_error "unknown option '$opt' (see $lc_self --help)" ;;
        esac
    done
    if [ -n "$rates" ]; then
        [ -z "$rate" ] || usage_error "--rates and --rate: give one of them"
        local count
        count=$(tr ',' '\n' <<<"$rates" | wc -l)
        [ -z "$machines" ] || [ "$machines" -eq "$count" ] \
            || usage_error "--rates '$rates': $count rates for --machines $machines; give one rate per machine"
        [ "$count" -le "$MACHINES_MAX" ] || usage_error "--rates '$rates': at most $MACHINES_MAX machines"
        machines=$count
        local parts
        IFS=, read -r -a parts <<<"$rates"
        rate_of=("" "${parts[@]}")
    fi
    machines=${machines:-3}
    if [ -n "$out" ] && [ -e "$out" ]; then
        [ -d "$out" ] || usage_error "--out '$out': not a directory"
        [ -z "$(find "$out" -maxdepth 1 \( -name 'machine-*.csv' -o -name run.json \) -print -quit)" ] \
            || usage_error "--out '$out': already holds a run (machine-*.csv or run.json); give a new directory"
    fi
}

# ---------------------------------------------------------------------------
#  Ports


# ---------------------------------------------------------------------------
#  Machines

pids=()         #  pid of each machine's `timeout` wrapper, index = id - 1
status=()       #  exit status of each machine once it has ended, else ""

#  start_machines: one attempt; fills pids. Each machine runs under timeout,
#  which gives it a process group of its own: Ctrl-C on the terminal reaches
#  only this script, which forwards it once (SIGTERM: docs/cli.md).
start_machines () {
    local ports i j bound args
    mapfile -t ports < <(free_ports "$machines")
    bound=$(awk -v d="$duration" -v s="$speed" -v st="$START_TIMEOUT" -v o="$OVERRUN" \
        'BEGIN { printf "%d", st + d / s + 1 + 2 * o }')
    pids=() status=()
    : >"$run/launch/commands.txt"
    for ((i = 1; i <= machines; i++)); do
        args=(machine --id "$i" --bind "tcp://127.0.0.1:${ports[i - 1]}")
        for ((j = 1; j <= machines; j++)); do
            [ "$j" -eq "$i" ] || args+=(--peer "$j=tcp://127.0.0.1:${ports[j - 1]}")
        done
        args+=(--log-dir "$run" --duration "$duration" --speed "$speed" --seed "$seed")
        [ -z "$rate" ] || args+=(--rate "$rate")
        [ -z "$rates" ] || args+=(--rate "${rate_of[i]}")
        [ -z "$roll" ] || args+=(--roll "$roll")
        args+=(--quiet)
        { printf '%q ' "$lclock" "${args[@]}"; echo; } >>"$run/launch/commands.txt"
        timeout -s KILL "$bound" "$lclock" "${args[@]}" </dev/null \
            >"$run/launch/machine-$i.out" 2>"$run/launch/machine-$i.err" &
        pids+=($!)
        status+=("")
    done
}

#  reap: records the status of every machine that has ended; sets running to
#  how many are still running. (Not in a subshell: wait needs our children.)
running=0
reap () {
    local i
    running=0
    for ((i = 0; i < machines; i++)); do
        [ -n "${status[i]}" ] || lc_ended "$i" || running=$((running + 1))
    done
}

signal_all () {   # signal_all SIG: to every machine still running
    local i
    for ((i = 0; i < machines; i++)); do
        [ -n "${status[i]}" ] && continue
        if [ "$1" = KILL ]; then
            lc_kill "$i"
        else
            kill "-$1" "${pids[i]}" 2>/dev/null || true
        fi
    done
}


interrupts=0
# shellcheck disable=SC2317  # trap handlers
on_signal () {
    interrupts=$((interrupts + 1))
    if [ "$interrupts" -eq 1 ]; then
        [ ${#pids[@]} -eq 0 ] && exit 130
        echo >&2
        echo "$me: stopping the machines (Ctrl-C again to kill them now)" >&2
        signal_all TERM
    else
        signal_all KILL
    fi
}

# shellcheck disable=SC2317
on_exit () {
    #  never leave a machine behind, whatever ended this script
    [ ${#pids[@]} -gt 0 ] && signal_all KILL
    return 0
}

#  all_started: true once every machine has created its CSV log, which it
#  does when all peers are ready and ticking starts (docs/design.md, the start barrier).
all_started () {
    local i
    for ((i = 1; i <= machines; i++)); do
        [ -f "$run/machine-$i.csv" ] || return 1
    done
}

#  bind_failure: true if an ended machine said its port was taken
#  (EADDRINUSE); any other failure, a bind refused for another reason
#  included, is not worth another start.
bind_failure () {
    local i
    for ((i = 0; i < machines; i++)); do
        [ -n "${status[i]}" ] && [ "${status[i]}" != 0 ] \
            && grep -qiE 'address already in use' "$run/launch/machine-$((i + 1)).err" \
            && return 0
    done
    return 1
}

#  write_runinfo: run.json into the run directory, with what was asked for
#  (lclock runinfo checks every value as lclock machine does)
write_runinfo () {
    local spec=${rate:-1-6} lo hi r
    if [ -n "$rates" ]; then
        lo=${rate_of[1]} hi=${rate_of[1]}
        for r in "${rate_of[@]:1}"; do
            [ "$r" -ge "$lo" ] || lo=$r
            [ "$r" -le "$hi" ] || hi=$r
        done
        spec=$lo-$hi
        [ "$lo" != "$hi" ] || spec=$lo
    fi
    local args=("$run" --launcher "${LCLOCK_LAUNCHER:-run3}" --machines "$machines"
                --rate "$spec" --roll "${roll:-10}" --speed "$speed"
                --duration "$duration" --seed "$seed" --host "$(hostname)")
    [ -z "$rates" ] || args+=(--rates "$rates")
    [ -z "$label" ] || args+=(--label "$label")
    "$lclock" runinfo "${args[@]}" -- "$0" "${command_line[@]}" >&2
}

#  new_run: the run directory: --out, or a new one under runs/
new_run () {
    if [ -n "$out" ]; then
        mkdir -p "$out/launch" || { echo "$me: cannot make --out $out" >&2; return 1; }
        (cd "$out" && pwd)
    else
        lc_new_run_dir "" "$label"
    fi
}

#  clear_run: undoes a failed start before the next attempt; a directory
#  given with --out keeps what was in it before
clear_run () {
    if [ -n "$out" ]; then
        rm -rf "$run/launch" "$run/run.json" "$run"/machine-*.csv "$run"/machine-*.json
    else
        rm -rf "$run"
    fi
}

# ---------------------------------------------------------------------------
#  The status line

now_ms () { date +%s%3N; }

#  status_of ID: "mID rR cCLOCK qQUEUE", from the machine's JSON summary and
#  the last line of its CSV log; "?" for what is not there yet. A last line
#  caught half-written has non-numbers where the figures go and shows "?".
status_of () {
    local id=$1 r="?" c="?" q="?" last
    if [ -f "$run/machine-$id.json" ]; then
        r=$(grep -o '"rate": *[0-9]*' "$run/machine-$id.json" 2>/dev/null | head -n 1 | grep -o '[0-9]*$' || true)
        [ -n "$r" ] || r="?"
    fi
    if [ -f "$run/machine-$id.csv" ]; then
        last=$(tail -n 1 "$run/machine-$id.csv" 2>/dev/null || true)
        IFS=, read -r _ _ _ _ c q _ <<<"$last"
        [[ $c =~ ^[0-9]+$ ]] || c="?"
        [[ $q =~ ^[0-9]+$ ]] || q="?"
    fi
    echo "m$id r$r c$c q$q"
}

#  term_cols: the width of the terminal on stdout (kept open as tty_fd,
#  since $(...) has a pipe there), or 80
term_cols () {
    local size
    size=$(stty size <&"$tty_fd" 2>/dev/null || true)
    size=${size#* }
    if [[ $size =~ ^[0-9]+$ ]] && [ "$size" -gt 0 ]; then echo "$size"; else echo 80; fi
}

status_lines=0  #  screen lines of the status shown last on the terminal

#  draw_status HEAD ENTRY...: on the terminal, HEAD and the entries joined by
#  " | " and wrapped to its width (continuation lines indented under HEAD),
#  redrawn in place of the previous status: every machine stays in view
draw_status () {
    local head=$1 width indent line entry k; shift
    local lines=()
    width=$(($(term_cols) - 1))
    printf -v indent '%*s' "${#head}" ''
    line=$head
    for entry in "$@"; do
        if [ "$line" = "$head" ] || [ "$line" = "$indent" ]; then
            line+="${line:+ }$entry"
        elif [ $((${#line} + 3 + ${#entry})) -gt "$width" ]; then
            lines+=("$line")
            line="$indent $entry"
        else
            line+=" | $entry"
        fi
    done
    lines+=("$line")
    [ "$status_lines" -gt 1 ] && printf '\033[%dA' $((status_lines - 1))
    printf '\r'
    for ((k = 0; k < ${#lines[@]}; k++)); do
        [ "$k" -eq 0 ] || printf '\n'
        printf '%s\033[K' "${lines[k]:0:$width}"
    done
    printf '\033[J'            #  lines left below by a wider status
    status_lines=${#lines[@]}
}

#  show_status SECOND: the status at SECOND seconds into the run (the
#  caller counts them, so that none is skipped however long this takes)
show_status () {
    local head="" i
    local entries=()
    if [ "$t0" -eq 0 ]; then
        entries=("waiting for $machines machines to connect")
    else
        head=$(printf '%4d/%ss' "$1" "$wall")
        if [ "$interrupts" -gt 0 ] || [ $(($1 * 1000)) -gt "$wall_ms" ]; then
            head+=" stopping"
        fi
        for ((i = 1; i <= machines; i++)); do
            entries+=("$(status_of "$i")")
        done
    fi
    if [ "$tty" = 1 ]; then
        draw_status "$head" "${entries[@]}"
    else
        #  a log: one line per second, however long
        local line=$head sep=" " entry
        [ -n "$head" ] || sep=""
        for entry in "${entries[@]}"; do
            line+="$sep$entry"
            sep=" | "
        done
        echo "$line"
    fi
}

#  sleep_until_second N: sleeps until N seconds after t0 (1 s when the run
#  has not started), in the background so that a signal is handled at once
sleep_until_second () {
    local ms=1000
    [ "$t0" -eq 0 ] || ms=$((t0 + $1 * 1000 - $(now_ms)))
    [ "$ms" -gt 0 ] || return 0
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))" &
    wait $! 2>/dev/null || true
}

# ---------------------------------------------------------------------------
#  Main

command_line=("$@")
rate_of=()
parse_options "$@"
if [ -n "${LCLOCK:-}" ]; then
    lclock=$LCLOCK
    [ -x "$lclock" ] || die "LCLOCK=$lclock is not an executable"
else
    lc_default_lclock
    lclock=$lc_lclock
fi
command -v ss >/dev/null || die "ss not found; install it with: sudo apt-get install -y iproute2"
[ -n "$seed" ] || seed=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
wall=$(awk -v d="$duration" -v s="$speed" 'BEGIN { printf "%g", d / s }')
wall_ms=$(awk -v d="$duration" -v s="$speed" 'BEGIN { printf "%d", 1000 * d / s }')
tty=0 tty_fd=1
if [ -t 1 ]; then
    tty=1
    exec {tty_fd}>&1
fi

trap on_signal INT TERM
trap on_exit EXIT

p_internal=$(awk -v k="${roll:-10}" 'BEGIN { printf "%.2f", (k > 3 ? (k - 3) / k : 0) }')
say "$machines machines, duration ${duration} model s at speed $speed (${wall} s wall), rate ${rates:-${rate:-1-6 each}}, roll ${roll:-10} (P(internal) = $p_internal), seed $seed"
say "repeat with: $lc_self --seed $seed --duration $duration --speed $speed --machines $machines${rate:+ --rate $rate}${rates:+ --rates $rates}${roll:+ --roll $roll}${label:+ --label $label}"

attempt=1
early=()
while :; do
    run=$(new_run) || exit 1
    write_runinfo || { clear_run; exit 1; }
    start_machines
    t0=0
    #  Start phase: every machine has a log, or one ended before that
    while ! all_started; do
        [ "$interrupts" -eq 0 ] || break
        reap
        [ "$running" -eq "$machines" ] || break
        sleep 0.1
    done
    if all_started || [ "$interrupts" -gt 0 ]; then
        break
    fi
    early=("${status[@]}")      #  who ended on their own, before stop_all
    lc_stop_all
    if bind_failure && [ "$attempt" -lt "$START_ATTEMPTS" ]; then
        say "a port was taken meanwhile; starting again on other ports"
        clear_run
        attempt=$((attempt + 1))
        continue
    fi
    break
done

if all_started; then
    t0=$(now_ms)
    say "run directory: $run"
fi
#  Run phase: a status line per second until every machine has ended; if
#  they overrun their end by OVERRUN seconds they are stopped.
reap
second=0
while [ "$running" -gt 0 ]; do
    show_status "$second"
    if [ "$interrupts" -gt 0 ] || { [ "$t0" -gt 0 ] \
            && [ $(($(now_ms) - t0)) -gt $((wall_ms + OVERRUN * 1000)) ]; }; then
        [ "$interrupts" -gt 0 ] || { echo; say "machines overran their end by ${OVERRUN}s; stopping them"; }
        lc_stop_all
        break
    fi
    second=$((second + 1))
    sleep_until_second "$second"
    reap
done
#  the final figures, labelled with the second the loop slept until, as the
#  loop labels its lines (a wake-up late under load skips no second)
[ "$t0" -gt 0 ] && show_status "$second"
[ "$tty" = 1 ] && echo
trap - INT TERM

failed=0
for ((i = 0; i < machines; i++)); do
    if ! all_started && [ -z "${early[i]:-}" ]; then
        continue                #  stopped by us because another failed
    fi
    if [ "${status[i]}" != 0 ]; then
        failed=1
        echo "$me: machine $((i + 1)) exited with status ${status[i]}; its stderr:" >&2
        sed 's/^/    /' "$run/launch/machine-$((i + 1)).err" | tail -n 20 >&2
    fi
done
pids=()

if ! all_started; then
    if [ "$interrupts" -gt 0 ]; then
        echo "$me: interrupted before every machine had started; nothing to analyze in $run" >&2
        exit 130
    fi
    echo "$me: the machines did not start; run directory (stderr in launch/): $run" >&2
    exit 1
fi

lc_analyze || failed=1
#  Interrupted: the logs are complete and analyzed all the same, but the
#  run did not go to its end (runlan.sh and study.sh say 130 too)
[ "$interrupts" -eq 0 ] || exit 130
exit "$failed"
