#!/usr/bin/env bash
# launch/study.sh - a whole study from a study file: every condition x
# trial run on loopback (launch/run3.sh) or simulated (lclock simulate,
# --simulate), each analyzed, then compared (lclock compare). Finished
# trials are kept: run it again to resume.
# `launch/study.sh --help` tells the options; docs/study.md the file.
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
me=study.sh

#  Wall seconds a trial costs besides its duration / speed (start barrier,
#  1 s drain, analysis), until trials of this invocation have measured it
OVERHEAD_GUESS=3

usage () {
    cat <<EOF
usage: $lc_self FILE [--out DIR] [--quick] [--simulate]

Runs every condition x trial of the study FILE on this host with
run3.sh, into DIR/CONDITION/trial-T/ (each with its run.json, labelled by
its condition, and analyzed), then runs 'lclock compare' over DIR and says
where comparison.md is. Trial T of every condition uses seed + T - 1.

  FILE         the study file (docs/study.md; 'lclock plan FILE' checks it)
  --out DIR    the study's folder (default: studies/NAME, with -quick
               and -simulated appended for --quick and --simulate)
  --quick      a smoke test: every run at most 5 model seconds
  --simulate   run every trial on the simulator (lclock simulate) instead:
               the same seeds and settings, speed ignored, milliseconds
               a trial
  --help       this text

Run it again with the same FILE and DIR to resume: finished trials are
kept, not run again. Ctrl-C stops the running trial cleanly, compares what
finished and exits 130. A progress line tells the condition, the trial and
the time left. Environment: LCLOCK=PATH uses that lclock binary.

Exit status: 0 every trial ran and every check holds; 1 a trial failed
(its machines or its checks; compared without it); 2 a bad option or
study file, or DIR holds trials of other settings; 130 interrupted.
EOF
}

# shellcheck source=launch/common.sh
. "$top/launch/common.sh"

# ---------------------------------------------------------------------------
#  Options

file="" out="" quick=() simulate=()
while [ $# -gt 0 ]; do
    case "$1" in
        --help|-h) usage; exit 0 ;;
        --quick) quick=(--quick); shift ;;
        --simulate) simulate=(--simulate); shift ;;
        --out) if [ $# -lt 2 ] || [ -z "$2" ]; then usage_error "--out needs a directory"; fi
               out=$2; shift 2 ;;
        --out=*) out=${1#--out=}; [ -n "$out" ] || usage_error "--out needs a directory"
                 shift ;;
        -*) usage_error "unknown option '$1' (see $lc_self --help)" ;;
        *) [ -z "$file" ] || usage_error "one study FILE only, got '$file' and '$1'"
           file=$1; shift ;;
    esac
