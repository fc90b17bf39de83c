#!/usr/bin/env bash
# launch/runlan.sh FILE - a LAN run: every machine of a cluster file started
# on its host, the logs gathered into one run directory, then analyzed.
# docs/launch.md has the details, docs/lan.md the ssh set-up of a lab.
set -euo pipefail

#  through the lclock-runlan symlink when installed: the real file's folder
top=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
me=runlan.sh

#  Bounds, in wall seconds
START_TIMEOUT=30        #  the machines' default --start-timeout
STOP_TIMEOUT=15         #  after SIGTERM: 1 s drain + linger + logs, then KILL
OVERRUN=30              #  margin past the expected end before the stop
PREFLIGHT_TIMEOUT=20    #  the preflight round, ssh's ConnectTimeout within it
GATHER_TIMEOUT=60       #  one host's logs coming back
COMMAND_TIMEOUT=15      #  a kill or a clean-up on a host
SSH_OPTS_DEFAULT="-o BatchMode=yes -o ConnectTimeout=5"

usage () {
    cat <<EOF
usage: $lc_self [--help] CLUSTER_FILE

Starts every machine of CLUSTER_FILE on its host, through the command
prefix LCLOCK_REMOTE (the word HOST replaced by the machine's host: its
'host' key, else its endpoint's host), waits for them, brings their logs
back into a new local run directory runs/lan-YYYYmmdd-HHMMSS (with
run.json; runs/ of the current folder when installed, of the checkout
otherwise) and runs 'lclock analyze' on it. Before anything starts, one
round to every host, all at once, checks that it answers, that lclock runs
there and is this version, that the log folder can be made, that the
cluster file there is this one and, with CURVE, that the certificates are
there; a failure is one line per host, and nothing is started.

Environment:
  LCLOCK_REMOTE      the command prefix that runs a command on HOST
                     (default 'ssh HOST'; e.g. 'ssh -F lab/config HOST',
                     'ip netns exec HOST', a script of yours). Quoted like
                     a shell command line. With ssh in it, the command goes
                     as one quoted string, else as separate words. The logs
                     come back through it too (tar).
  LCLOCK_SSH_OPTS    options put before the word with HOST when the prefix
                     runs ssh (default '$SSH_OPTS_DEFAULT'):
                     never a prompt; options in LCLOCK_REMOTE win
  LCLOCK_BIN         path of lclock on the hosts (default: the installed
                     lclock; in a checkout, its build/release/lclock, built
                     if needed)
  LCLOCK_REMOTE_DIR  where machines log on their hosts, one folder per host
                     (default /tmp/lclock-lan-STAMP-PID, removed after)
  LCLOCK             the local lclock that analyzes (default as LCLOCK_BIN)
  LCLOCK_RUNS        where the run directory is made (default runs/)

lclock and the cluster file must be at the same path on every host.
Ctrl-C stops every machine cleanly (SIGTERM on its host) and waits for
their logs, at most $STOP_TIMEOUT s; Ctrl-C again kills the machines still
running. Either way the logs that exist are gathered and analyzed.

Exit status: 0 every machine ran to its end, every log came back and the
analysis found every check holds; 1 a host failed the preflight, a machine
failed, a log could not be gathered, or the analysis failed; 2 bad
arguments or a bad cluster file; 130 interrupted (Ctrl-C or SIGTERM).
EOF
}

# shellcheck source=launch/common.sh
. "$top/launch/common.sh"

#  The local scratch folder (preflight answers, tar streams): removed on exit
tmp=""

# ---------------------------------------------------------------------------
#  The cluster file

#  load_cluster: the cluster file as `lclock cluster` reads it (the parser
#  of `lclock machine --cluster`, so a file it takes is one the machines
#  take). A bad file is exit 2 with lclock's one-line error, before
#  anything starts.
ids=() hosts=() certs=()
duration="" speed="" roll=10 rate="" seed="" trust=""
load_cluster () {
    local out rc=0 line rest i
    local -A cert_of=()
    out=$("$lclock" cluster "$cluster") || rc=$?
    [ "$rc" = 0 ] || { [ "$rc" = 2 ] && exit 2; die "lclock cluster $cluster exited $rc"; }
    #  a path is the rest of its line
    while IFS= read -r line; do
        rest=${line#* }
        case "${line%% *}" in
            run) duration=${rest% *} speed=${rest#* } ;;
            roll) roll=$rest ;;
            rate) rate=$rest ;;
            seed) seed=$rest ;;
            trust) trust=$rest ;;
            cert) cert_of[${rest%% *}]=${rest#* } ;;
            machine) ids+=("${rest%% *}"); hosts+=("${rest#* }") ;;
        esac
    done <<<"$out"
    for ((i = 0; i < ${#ids[@]}; i++)); do
        certs[i]=${cert_of[${ids[i]}]:-}
    done
}

# ---------------------------------------------------------------------------
#  Commands on a host

#  split TEXT: its words, NUL-terminated, split as a shell splits a command
#  line (quotes, backslashes), with nothing expanded. False on a quote left
#  open.
split () {
    printf '%s' "$1" | xargs -r printf '%s\0' 2>/dev/null
}

#  load_remote: the prefix's words in prefix[], where the word with HOST
#  is (host_at), and whether the command goes as one string (quote=1):
#  when ssh runs it, as ssh joins its arguments with spaces for a shell on
#  the host. The ssh options go in before the word with HOST, so that
#  options given in LCLOCK_REMOTE come first, and win (ssh keeps the first
#  value of each).
prefix=() host_at=-1 quote=0
load_remote () {
    local i opts=()
    split "$remote" >/dev/null \
        || usage_error "LCLOCK_REMOTE '$remote': a quote left open"
    mapfile -d '' -t prefix < <(split "$remote")
    for ((i = 0; i < ${#prefix[@]}; i++)); do
        if has_placeholder "${prefix[i]}"; then
            host_at=$i
            break
        fi
        [ "${prefix[i]##*/}" != ssh ] || quote=1
    done
    [ "$host_at" -ge 0 ] || usage_error "LCLOCK_REMOTE '$remote' has no word HOST to replace"
    if [ "$quote" = 1 ]; then
        split "$ssh_opts" >/dev/null || usage_error "LCLOCK_SSH_OPTS '$ssh_opts': a quote left open"
        mapfile -d '' -t opts < <(split "$ssh_opts")
        prefix=("${prefix[@]:0:host_at}" "${opts[@]}" "${prefix[@]:host_at}")
        host_at=$((host_at + ${#opts[@]}))
    fi
}

#  HOST as a word of its own or between punctuation (user@HOST, HOST.lab),
#  not inside a longer name (SSH_HOSTS)
PLACEHOLDER='^(.*[^A-Za-z0-9_]|)HOST([^A-Za-z0-9_].*|)$'
has_placeholder () { [[ $1 =~ $PLACEHOLDER ]]; }

#  host_cmd HOST CMD...: sets hcmd to the command line that runs CMD on
#  HOST through the prefix: HOST put in (every place, one pass: a value put
#  in is never looked at again), then CMD as one quoted string or as words.
hcmd=()
host_cmd () {
    local host=$1 word out
    shift
    hcmd=()
    for word in "${prefix[@]}"; do
        out=""
        while [[ $word =~ $PLACEHOLDER ]]; do
            out="$host${BASH_REMATCH[2]}$out"
            word=${BASH_REMATCH[1]}
        done
        hcmd+=("$word$out")
    done
    if [ "$quote" = 1 ]; then
        printf -v word '%q ' "$@"
        hcmd+=("$word")
    else
        hcmd+=("$@")
    fi
}

#  on_host SECONDS OUT ERR HOST CMD...: runs CMD on HOST in the background,
#  bounded, in a session of its own: no terminal to prompt on (a prompt
#  fails at once instead of waiting unseen) and out of reach of the
#  terminal's Ctrl-C, which is this script's to handle. Sets job to its pid,
#  which is also its process group.
job=""
on_host () {
    local seconds=$1 out=$2 err=$3 host=$4
    shift 4
    host_cmd "$host" "$@"
    setsid timeout -s KILL "$seconds" "${hcmd[@]}" </dev/null >"$out" 2>"$err" &
    job=$!
}

#  A round: one command per host, all at once. round_wait waits for the
#  jobs in round_jobs[] (pid per host index), with a line of progress
#  (round_say) while they run; round_rc[K] is each one's exit status. It
#  returns early, false, on a Ctrl-C not yet handled (the jobs are killed).
round_jobs=() round_rc=() round_say=""
round_wait () {
    local k left seen=$interrupts t=0
    while :; do
        left=0
        for k in "${!round_jobs[@]}"; do
            [ -z "${round_rc[k]:-}" ] || continue
            if kill -0 "${round_jobs[k]}" 2>/dev/null; then
                left=$((left + 1))
            else
                round_rc[k]=0
                wait "${round_jobs[k]}" || round_rc[k]=$?
            fi
        done
        [ "$left" -gt 0 ] || break
        if [ "$interrupts" -gt "$seen" ]; then
            round_kill
            return 1
        fi
        if [ -n "$round_say" ] && [ "$t" -ge 10 ] && [ $((t % 10)) = 0 ]; then
            progress "$round_say: $left of ${#round_jobs[@]} to go"
        fi
        t=$((t + 1))
        sleep 0.1 &
        wait $! 2>/dev/null || true
    done
    [ "$t" -lt 10 ] || clear_line
}

round_kill () {
    local k
    for k in "${!round_jobs[@]}"; do
        [ -n "${round_rc[k]:-}" ] || kill -KILL -- "-${round_jobs[k]}" 2>/dev/null || true
    done
    for k in "${!round_jobs[@]}"; do
        wait "${round_jobs[k]}" 2>/dev/null || true
    done
}

#  progress TEXT: a line redrawn in place on a terminal, else printed
#  when it says something new; progress_end TEXT ends it.
said=""
progress () {
    [ "$1" != "$said" ] || return 0
    if [ "$tty" = 1 ]; then
        printf '\r%s: %s\033[K' "$me" "$1"
    else
        say "$1"
    fi
    said=$1
}
progress_end () {
    if [ "$tty" = 1 ]; then
        printf '\r%s: %s\033[K\n' "$me" "$1"
    else
        say "$1"
    fi
    said=""
}
#  clear_line: before a message, a line in place is wiped
clear_line () {
    [ "$tty" = 0 ] || printf '\r\033[K'
    said=""
}

#  Hosts, each once, in the order of their first machine
uhosts=()
unique_hosts () {
    local h
    local -A known=()
    for h in "${hosts[@]}"; do
        [ -n "${known[$h]:-}" ] || uhosts+=("$h")
        known[$h]=1
    done
}

# ---------------------------------------------------------------------------
#  Preflight

#  On the host, with BIN DIR CLUSTER FILE...: lines a launcher reads. The
#  first says the command got there; "fail CAUSE" for each problem.
# shellcheck disable=SC2016  # for the shell on the host
PREFLIGHT='echo reached; b=$1 d=$2 c=$3; shift 3
v=$("$b" --version 2>&1) && echo "version $v" || echo "fail $b does not run there: $v"
e=$(mkdir -p "$d/launch" 2>&1) || echo "fail cannot make the log folder $d: $e"
s=$(cksum <"$c" 2>&1) && echo "cluster $s" || echo "fail cannot read the cluster file $c there: $s"
for f; do [ -r "$f" ] || echo "fail no certificate file $f there"; done'

#  known_hosts_fix: the command that adds the host's key where this ssh
#  looks for it, as ssh -G sees its configuration (hcmd is the host's)
known_hosts_fix () {
    local config name="" file=""
    if [ "$quote" = 1 ]; then
        config=$(timeout -s KILL 5 "${hcmd[@]:0:host_at + 1}" -G </dev/null 2>/dev/null || true)
        name=$(sed -n 's/^hostname //p' <<<"$config" | head -n 1)
        file=$(sed -n 's/^userknownhostsfile \([^ ]*\).*/\1/p' <<<"$config" | head -n 1)
    fi
    printf 'ssh-keyscan %q >>%s' "${name:-${hcmd[host_at]##*@}}" "${file:-"~/.ssh/known_hosts"}"
}

#  why_remote ERRFILE STATUS: what a failed prefix command said, and what
#  to do about it, in one line.
why_remote () {
    local last target=${hcmd[host_at]##*@}
    last=$(tr -d '\r' <"$1" | grep -v '^[[:space:]]*$' | tail -n 1 || true)
    case "$last" in
        *"Host key verification failed"*)
            echo "unknown host key ($last): check its fingerprint, then add it: $(known_hosts_fix)" ;;
        *"IDENTIFICATION HAS CHANGED"*|*"key for"*"has changed"*)
            echo "its host key changed ($last): if that is expected, ssh-keygen -R $target, then ssh-keyscan it again" ;;
        *"Permission denied"*)
            echo "login refused ($last): a key with a passphrase must be in an agent first (eval \$(ssh-agent); ssh-add KEYFILE); a key the host does not know: ssh-copy-id $target" ;;
        *"Connection refused"*)
            echo "connection refused ($last): no ssh server listens there, on that port" ;;
        *"timed out"*)
            echo "no answer ($last): the host is down, unreachable or drops packets" ;;
        *"Could not resolve"*|*"Name or service not known"*)
            echo "unknown host name ($last)" ;;
        *"No route to host"*|*"Network is unreachable"*)
            echo "unreachable ($last)" ;;
        *)
            if [ "$2" = 137 ]; then
                echo "no answer within ${PREFLIGHT_TIMEOUT} s${last:+ ($last)}"
            else
                echo "the command prefix failed (exit $2)${last:+: $last}"
            fi ;;
    esac
}

#  preflight: the round; true if every host is ready. Otherwise one line per
#  host on stderr and false; reached[] says which hosts answered (their log
#  folders are made).
reached=()
preflight () {
    local k h i files line here there ok=0 causes
    here=$("$lclock" --version)
    there=$(cksum <"$cluster")
    round_jobs=() round_rc=() round_say="preflight of ${#uhosts[@]} hosts"
    for k in "${!uhosts[@]}"; do
        h=${uhosts[k]} files=()
        if [ -n "$trust" ]; then
            for ((i = 0; i < count; i++)); do
                [ "${hosts[i]}" != "$h" ] || files+=("${certs[i]}")
                files+=("$trust/machine-${ids[i]}.cert")
            done
        fi
        on_host "$PREFLIGHT_TIMEOUT" "$tmp/pre-$k.out" "$tmp/pre-$k.err" "$h" \
            sh -c "$PREFLIGHT" sh "$lclock_bin" "$remote_dir/$h" "$cluster" "${files[@]}"
        round_jobs[k]=$job
    done
    round_wait || ok=1
    for k in "${!uhosts[@]}"; do
        reached[k]=0
        [ "$(head -n 1 "$tmp/pre-$k.out")" != reached ] || reached[k]=1
    done
    [ "$ok" = 0 ] || return 1
    for k in "${!uhosts[@]}"; do
        h=${uhosts[k]} causes=()
        if [ "${reached[k]}" = 1 ]; then
            while IFS= read -r line; do
                case "$line" in
                    "fail "*) causes+=("${line#fail }") ;;
                    "version "*)
                        [ "${line#version }" = "$here" ] || causes+=("lclock there is '${line#version }', here '$here': install the same version on every host") ;;
                    "cluster "*)
                        [ "${line#cluster }" = "$there" ] || causes+=("the cluster file $cluster there is not this one: copy it there") ;;
                esac
            done <"$tmp/pre-$k.out"
        else
            host_cmd "$h"
            causes+=("$(why_remote "$tmp/pre-$k.err" "${round_rc[k]}")")
        fi
        if [ ${#causes[@]} -gt 0 ]; then
            ok=1
            line=$(printf '%s; ' "${causes[@]}")
            echo "$me: $h: ${line%; }" >&2
        fi
    done
    return "$ok"
}

# ---------------------------------------------------------------------------
#  Machines

pids=()         #  local pid of each machine's prefix command (its group)
rpids=()        #  the machine's pid on its host, once it has said it
started=()      #  1 once the machine has started ticking (its CSV exists)
status=()       #  exit status of the prefix command once ended, else ""
running=0

#  On the host, with DIR ID LCLOCK ARGS...: starts lclock with its output
#  in DIR/launch, says "pid P", then "started" once its CSV log exists
#  (ticking has begun), waits, and leaves its exit status in
#  DIR/launch/machine-ID.status: the truth about how it ended, even when
#  this connection is gone (a machine outlives its ssh session: nothing
#  is written to it after "started").
# shellcheck disable=SC2016  # for the shell on the host
MACHINE='d=$1 i=$2; shift 2
"$@" </dev/null >"$d/launch/machine-$i.out" 2>"$d/launch/machine-$i.err" &
p=$!; echo "pid $p"
(while [ ! -e "$d/machine-$i.csv" ]; do sleep 0.1 >/dev/null 2>&1; done; echo started) &
w=$!; wait "$p"; r=$?; kill "$w" 2>/dev/null
echo "$r" >"$d/launch/machine-$i.status"; exit "$r"'

#  start_machine I: machine ids[I] on hosts[I], bounded, in a session of
#  its own (on_host).
start_machine () {
    local i=$1 id=${ids[$1]} dir="$remote_dir/${hosts[$1]}"
    local args=("$lclock_bin" machine --cluster "$cluster" --id "$id" --log-dir "$dir"
                --run-nonce "$nonce")
    on_host "$bound" "$run/launch/remote-$id.out" "$run/launch/remote-$id.err" "${hosts[i]}" \
        sh -c "$MACHINE" sh "$dir" "$id" "${args[@]}"
    pids[i]=$job status[i]="" rpids[i]="" started[i]=0
    { printf 'on %s: ' "${hosts[i]}"; printf '%q ' "${args[@]}"; echo; } >>"$run/launch/commands.txt"
}

#  reap: records the status of machines that have ended, learns the host
#  pids and the starts; sets running and how many have started.
nstarted=0
reap () {
    local i line
    running=0 nstarted=0
    for ((i = 0; i < count; i++)); do
        if [ "${started[i]}" = 0 ] && [ -f "$run/launch/remote-${ids[i]}.out" ]; then
            #  whole lines only (read is false on a line without its end):
            #  a half-written pid would be another one
            while IFS= read -r line; do
                case "$line" in
                    "pid "*) [[ ${line#pid } =~ ^[0-9]+$ ]] && rpids[i]=${line#pid } ;;
                    started) started[i]=1 ;;
                esac
            done <"$run/launch/remote-${ids[i]}.out"
        fi
        nstarted=$((nstarted + started[i]))
        [ -n "${status[i]}" ] && continue
        #  (a status message of bash about a killed job is noise here)
        if lc_ended "$i" 2>/dev/null; then
            clear_line
            say "machine ${ids[i]} on ${hosts[i]} ended with status ${status[i]}"
        else
            running=$((running + 1))
        fi
    done
}

#  signal_hosts SIG: SIG to every machine still running, on its host, all
#  at once, bounded; a machine whose pid there is not known yet has its
#  prefix command stopped here (it may still be connecting).
signal_hosts () {
    local i sig=$1
    round_jobs=() round_rc=() round_say=""
    for ((i = 0; i < count; i++)); do
        [ -z "${status[i]}" ] || continue
        if [ -n "${rpids[i]}" ]; then
            on_host "$COMMAND_TIMEOUT" /dev/null "$tmp/kill-$i.err" "${hosts[i]}" kill "-$sig" "${rpids[i]}"
            round_jobs[i]=$job
        else
            lc_kill "$i"
        fi
    done
    round_wait || true
}

#  stop: the machines still running are stopped (SIGTERM on their hosts),
#  with a countdown while they write their last rows, until they have all
#  ended; a second Ctrl-C, or the countdown at 0, kills the rest.
stop () {
    local left seen=$interrupts t0 last=-1 i n names
    progress "stopping: $running of $count machines writing their last rows; killed in $STOP_TIMEOUT s (Ctrl-C again: now)"
    signal_hosts TERM
    clock
    t0=$now
    reap
    while [ "$running" -gt 0 ]; do
        clock
        left=$((STOP_TIMEOUT - (now - t0) / 1000))
        if [ "$interrupts" -gt "$seen" ] || [ "$left" -le 0 ]; then
            names=""
            for ((i = 0; i < count; i++)); do
                [ -n "${status[i]}" ] || names+=" ${ids[i]} (on ${hosts[i]})"
            done
            clear_line
            if [ "$left" -le 0 ]; then
                echo "$me: still running after ${STOP_TIMEOUT} s; killing machine(s)$names" >&2
            else
                echo "$me: Ctrl-C again: killing machine(s)$names now; the others have ended" >&2
            fi
            signal_hosts KILL
            #  their prefix commands end with them; those that do not, here
            for ((n = 0; n < 30 && running > 0; n++)); do
                sleep 0.1 &
                wait $! 2>/dev/null || true
                reap
            done
            for ((i = 0; i < count; i++)); do
                [ -n "${status[i]}" ] || lc_kill "$i"
            done
            reap
            break
        fi
        if [ "$left" != "$last" ]; then
            progress "stopping: $running of $count machines writing their last rows; killed in $left s (Ctrl-C again: now)"
            last=$left
        fi
        sleep 0.1 &
        wait $! 2>/dev/null || true
        reap
    done
    clear_line
}

#  clock: now, in wall milliseconds. No process is started: the terminal's
#  Ctrl-C reaches the processes of this script's group, and one of its
#  commands ended by it would end the script (set -e) instead of the trap
#  handling it. For the same reason the loops run only builtins, and sleep
#  in the background (which ignores SIGINT).
now=0
clock () {
    now=${EPOCHREALTIME/[.,]/}
    now=$((10#$now / 1000))
}

interrupts=0
# shellcheck disable=SC2317  # trap handlers
on_signal () {
    interrupts=$((interrupts + 1))
}

# shellcheck disable=SC2317
on_exit () {
    local i
    #  never leave a machine behind, whatever ended this script
    for ((i = 0; i < ${#pids[@]}; i++)); do
        if [ -z "${status[i]}" ]; then
            [ -z "${rpids[i]}" ] || { host_cmd "${hosts[i]}" kill -KILL "${rpids[i]}";
                setsid timeout -s KILL "$COMMAND_TIMEOUT" "${hcmd[@]}" </dev/null >/dev/null 2>&1 || true; }
            lc_kill "$i"
            wait "${pids[i]}" 2>/dev/null || true
        fi
    done
    [ -z "$tmp" ] || rm -rf -- "$tmp"
    return 0
}

# ---------------------------------------------------------------------------
#  Logs

#  On the host, with DIR FILE...: a tar stream of those files that exist.
# shellcheck disable=SC2016  # for the shell on the host
GATHER='cd "$1" || exit; shift; n=$#
for f; do [ ! -e "$f" ] || set -- "$@" "$f"; done; shift "$n"
exec tar -cf - -T /dev/null "$@"'

#  gather: from every host at once, the CSV and JSON logs of its machines
#  (those that exist: a machine that did not start has no CSV, one refused
#  at once no JSON either) into the run directory, their output and exit
#  status into launch/. A copy that fails is shown whole; false if one did.
gather () {
    local k h i id files ok=0
    round_jobs=() round_rc=() round_say="gathering the logs"
    say "gathering the logs from ${#uhosts[@]} host(s)"
    for k in "${!uhosts[@]}"; do
        h=${uhosts[k]} files=()
        for ((i = 0; i < count; i++)); do
            [ "${hosts[i]}" = "$h" ] || continue
            id=${ids[i]}
            files+=("machine-$id.csv" "machine-$id.json"
                    "launch/machine-$id.out" "launch/machine-$id.err" "launch/machine-$id.status")
        done
        on_host "$GATHER_TIMEOUT" "$tmp/logs-$k.tar" "$run/launch/gather-$k.err" "$h" \
            sh -c "$GATHER" sh "$remote_dir/$h" "${files[@]}"
        round_jobs[k]=$job
    done
    if ! round_wait; then
        clear_line
        echo "$me: gathering interrupted; the logs stay on the hosts in $remote_dir/HOST" >&2
        return 1
    fi
    for k in "${!uhosts[@]}"; do
        h=${uhosts[k]}
        if [ "${round_rc[k]}" = 0 ]; then
            tar -xf "$tmp/logs-$k.tar" -C "$run" 2>>"$run/launch/gather-$k.err" || round_rc[k]=tar
        fi
        for ((i = 0; i < count; i++)); do
            #  the CSV log is made when ticking starts
            [ "${hosts[i]}" != "$h" ] || [ ! -f "$run/machine-${ids[i]}.csv" ] || started[i]=1
        done
        if [ "${round_rc[k]}" != 0 ]; then
            ok=1
            echo "$me: the logs from $h ($remote_dir/$h) did not come back (exit ${round_rc[k]}):" >&2
            sed 's/^/    /' "$run/launch/gather-$k.err" >&2
        else
            [ -s "$run/launch/gather-$k.err" ] || rm -f "$run/launch/gather-$k.err"
        fi
    done
    return "$ok"
}

#  tidy: removes the per-host log folders (once their logs are here, or
#  when nothing ran), when they are ours (LCLOCK_REMOTE_DIR not given);
#  only on the hosts in the arguments (indexes into uhosts). tidy_start
#  starts the round, round_wait waits for it.
tidy () {
    tidy_start "$@"
    round_wait || true
}
tidy_start () {
    local k
    round_jobs=() round_rc=() round_say=""
    [ -z "${LCLOCK_REMOTE_DIR:-}" ] || return 0
    for k in "$@"; do
        # shellcheck disable=SC2016  # for the shell on the host
        on_host "$COMMAND_TIMEOUT" /dev/null /dev/null "${uhosts[k]}" \
            sh -c 'rm -rf -- "$1"; rmdir -- "$2" 2>/dev/null; true' sh \
            "$remote_dir/${uhosts[k]}" "$remote_dir"
        round_jobs[k]=$job
    done
}

#  outcome I: how machine I ended, from its exit status on its host (the
#  truth, once gathered), else from its prefix command.
outcome () {
    local i=$1 file="$run/launch/machine-${ids[$1]}.status" s
    if [ -f "$file" ]; then
        s=$(cat "$file")
        case "$s" in
            0) echo "ended cleanly (status 0)" ;;
            137) echo "killed (status 137)" ;;
            *) echo "exited with status $s" ;;
        esac
    elif [ "${status[i]}" = 255 ]; then
        echo "unknown: the connection to ${hosts[i]} failed (status 255)"
    else
        echo "exited with status ${status[i]}, as the command prefix said; its logs did not come back"
    fi
}

#  report: a line per machine that did not end cleanly (every machine after
#  a Ctrl-C), with the end of its stderr; false if any did not.
report () {
    local i ok=0 o err
    for ((i = 0; i < count; i++)); do
        o=$(outcome "$i")
        [ "$o" = "ended cleanly (status 0)" ] && [ "$interrupts" = 0 ] && continue
        [ "$o" = "ended cleanly (status 0)" ] || ok=1
        echo "$me: machine ${ids[i]} on ${hosts[i]}: $o"
        [ "$o" != "ended cleanly (status 0)" ] || continue
        for err in "$run/launch/machine-${ids[i]}.err" "$run/launch/remote-${ids[i]}.err"; do
            [ -s "$err" ] || continue
            echo "    ${err#"$run"/}:"
            tail -n 20 "$err" | sed 's/^/    /'
        done
    done >&2
    return "$ok"
}

#  write_runinfo: run.json, with what the cluster file asks for
write_runinfo () {
    local args=("$run" --launcher runlan --machines "$count" --rate "${rate:-1-6}"
                --roll "$roll" --speed "$speed" --duration "$duration") h
    [ -z "$seed" ] || args+=(--seed "$seed")
    [ -z "$trust" ] || args+=(--curve)
    for h in "${uhosts[@]}"; do
        args+=(--host "$h")
    done
    "$lclock" runinfo "${args[@]}" -- "$0" "$cluster_arg" >&2
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
cluster_arg=$1
#  absolute, as the hosts see it (symlinks kept: the same path everywhere)
cluster=$(realpath -es -- "$1" 2>/dev/null) || usage_error "$1: no such file"
[ -z "${LCLOCK_COPY:-}" ] \
    || usage_error "LCLOCK_COPY is no longer used: the logs come back through LCLOCK_REMOTE; unset it"
remote=${LCLOCK_REMOTE:-ssh HOST}
ssh_opts=${LCLOCK_SSH_OPTS-$SSH_OPTS_DEFAULT}
load_remote
if [ -z "${LCLOCK_BIN:-}" ] || [ -z "${LCLOCK:-}" ]; then
    lc_default_lclock
fi
lclock_bin=${LCLOCK_BIN:-$lc_lclock}
lclock=${LCLOCK:-$lc_lclock}
[ -x "$lclock" ] || die "LCLOCK=$lclock is not an executable"
load_cluster
count=${#ids[@]}
unique_hosts
tmp=$(mktemp -d "${TMPDIR:-/tmp}/runlan.XXXXXX")
remote_dir=${LCLOCK_REMOTE_DIR:-/tmp/lclock-lan-$(date +%Y%m%d-%H%M%S)-$$}
#  63 bits, as every number of a run
nonce=$((0x$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n') & 0x7fffffffffffffff))
wall=$(awk -v d="$duration" -v s="$speed" 'BEGIN { printf "%g", d / s }')
wall_ms=$(awk -v d="$duration" -v s="$speed" 'BEGIN { printf "%d", 1000 * d / s }')
bound=$(awk -v w="$wall" -v st="$START_TIMEOUT" -v o="$OVERRUN" -v g="$STOP_TIMEOUT" \
    'BEGIN { printf "%d", st + w + 1 + g + o }')
trap on_signal INT TERM

say "$count machines on ${#uhosts[@]} hosts from $cluster, ${wall} s of wall time${trust:+, CURVE on}"
if ! preflight; then
    all=()
    for k in "${!reached[@]}"; do
        [ "${reached[k]}" = 0 ] || all+=("$k")
    done
    if [ "$interrupts" -gt 0 ]; then
        clear_line
        echo "$me: interrupted before any machine started" >&2
        tidy "${all[@]}"
        exit 130
    fi
    echo "$me: nothing started: fix the host(s) above and run again" >&2
    tidy "${all[@]}"
    exit 1
fi
[ "$interrupts" = 0 ] || { echo "$me: interrupted before any machine started" >&2; tidy "${!uhosts[@]}"; exit 130; }

run=$(lc_new_run_dir lan-) || { tidy "${!uhosts[@]}"; exit 1; }
cp "$cluster" "$run/launch/cluster.zpl"
write_runinfo || { rm -rf -- "$run"; tidy "${!uhosts[@]}"; exit 1; }
say "run directory $run (run id nonce $nonce)"
for ((i = 0; i < count; i++)); do
    start_machine "$i"
done

#  Start: every machine ticking, or one ended before (the others could not
#  start without it: they are stopped), or a Ctrl-C.
t0=0
reap
while [ "$nstarted" -lt "$count" ] && [ "$running" = "$count" ] && [ "$interrupts" = 0 ]; do
    progress "waiting for the machines to start: $nstarted of $count ticking"
    sleep 0.1 &
    wait $! 2>/dev/null || true
    reap
done
if [ "$nstarted" = "$count" ]; then
    clock
    t0=$now
    progress_end "every machine is ticking"
fi

#  Run: a line of progress until every machine has ended; a Ctrl-C or an
#  overrun stops them.
last=-1
while [ "$running" -gt 0 ]; do
    clock
    if [ "$interrupts" -gt 0 ] || [ "$t0" = 0 ] || [ $((now - t0)) -gt $((wall_ms + OVERRUN * 1000)) ]; then
        clear_line
        if [ "$interrupts" -gt 0 ]; then
            echo "$me: Ctrl-C: stopping the machines; they write their last rows and summaries (Ctrl-C again to kill them)" >&2
        elif [ "$t0" = 0 ]; then
            echo "$me: a machine ended before every machine had started; stopping the others" >&2
        else
            echo "$me: machines still running ${OVERRUN} s past their end; stopping them" >&2
        fi
        stop
        break
    fi
    elapsed=$(((now - t0) / 1000))
    if [ "$tty" = 1 ] || [ $((elapsed / 10)) != "$last" ]; then
        progress "$elapsed/$wall s: $running of $count machines running"
        last=$((elapsed / 10))
    fi
    sleep 0.5 &
    wait $! 2>/dev/null || true
    reap
done
clear_line

failed=0
handled=$interrupts
if gather; then
    #  while the analysis runs
    tidy_start "${!uhosts[@]}"
else
    failed=1
    round_jobs=()
    [ "$interrupts" -gt "$handled" ] || echo "$me: what did not come back stays on the hosts in $remote_dir/HOST" >&2
fi
report || failed=1
pids=()
reap
if [ "$nstarted" != "$count" ]; then
    echo "$me: the machines did not all start; nothing to analyze in $run" >&2
    failed=1
elif [ "$interrupts" = "$handled" ]; then
    lc_analyze || failed=1
fi
round_wait || true
if [ "$interrupts" -gt 0 ]; then
    exit 130
fi
exit "$failed"
