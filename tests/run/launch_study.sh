#!/usr/bin/env bash
# launch_study.sh - launch/study.sh --quick on a two-condition, two-trial
# study: every run analyzed and labelled, comparison.md/json with the two
# conditions and their seeds; interrupted (SIGINT) after its first trial
# and run again, it keeps that trial (same files, not rerun) and finishes
# the rest. A study file error is exit 2 naming the file and key.
source "$LC_SOURCE/tests/lib/run.sh"
export LCLOCK
study="$LC_SOURCE/launch/study.sh"
cat >"$LC_WORK/two.study" <<'ZPL'
study
    name = two
    trials = 2
    seed = 500
    duration = 60       # --quick: 5 model s
    speed = 20
    condition = wide
        rate = 1-6
    condition = slow-one
        rates = 1,6,6
        roll = 5
ZPL
out=$LC_WORK/out

# First run, interrupted once its first trial is analyzed
set -m
lc_start first "$study" "$LC_WORK/two.study" --quick --out "$out"
set +m
# shellcheck disable=SC2154  # set by lc_start
# (trial 2's progress line says trial 1 is over)
lc_wait_line "$LC_WORK/first.out" '^study.sh: \[2/4\] wide trial 2 ' 60
[ -s "$out/wide/trial-1/summary.json" ] || { cat "$LC_WORK/first.out" >&2; fail "trial 1 never finished"; }
kill -INT "$pid_first"
lc_wait first
[ "$LC_RC" = 130 ] || { cat "$LC_WORK/first.out" "$LC_WORK/first.err" >&2; fail "interrupted study exited $LC_RC, not 130"; }
grep -q "^study.sh: interrupted" "$LC_WORK/first.out" || fail "no 'interrupted' line"
stamp=$(stat -c '%i %Y' "$out/wide/trial-1/summary.json" "$out/wide/trial-1/machine-1.csv")
#  what finished was compared, the interrupted trial removed
[ -s "$out/comparison.json" ] || fail "nothing compared after Ctrl-C"

# Second run: resumes
rc=0
timeout 200 "$study" "$LC_WORK/two.study" --quick --out "$out" >"$LC_WORK/second.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$LC_WORK/second.out" >&2; fail "resumed study exited $rc"; }
grep -q "^study.sh: study two-quick: 2 conditions, 4 trials ([1-3] already done)" "$LC_WORK/second.out" \
    || { cat "$LC_WORK/second.out" >&2; fail "the second run did not see finished trials"; }
grep -q "wide trial 1 " "$LC_WORK/second.out" && fail "trial 1 of wide ran again"
[ "$(stat -c '%i %Y' "$out/wide/trial-1/summary.json" "$out/wide/trial-1/machine-1.csv")" = "$stamp" ] \
    || fail "trial 1's files changed"
grep -Eq '^study.sh: \[[0-9]/[0-9]\] slow-one trial 2 .*: about [0-9]+s left$' "$LC_WORK/second.out" \
    || fail "no progress line with the time left"

# Every run: labelled by its condition, seed 500 + T - 1, 5 model s, analyzed
for cond in wide slow-one; do
    for t in 1 2; do
        dir=$out/$cond/trial-$t
        jq -e --arg c "$cond" --argjson s $((499 + t)) '.label == $c and .seed == $s
            and .duration == 5 and .launcher == "study"' "$dir/run.json" >/dev/null \
            || fail "$dir/run.json: $(cat "$dir/run.json")"
        jq -e '.checks.ok' "$dir/summary.json" >/dev/null || fail "$dir: checks failed"
    done
done
jq -e '.rates == [1, 6, 6] and .roll == 5' "$out/slow-one/trial-2/run.json" >/dev/null \
    || fail "slow-one's settings not passed"
jq -e '[.conditions[] | [.name, .compared, .seeds]] == [["wide", 2, [500, 501]], ["slow-one", 2, [500, 501]]]' \
    "$out/comparison.json" >/dev/null || fail "comparison.json: $(jq -c '[.conditions[] | [.name, .compared, .seeds]]' "$out/comparison.json")"
grep -q '^| slow-one | 3 | 1,6,6 (fixed) | 5 (0.40) | 5 | 20 | 2 | 0 |$' "$out/comparison.md" \
    || fail "comparison.md: slow-one's settings row"

# A third run has nothing to do; a bad study file is exit 2 with the key
rc=0
"$study" "$LC_WORK/two.study" --quick --out "$out" >"$LC_WORK/third.out" 2>&1 || rc=$?
[ "$rc" = 0 ] && grep -q "(4 already done)" "$LC_WORK/third.out" || fail "third run: exit $rc"
printf 'study\n    name = bad\n    condition = a\n        roll = x\n' >"$LC_WORK/bad.study"
lc_expect_refused -p 2 "bad.study: condition a: roll: expected" "$study" "$LC_WORK/bad.study" --out "$LC_WORK/bad"

# Ctrl-C in the middle of a long trial (600 s of wall time): run3.sh gets it
# and stops its machines cleanly at once (the signal used to reach only the
# shell that ran run3.sh, which waited for the whole trial)
printf 'study\n    name = long\n    duration = 600\n    condition = a\n' >"$LC_WORK/long.study"
set -m
lc_start long "$study" "$LC_WORK/long.study" --out "$LC_WORK/long"
set +m
lc_wait_line "$LC_WORK/long/a/trial-1.log" '^run3.sh: run directory: ' 60
kill -INT "$pid_long"
# A bound, not a pace: the machines' 1 s drain, their last rows, the analysis
gone () { ! kill -0 "$1" 2>/dev/null; }
lc_wait_until 30 "Ctrl-C stops the running trial" gone "$pid_long"
lc_wait long
[ "$LC_RC" = 130 ] && grep -q "^study.sh: interrupted: a trial 1 stopped; it will run again" "$LC_WORK/long.out" \
    && [ ! -e "$LC_WORK/long/a/trial-1" ] \
    || { cat "$LC_WORK/long.out" "$LC_WORK/long.err" >&2; fail "Ctrl-C in a long trial: exit $LC_RC"; }
echo "study.sh: runs, labels, comparison, Ctrl-C and resume as documented"
