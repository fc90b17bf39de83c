#!/usr/bin/env bash
# launch/realideal.sh - real against ideal: the same seeds run by real
# machines on loopback (launch/run3.sh) and by `lclock simulate`, then
# `lclock diverge` on each pair: how long each machine's real history
# stays identical to the ideal one, and what ends it (docs/simulate.md).
# `launch/realideal.sh --help` tells the options.
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
me=realideal.sh

usage () {
    cat <<EOF
usage: $lc_self [--seed N] [--runs K] [--speed S] [--delay SPEC]
         [--machines N] [--rate R|MIN-MAX] [--rates R1,R2,...]
         [--roll K] [--duration SEC] [--out DIR] [--help]

Runs K seeds (N, N+1, ..., N+K-1) twice each: on real machines over
loopback (launch/run3.sh, at --speed) and on the simulator (lclock
simulate, with --delay), then compares each pair with 'lclock diverge':
per machine, the rows identical in event, tick, clock, queue, peer and msg
before the first that differs, the cause of that first divergence, and
the total over every seed. The real runs take K x duration / speed wall
seconds.

  --seed N         first seed (default 1)
  --runs K         how many seeds, 1..1000 (default 3)
  --speed S        the real runs' speed (default 1)
  --delay SPEC     the simulated network delay, as lclock simulate --delay
                   (default 0.1 wall ms in model ms: 0.1 x speed)
  --machines N     machines (default 3)
  --rate R|MIN-MAX rate of every machine, or the range each draws from
                   (default 1-6)
  --rates LIST     fixed rates, one per machine (not with --rate)
  --roll K         roll 1..K (default 10)
  --duration SEC   model seconds of each run (default 60)
  --out DIR        the folder of the runs (default: a new
                   runs/realideal-YYYYmmdd-HHMMSS): seed-N/real, the
                   simulated runs ideal/trial-1..K, diverge.txt and
                   diverge.json
  -h, --help       this text

Environment: LCLOCK=PATH uses that lclock binary instead of building one.
Every option is checked before any run. Ctrl-C stops the real run cleanly
and compares the seeds that finished before it.
Exit status: 0 compared; 1 a run failed; 2 a bad option; 130 interrupted.
EOF
}

# shellcheck source=launch/common.sh
. "$top/launch/common.sh"

seed=1 runs=3 speed=1 delay="" out=""
settings=()         #  the options both runs get
while [ $# -gt 0 ]; do
    opt=$1
    case "$opt" in
        --help|-h) usage; exit 0 ;;
        --*=*) value=${opt#*=}; opt=${opt%%=*}; shift ;;
        --seed|--runs|--speed|--delay|--machines|--rate|--rates|--roll|--duration|--out)
            [ $# -ge 2 ] || usage_error "$opt needs a value"
            value=$2; shift 2 ;;
        *) usage_error "unknown argument '$opt' (see $lc_self --help)" ;;
    esac
    case "$opt" in
        --seed) seed=$value ;;
        --runs)
            [[ $value =~ ^[0-9]{1,4}$ ]] && [ "$((10#$value))" -ge 1 ] && [ "$((10#$value))" -le 1000 ] \
                || usage_error "--runs '$value': want a whole number 1..1000"
            runs=$((10#$value)) ;;
        --speed) speed=$value ;;
        --delay) delay=$value ;;
        --out) out=$value ;;
        *) settings+=("$opt" "$value") ;;
    esac
done

if [ -n "${LCLOCK:-}" ]; then
    lclock=$LCLOCK
else
    lc_default_lclock
    lclock=$lc_lclock
fi

#  Every option checked before any run: what only the real runs take
#  (--speed, at least 2 machines) here, as run3.sh checks it; the rest by
#  the simulated runs, which come first (milliseconds each) and read the
#  options as lclock machine does
{ is_uint "$seed" && fits_seed "$seed"; } || usage_error "--seed '$seed': want a whole number 0..$SEED_MAX"
between "$speed" "$SPEED_MIN" "$SPEED_MAX" closed \
    || usage_error "--speed '$speed': want a number from $SPEED_MIN to $SPEED_MAX"