done
[ -n "$file" ] || usage_error "expected a study FILE (see $lc_self --help)"
#  pace: wall seconds per model second of a trial (duration / speed for a
#  real run; a simulated one takes about a millisecond), and how a trial
#  is told
pace=1 how="at speed"
if [ ${#simulate[@]} -gt 0 ]; then
    pace=0 how="simulated, speed" OVERHEAD_GUESS=0
fi

if [ -n "${LCLOCK:-}" ]; then
    [ -x "$LCLOCK" ] || die "LCLOCK=$LCLOCK is not an executable"
else
    lc_default_lclock
    LCLOCK=$lc_lclock
fi
export LCLOCK
lclock=$LCLOCK

# ---------------------------------------------------------------------------
#  The plan: lclock reads the study file (lclock plan), this script runs it

plan=$("$lclock" plan "$file" "${quick[@]}" "${simulate[@]}") || exit 2
read -r _ name _ _ <<<"$plan"
[ ${#quick[@]} -eq 0 ] || name=$name-quick
[ ${#simulate[@]} -eq 0 ] || name=$name-simulated
out=${out:-$lc_studies/$name}
[ ! -e "$out" ] || [ -d "$out" ] || usage_error "--out $out: not a folder; give the study's folder"
why=$(mkdir -p "$out" 2>&1) || die "cannot make $out: ${why##*: }"
out=$(cd "$out" && pwd)
plan=$("$lclock" plan "$file" "${quick[@]}" "${simulate[@]}" --out "$out") || exit 2

conditions=()           #  in the file's order
declare -A seen=()
todo=0                  #  trials to run
todo_wall=0             #  their wall seconds (duration / speed), summed
while read -r kind cond t _ _ _ _ _ duration speed state; do
    [ "$kind" = trial ] || continue
    if [ "$state" = other ]; then
        usage_error "$out/$cond/trial-$t holds a run with other settings than $file says; give another --out"
    fi
    [ -n "${seen[$cond]:-}" ] || conditions+=("$cond")
    seen[$cond]=1
    if [ "$state" = todo ]; then
        todo=$((todo + 1))
        todo_wall=$(awk -v a="$todo_wall" -v d="$duration" -v s="$speed" -v p="$pace" \
            'BEGIN { print a + p * d / s }')
    fi
done <<<"$plan"
runs=$(grep -c '^trial ' <<<"$plan")
say "study $name: ${#conditions[@]} conditions, $runs trials ($((runs - todo)) already done), into $out"

# ---------------------------------------------------------------------------
#  One trial: the one place that makes a run, real or simulated

#  run_trial DIR CONDITION SEED MACHINES RATE RATES ROLL DURATION SPEED:
#  makes the run directory DIR, analyzed, with its run.json; returns the
#  launcher's status. Runs in the background in a process group of its
#  own (Ctrl-C reaches only this script, which forwards it once), so the
#  background shell it runs in becomes run3.sh (exec): the signal must
#  reach run3.sh itself, not a shell that would wait for it to finish.
run_trial () {
    local dir=$1 cond=$2 seed=$3 machines=$4 rate=$5 rates=$6 roll=$7 duration=$8 speed=$9
    local args=(--label "$cond" --seed "$seed" --roll "$roll" --duration "$duration")
    if [ "$rates" = - ]; then
        args+=(--machines "$machines" --rate "$rate")
    else
        args+=(--rates "$rates")
    fi
    if [ ${#simulate[@]} -gt 0 ]; then
        #  The simulator's run.json says launcher simulate, simulated true;
        #  no plots per trial (the comparison draws its own)
        "$lclock" simulate "${args[@]}" --log-dir "$dir" && "$lclock" analyze "$dir" --no-plots
    else
        LCLOCK_LAUNCHER=study exec "$top/launch/run3.sh" "${args[@]}" --out "$dir" --speed "$speed"
    fi
}

#  trial_state CONDITION T: done, other or todo, as lclock plan sees it now
trial_state () {
    "$lclock" plan "$file" "${quick[@]}" "${simulate[@]}" --out "$out" \
        | awk -v c="$1" -v t="$2" '$1 == "trial" && $2 == c && $3 == t { print $NF }'
}

trial_pid=""
interrupted=0
# shellcheck disable=SC2317  # trap handler
on_signal () {
    interrupted=$((interrupted + 1))
    if [ -n "$trial_pid" ] && [ "$interrupted" -eq 1 ]; then
        if [ ${#simulate[@]} -gt 0 ]; then
            #  the trial's process group: lclock simulate itself stops and
            #  removes its unfinished run (its shell alone would wait for it)
            kill -INT -- "-$trial_pid" 2>/dev/null || true
        else
            #  once: run3.sh (run_trial execs it) stops its machines
            #  cleanly (a second one is "kill the machines now"); it alone,
            #  not its helpers
            kill -INT "$trial_pid" 2>/dev/null || true
        fi
    fi
}
trap on_signal INT TERM

fmt_time () {   # fmt_time SECONDS: 1h02m, 4m10s, 35s
    local s=${1%.*}
    if [ "$s" -ge 3600 ]; then printf '%dh%02dm' $((s / 3600)) $((s % 3600 / 60))
    elif [ "$s" -ge 60 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60))
    else printf '%ds' "$s"; fi
}

# ---------------------------------------------------------------------------
#  The runs

done_now=0 failed=0 spent_overhead=0
started=$(date +%s)
while read -r kind cond t seed machines rate rates roll duration speed state; do
    if [ "$kind" != trial ] || [ "$state" != todo ]; then continue; fi
    [ "$interrupted" -eq 0 ] || break
    dir=$out/$cond/trial-$t
    log=$out/$cond/trial-$t.log
    #  What a trial left unfinished (interrupted, or its machines never
    #  started) is made again from nothing
    rm -rf "$dir" "$log"
    mkdir -p "$out/$cond"
    wall=$(awk -v d="$duration" -v s="$speed" -v p="$pace" 'BEGIN { print p * d / s }')
    overhead=$OVERHEAD_GUESS
    [ "$done_now" -eq 0 ] || overhead=$((spent_overhead / done_now))
    left=$(awk -v w="$todo_wall" -v n="$((todo - done_now))" -v o="$overhead" \
        'BEGIN { printf "%d", w + n * o }')
    say "[$((done_now + 1))/$todo] $cond trial $t (seed $seed, ${machines} machines, rate ${rates/#-/$rate}, roll $roll, ${duration} s $how $speed): about $(fmt_time "$left") left"
    t0=$(date +%s)
    set -m                      #  its own process group
    run_trial "$dir" "$cond" "$seed" "$machines" "$rate" "$rates" "$roll" "$duration" \
        "$speed" >"$log" 2>&1 </dev/null &
    trial_pid=$!
    set +m
    rc=0
    while :; do
        wait "$trial_pid" && rc=0 || rc=$?
        #  a signal to this script ends wait early; the trial goes on
        kill -0 "$trial_pid" 2>/dev/null || break
    done
    trial_pid=""
    if [ "$interrupted" -gt 0 ]; then
        #  Kept if it had finished all the same (the signal came during its
        #  analysis or after)
        if [ "$(trial_state "$cond" "$t")" = "done" ]; then
            say "interrupted after $cond trial $t, which finished"
        else
            say "interrupted: $cond trial $t stopped; it will run again next time"
            rm -rf "$dir" "$log"
        fi
        break
    fi
    spent=$(( $(date +%s) - t0 ))
    spent_overhead=$(awk -v a="$spent_overhead" -v s="$spent" -v w="$wall" \
        'BEGIN { o = s - w; printf "%d", a + (o > 0 ? o : 0) }')
    todo_wall=$(awk -v a="$todo_wall" -v w="$wall" 'BEGIN { print a - w }')
    done_now=$((done_now + 1))
    if [ "$rc" -ne 0 ]; then
        failed=$((failed + 1))
        echo "$me: $cond trial $t: exited $rc; see $log" >&2
    fi
done <<<"$plan"
trap - INT TERM
say "$done_now trials run in $(fmt_time $(( $(date +%s) - started )))$([ "$failed" -eq 0 ] || echo ", $failed failed")"

# ---------------------------------------------------------------------------
#  The comparison, of whatever finished

dirs=()
for cond in "${conditions[@]}"; do
    #  a condition with an analyzed trial (not the folder of one interrupted)
    compgen -G "$out/$cond/trial-*/summary.json" >/dev/null && dirs+=("$out/$cond")
done
rc=0
if [ ${#dirs[@]} -gt 0 ]; then
    "$lclock" compare "${dirs[@]}" --out "$out" || rc=$?
    [ ! -f "$out/comparison.md" ] || say "comparison: $out/comparison.md"
else
    say "no trial finished: nothing to compare"
fi
[ "$interrupted" -eq 0 ] || exit 130
[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ] || exit 1
exit 0
