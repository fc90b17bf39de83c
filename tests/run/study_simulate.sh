#!/usr/bin/env bash
# study_simulate.sh - launch/study.sh --simulate: every condition x trial
# simulated (the study's seeds and settings, speed 1), analyzed, labelled
# and compared, in FOLDER-simulated by default; run again, nothing is
# redone; simulated and real trials are never mixed in one folder.
source "$LC_SOURCE/tests/lib/run.sh"
export LCLOCK
study="$LC_SOURCE/launch/study.sh"
cat >"$LC_WORK/two.study" <<'ZPL'
study
    name = two
    trials = 3
    seed = 700
    duration = 30
    speed = 20
    condition = wide
        rate = 1-6
    condition = slow-one
        rates = 1,6,6
        roll = 5
ZPL
out=$LC_WORK/out

rc=0
timeout 120 "$study" "$LC_WORK/two.study" --simulate --out "$out" >"$LC_WORK/first.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$LC_WORK/first.out" >&2; fail "study.sh --simulate exited $rc"; }
grep -q "^study.sh: study two-simulated: 2 conditions, 6 trials (0 already done)" "$LC_WORK/first.out" \
    || { cat "$LC_WORK/first.out" >&2; fail "no study line"; }
grep -q "^study.sh: \[6/6\] slow-one trial 3 (seed 702, 3 machines, rate 1,6,6, roll 5, 30 s simulated, speed 1)" \
    "$LC_WORK/first.out" || fail "no progress line for the last trial"
for cond in wide slow-one; do
    for t in 1 2 3; do
        dir=$out/$cond/trial-$t
        jq -e --arg c "$cond" --argjson s $((699 + t)) '.label == $c and .seed == $s
            and .duration == 30 and .speed == 1 and .simulated and .launcher == "simulate"' \
            "$dir/run.json" >/dev/null || fail "$dir/run.json: $(cat "$dir/run.json")"
        jq -e '.checks.ok' "$dir/summary.json" >/dev/null || fail "$dir: checks failed"
    done
done
jq -e '.rates == [1, 6, 6] and .roll == 5' "$out/slow-one/trial-2/run.json" >/dev/null \
    || fail "slow-one's settings not passed"
# Trial t is the simulation of seed 700 + t - 1, whoever runs it
"$LCLOCK" simulate --rates 1,6,6 --roll 5 --duration 30 --seed 701 --log-dir "$LC_WORK/one" \
    >/dev/null || fail "simulate exited $?"
cmp -s "$LC_WORK/one/machine-1.csv" "$out/slow-one/trial-2/machine-1.csv" \
    || fail "slow-one trial 2 is not the simulation of its seed"
jq -e '[.conditions[] | [.name, .compared, .seeds]] == [["wide", 3, [700, 701, 702]], ["slow-one", 3, [700, 701, 702]]]' \
    "$out/comparison.json" >/dev/null || fail "comparison.json: $(jq -c '[.conditions[] | [.name, .compared, .seeds]]' "$out/comparison.json")"

# Again: nothing to do. The real plan of that folder sees other runs, and
# a real study refuses the folder
stamp=$(stat -c '%i %Y' "$out/wide/trial-1/machine-1.csv")
rc=0
"$study" "$LC_WORK/two.study" --simulate --out "$out" >"$LC_WORK/second.out" 2>&1 || rc=$?
[ "$rc" = 0 ] && grep -q "(6 already done)" "$LC_WORK/second.out" \
    || { cat "$LC_WORK/second.out" >&2; fail "second run: exit $rc"; }
[ "$(stat -c '%i %Y' "$out/wide/trial-1/machine-1.csv")" = "$stamp" ] || fail "trial 1 was made again"
"$LCLOCK" plan "$LC_WORK/two.study" --out "$out" | grep -q "^trial wide 1 700 3 1-6 - 10 30 20 other$" \
    || fail "the real plan does not see the simulated trials as other runs"
"$LCLOCK" plan "$LC_WORK/two.study" --simulate --out "$out" \
    | grep -q "^trial wide 1 700 3 1-6 - 10 30 1 done$" || fail "the simulated plan"
lc_expect_refused -p 2 "holds a run with other settings" "$study" "$LC_WORK/two.study" --out "$out"

# A careless user: --out naming a file, a study file that is a FIFO (its
# read used to wait forever) or a device. One line on stderr naming the
# option or the file, exit 2, nothing made.
lc_expect_refused -p 2 "--out $LC_WORK/two.study: not a folder" \
    "$LCLOCK" plan "$LC_WORK/two.study" --out "$LC_WORK/two.study"
lc_expect_refused -p 2 "--out $LC_WORK/two.study: not a folder" \
    "$study" "$LC_WORK/two.study" --simulate --out "$LC_WORK/two.study"
mkfifo "$LC_WORK/fifo.study"
lc_expect_refused -p 2 "fifo.study: a FIFO, not a regular file; expected a study file" \
    "$study" "$LC_WORK/fifo.study" --simulate --out "$LC_WORK/none"
lc_expect_refused -p 2 "/dev/zero: a device, not a regular file; expected a study file" \
    "$LCLOCK" plan /dev/zero
[ ! -e "$LC_WORK/none" ] || fail "a refused study made its folder"

# Ctrl-C during a long simulated trial (1.5 million rows): it stops at once
# (lclock simulate gets the signal and removes its unfinished run; before,
# only its shell did, which waited for the whole trial), nothing is
# compared, exit 130; run again, it starts that trial anew
printf 'study\n    name = long\n    duration = 5000\n    rate = 100\n    condition = a\n' \
    >"$LC_WORK/long.study"
set -m
lc_start long "$study" "$LC_WORK/long.study" --simulate --out "$LC_WORK/long"
set +m
lc_wait_file "$LC_WORK/long/a/trial-1/machine-1.csv" 60
kill -INT "$pid_long"
lc_wait long
[ "$LC_RC" = 130 ] && grep -q "^study.sh: interrupted: a trial 1 stopped; it will run again" "$LC_WORK/long.out" \
    && grep -q "^study.sh: no trial finished: nothing to compare" "$LC_WORK/long.out" \
    || { cat "$LC_WORK/long.out" "$LC_WORK/long.err" >&2; fail "Ctrl-C in a simulated trial: exit $LC_RC"; }
[ ! -e "$LC_WORK/long/a/trial-1" ] && [ -z "$(cat "$LC_WORK/long.err")" ] \
    || fail "Ctrl-C in a simulated trial: the trial was left, or stderr: $(cat "$LC_WORK/long.err")"
echo "study.sh --simulate: runs, labels, seeds, comparison and resume as documented"
