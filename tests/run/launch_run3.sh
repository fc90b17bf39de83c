#!/usr/bin/env bash
# launch/run3.sh, the README's first command, end to end with the built
# lclock: a short run of 4 machines analyzes clean and says where the
# report is; Ctrl-C (SIGINT) mid-run stops every machine cleanly with its
# logs complete; a bad option is exit 2 with a one-line error. run.json
# records what was asked for (--label, --roll; --rates with --out).
. "$LC_SOURCE/tests/lib/run.sh"
export LCLOCK LCLOCK_RUNS="$LC_WORK/runs"
run3="$LC_SOURCE/launch/run3.sh"

rc=0
timeout 120 "$run3" --duration 20 --speed 20 --machines 4 --seed 5 --label four \
    --roll 8 >"$LC_WORK/run3.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$LC_WORK/run3.out" >&2; fail "run3.sh exited $rc"; }
run=$(sed -n 's/^run3.sh: run directory: //p' "$LC_WORK/run3.out" | tail -n 1)
[ -d "$run" ] || fail "run3.sh did not name its run directory"
case "$run" in "$LCLOCK_RUNS"/*) ;; *) fail "run directory $run is not under LCLOCK_RUNS" ;; esac
grep -q "^run3.sh: analysis: every check holds" "$LC_WORK/run3.out" || fail "no clean analysis"
grep -q "^run3.sh: report: $run/report.md" "$LC_WORK/run3.out" || fail "report path not printed"
grep -q "^checks: all 6 hold (4 machines" "$LC_WORK/run3.out" || fail "analyzer table missing"
for i in 1 2 3 4; do
    lc_expect_ticks "$run/machine-$i.json"
    [ "$(lc_field "$run/machine-$i.json" seed)" = 5 ] || fail "machine $i did not get the seed"
done
lc_logcheck "$run"/machine-*.csv
#  run.json has what was asked for, and analyze shows it
case "$run" in */[0-9]*-[0-9]*-four) ;; *) fail "run directory $run does not end in -four" ;; esac
jq -e '.label == "four" and .launcher == "run3" and .machines == 4 and .rate == "1-6"
       and .rates == null and .roll == 8 and .p_internal == 0.625 and .speed == 20
       and .duration == 20 and .seed == 5 and (.hosts | length) == 1
       and (.command | test("run3.sh --duration 20 --speed 20 --machines 4 --seed 5 --label four --roll 8$"))
       and .simulated == false and .curve == false' "$run/run.json" >/dev/null \
    || { cat "$run/run.json" >&2; fail "run.json does not hold the requested settings"; }
jq -e '.requested.label == "four" and .requested.seed == 5' "$run/summary.json" >/dev/null \
    || fail "summary.json does not show run.json as requested"
grep -q '^| roll | 1..8, P(internal) = 0.625 |$' "$run/report.md" || fail "report.md does not show the requested roll"

#  --rates and --out: fixed rates per machine, the directory as given
rc=0
timeout 60 "$run3" --rates 2,5 --duration 4 --speed 20 --out "$LC_WORK/out" \
    >"$LC_WORK/rates.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$LC_WORK/rates.out" >&2; fail "run3.sh --rates exited $rc"; }
[ "$(lc_field "$LC_WORK/out/machine-1.json" rate)" = 2 ] || fail "machine 1 did not get rate 2"
[ "$(lc_field "$LC_WORK/out/machine-2.json" rate)" = 5 ] || fail "machine 2 did not get rate 5"
jq -e '.rates == [2, 5] and .rate == "2-5" and .machines == 2 and .label == null
       and (.seed | type) == "number"' "$LC_WORK/out/run.json" >/dev/null \
    || { cat "$LC_WORK/out/run.json" >&2; fail "run.json of --rates"; }
grep -q '^| rates (fixed, machine 1..2) | 2,5 |$' "$LC_WORK/out/report.md" \
    || fail "report.md does not show the fixed rates"

# Ctrl-C: the launcher forwards it, every machine stops with a stop row
# (not under timeout(1): it would pass the launcher a second SIGINT through
# its process group, and a second Ctrl-C means "kill them now"; with job
# control on, so that the background launcher does not start with SIGINT
# ignored, as a non-interactive shell's background jobs do)
set -m
lc_start int "$run3" --duration 600 --speed 10 --seed 6
set +m
# shellcheck disable=SC2154  # set by lc_start
launcher=$pid_int
lc_wait_line "$LC_WORK/int.out" '^run3.sh: run directory: ' 20
run=$(sed -n 's/^run3.sh: run directory: //p' "$LC_WORK/int.out" | head -n 1)
rows () { [ "$(wc -l <"$run/machine-3.csv")" -gt 5 ]; } 2>/dev/null
lc_wait_until 20 "machine 3 logs 5 rows" rows
kill -INT "$launcher"
rc=0; wait "$launcher" || rc=$?
[ "$rc" = 130 ] || { cat "$LC_WORK/int.out" "$LC_WORK/int.err" >&2; fail "run3.sh exited $rc after Ctrl-C, not 130"; }
[ -s "$run/report.md" ] || fail "run3.sh did not analyze the interrupted run"
for i in 1 2 3; do
    [ "$(lc_last "$run/machine-$i.csv" 3)" = stop ] || fail "machine $i has no stop row after Ctrl-C"
    [ "$(lc_field "$run/machine-$i.json" stop_reason)" = signal ] || fail "machine $i: stop_reason not signal"
done
pgrep -f "lclock machine.*$run" >/dev/null && fail "a machine is still running after Ctrl-C"

#  Bad options, lclock's ranges included, are refused before anything starts
for bad in "--machines 1" "--speed 2000000" "--duration 0" "--rates 1,6,6 --machines 2" \
        "--rates 1,0" "--rate 2 --rates 1,2" "--label -x" "--out $LC_WORK/out"; do
    # shellcheck disable=SC2086  # an option and its value
    lc_expect_refused -p 2 "${bad%% *}" "$run3" $bad
done
[ "$(find "$LCLOCK_RUNS" -mindepth 1 -maxdepth 1 | wc -l)" = 2 ] \
    || fail "a bad option made a run directory"
echo "run3.sh: clean run, Ctrl-C and bad option as documented"