for ((i = 0; i < ${#settings[@]}; i += 2)); do
    if [ "${settings[i]}" = --rates ]; then
        check_rates "${settings[i + 1]}"
    fi
    if [ "${settings[i]}" = --machines ]; then
        { is_uint "${settings[i + 1]}" && in_range "${settings[i + 1]}" 2 "$MACHINES_MAX"; } \
            || usage_error "--machines '${settings[i + 1]}': want a whole number 2..$MACHINES_MAX"
    fi
done
[ ! -e "$out" ] || [ -d "$out" ] || usage_error "--out $out: not a folder"

#  A delivery over loopback takes about 0.1 wall ms, which speed S makes
#  S times as many model ms
[ -n "$delay" ] || delay=$(awk -v s="$speed" 'BEGIN { printf "%.6g", 0.1 * s }')

made=0                  #  this script made the folder of the runs
if [ -z "$out" ]; then
    out=$(LCLOCK_RUNS=${LCLOCK_RUNS:-$lc_runs} lc_new_run_dir realideal-) || exit 1
    rmdir "$out/launch"
    made=1
elif [ ! -e "$out" ]; then
    made=1
fi
why=$(mkdir -p "$out" 2>&1) || die "cannot make $out: ${why##*: }"

#  lclock simulate's own status: 2 a bad option, 1 a write failure, 130;
#  it leaves nothing of a run it did not finish, nor do we of our folders
rc=0
"$lclock" simulate "${settings[@]}" --seed "$seed" --trials "$runs" \
    ${delay:+--delay "$delay"} --log-dir "$out/ideal" >/dev/null || rc=$?
if [ "$rc" != 0 ]; then
    rmdir "$out/ideal" 2>/dev/null || true
    [ "$made" = 0 ] || rmdir "$out" 2>/dev/null || true
    exit "$rc"
fi

#  Each real run in a process group of its own: Ctrl-C (or SIGTERM) reaches
#  this script alone, which passes it on once to run3.sh, which stops its
#  machines cleanly; the seeds that finished before are compared
interrupted=0 run3_pid=""
# shellcheck disable=SC2317  # trap handler
on_signal () {
    interrupted=$((interrupted + 1))
    [ -z "$run3_pid" ] || [ "$interrupted" -gt 1 ] || kill -INT "$run3_pid" 2>/dev/null || true
}
trap on_signal INT TERM
pairs=()
for ((i = 0; i < runs; i++)); do
    s=$((seed + i))
    say "seed $s: real run at speed $speed"
    set -m
    LCLOCK=$lclock "$top/launch/run3.sh" "${settings[@]}" --seed "$s" --speed "$speed" \
        --out "$out/seed-$s/real" >"$out/seed-$s.real.txt" 2>&1 </dev/null &
    run3_pid=$!
    set +m
    while :; do
        wait "$run3_pid" && rc=0 || rc=$?
        #  a signal to this script ends wait early; the run goes on
        kill -0 "$run3_pid" 2>/dev/null || break
    done
    run3_pid=""
    if [ "$interrupted" -gt 0 ] || [ "$rc" = 130 ]; then
        interrupted=1
        say "interrupted during seed $s; comparing the $((${#pairs[@]} / 2)) seeds before it"
        break
    fi
    if [ "$rc" != 0 ]; then
        tail -n 20 "$out/seed-$s.real.txt" >&2
        die "the real run of seed $s failed (all of its output: $out/seed-$s.real.txt)"
    fi
    pairs+=("$out/seed-$s/real" "$out/ideal/trial-$((i + 1))")
done
trap - INT TERM
#  Each result whole or not at all: written beside, then renamed
if [ ${#pairs[@]} -gt 0 ]; then
    rc=0
    "$lclock" diverge "${pairs[@]}" --json >"$out/diverge.json.tmp" \
        && "$lclock" diverge "${pairs[@]}" >"$out/diverge.txt.tmp" || rc=$?
    if [ "$rc" != 0 ]; then
        rm -f "$out/diverge.json.tmp" "$out/diverge.txt.tmp"
        die "lclock diverge exited $rc (said above)"
    fi
    mv "$out/diverge.json.tmp" "$out/diverge.json"
    mv "$out/diverge.txt.tmp" "$out/diverge.txt"
    cat "$out/diverge.txt"
fi
say "runs and results: $out"
[ "$interrupted" = 0 ] || exit 130
