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
usage: launch/realideal.sh [--seed N] [--runs K] [--speed S] [--delay SPEC]
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
Exit status: 0 compared; 1 a run failed; 2 a bad option.
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

#  Every option checked before any real run: the simulated runs come
#  first (milliseconds each), and lclock simulate reads the options as
#  lclock machine does
[[ $seed =~ ^[0-9]{1,18}$ ]] || usage_error "--seed '$seed': want a whole number below 10^18"
[[ $speed =~ ^[0-9.e+-]+$ ]] || usage_error "--speed '$speed': want a number"

#  A delivery over loopback takes about 0.1 wall ms, which speed S makes
#  S times as many model ms
[ -n "$delay" ] || delay=$(awk -v s="$speed" 'BEGIN { printf "%.6g", 0.1 * s }')

if [ -z "$out" ]; then
    out=$(LCLOCK_RUNS=${LCLOCK_RUNS:-$lc_runs} lc_new_run_dir realideal-) || exit 1
    rmdir "$out/launch"
fi
mkdir -p "$out"

"$lclock" simulate "${settings[@]}" --seed "$seed" --trials "$runs" \
    ${delay:+--delay "$delay"} --log-dir "$out/ideal" >/dev/null || exit 2
pairs=()
for ((i = 0; i < runs; i++)); do
    s=$((seed + i))
    say "seed $s: real run at speed $speed"
    LCLOCK=$lclock "$top/launch/run3.sh" "${settings[@]}" --seed "$s" --speed "$speed" \
        --out "$out/seed-$s/real" >"$out/seed-$s.real.txt" 2>&1 \
        || { tail -n 20 "$out/seed-$s.real.txt" >&2; die "the real run of seed $s failed (all of its output: $out/seed-$s.real.txt)"; }
    pairs+=("$out/seed-$s/real" "$out/ideal/trial-$((i + 1))")
done
"$lclock" diverge "${pairs[@]}" --json >"$out/diverge.json"
"$lclock" diverge "${pairs[@]}" | tee "$out/diverge.txt"
say "runs and results: $out"
