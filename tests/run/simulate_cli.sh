#!/usr/bin/env bash
# simulate_cli.sh - `lclock simulate`: --help, one-line exit-2 errors that
# name the option, byte-identical output for identical arguments (another
# seed differs), trials with their seeds, logs never overwritten, and every
# run of a small sweep passes `lclock analyze` and the independent log check.
. "$LC_SOURCE/tests/lib/run.sh"

sim () { "$LCLOCK" simulate "$@"; }

# --help: exit 0, on stdout, names every option
out=$(sim --help) || fail "--help exited $?"
for opt in --machines --rate --rates --roll --duration --seed --delay --trials --log-dir --label; do
    grep -q -- "$opt" <<<"$out" || fail "--help does not mention $opt"
done

# Bad options: exit 2, one line on stderr naming the option, nothing written
expect_usage () {   # expect_usage OPTION ARGS...
    lc_expect_refused -p 2 "$1" env -C "$LC_WORK" "$LCLOCK" simulate --log-dir "$LC_WORK/bad" "${@:2}"
    [ ! -e "$LC_WORK/bad" ] || fail "simulate ${*:2}: wrote $LC_WORK/bad"
}
expect_usage --machines --machines 0
expect_usage --machines --machines 1025
expect_usage --machines --machines 3x
expect_usage --rate --rate 0-6
expect_usage --rate --rate 6-1
expect_usage --rates --rates 1,,2
expect_usage --rates --rates 1,6,6 --rate 1-6
expect_usage --rates --rates 1,6,6 --machines 4
expect_usage --roll --roll 0
expect_usage --duration --duration 0
expect_usage --seed --seed 9223372036854775808
expect_usage --delay --delay 0
expect_usage --delay --delay uniform:2-1
expect_usage --delay --delay exp:-1
expect_usage --delay --delay gauss:1
expect_usage --trials --trials 0
expect_usage --trials --seed 9223372036854775807 --trials 2
expect_usage --label --label .hidden
expect_usage --roll --roll 3 --roll 4
expect_usage --bogus --bogus
expect_usage extra extra
expect_usage --delay --delay

# Identical arguments: identical logs and summaries, byte for byte; run.json
# differs only in the command (here: the log dir) and when it was written
args=(--machines 4 --rate 1-6 --roll 5 --duration 20 --seed 4242 --delay exp:0.5)
sim "${args[@]}" --log-dir "$LC_WORK/a" >"$LC_WORK/a.out" || fail "simulate exited $?"
sim "${args[@]}" --log-dir "$LC_WORK/b" >/dev/null || fail "simulate exited $?"
for f in "$LC_WORK"/a/machine-*; do
    cmp -s "$f" "$LC_WORK/b/${f##*/}" || fail "${f##*/} differs between identical runs"
done
[ "$(ls "$LC_WORK"/a/machine-* | wc -l)" = 8 ] || fail "expected 4 logs and 4 summaries"
diff <(grep -v -e '"command"' -e '"created"' "$LC_WORK/a/run.json") \
     <(grep -v -e '"command"' -e '"created"' "$LC_WORK/b/run.json") >/dev/null \
    || fail "run.json differs between identical runs beyond command and created"
grep -q '"simulated": true' "$LC_WORK/a/run.json" || fail "run.json: simulated is not true"
grep -q '"delay": "exp:0.5"' "$LC_WORK/a/run.json" || fail "run.json: no delay model"
grep -q '"launcher": "simulate"' "$LC_WORK/a/run.json" || fail "run.json: launcher is not simulate"
grep -q '^1000000000\.000000,1,start,0,0,0,2;3;4,,$' "$LC_WORK/a/machine-1.csv" \
    || fail "machine 1 does not start at the origin 1000000000.000000"
grep -q "^$LC_WORK/a: seed 4242, 4 machines, rates " "$LC_WORK/a.out" \
    || fail "no run line on stdout: $(cat "$LC_WORK/a.out")"

# Another seed, other logs
sim "${args[@]/4242/4243}" --log-dir "$LC_WORK/c" >/dev/null || fail "simulate exited $?"
cmp -s "$LC_WORK/a/machine-1.csv" "$LC_WORK/c/machine-1.csv" && fail "seed 4243 gave seed 4242's log"

# Logs are never overwritten
lc_expect_refused -p 2 "machine-1.csv exists" "$LCLOCK" simulate "${args[@]}" --log-dir "$LC_WORK/a"
cmp -s "$LC_WORK/a/machine-1.csv" "$LC_WORK/b/machine-1.csv" || fail "the refused run touched a log"
# ... nor summaries or run.json, and every trial's folder is checked before
# the first is written (trials 1 and 2 used to be written, then trial 3's
# old run.json refused, or a lone machine-2.json overwritten)
mkdir -p "$LC_WORK/taken/trial-3" "$LC_WORK/lone"
echo '{}' >"$LC_WORK/taken/trial-3/run.json"
echo '{}' >"$LC_WORK/lone/machine-2.json"
lc_expect_refused -p 2 "taken/trial-3/run.json exists; runs are never overwritten" \
    "$LCLOCK" simulate --duration 5 --seed 1 --trials 3 --log-dir "$LC_WORK/taken"
[ "$(ls "$LC_WORK/taken")" = trial-3 ] || fail "a taken trial folder: $(ls "$LC_WORK/taken")"
rc=0; sim --duration 5 --seed 1 --log-dir "$LC_WORK/lone" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] && [ "$(cat "$LC_WORK/lone/machine-2.json")" = '{}' ] \
    && [ "$(ls "$LC_WORK/lone")" = machine-2.json ] || fail "a lone summary: exit $rc, overwritten or joined"

# Trials: trial-T has seed + T - 1 and is the single run of that seed
sim --machines 4 --roll 5 --duration 20 --delay exp:0.5 --seed 4241 --trials 3 \
    --label sweep --log-dir "$LC_WORK/t" >"$LC_WORK/t.out" || fail "--trials exited $?"
[ "$(wc -l <"$LC_WORK/t.out")" = 3 ] || fail "expected one line per trial"
for t in 1 2 3; do
    grep -q "\"seed\": $((4240 + t))," "$LC_WORK/t/trial-$t/run.json" || fail "trial-$t: wrong seed"
    grep -q '"label": "sweep"' "$LC_WORK/t/trial-$t/run.json" || fail "trial-$t: no label"
done
for f in "$LC_WORK"/a/machine-*; do
    cmp -s "$f" "$LC_WORK/t/trial-2/${f##*/}" || fail "trial-2 differs from the run of its seed"
done

# A small sweep: every run passes the analyzer and the independent check,
# and every message is accounted for (sent = received + unread)
sim --machines 5 --rate 1-6 --roll 4 --duration 10 --seed 7 --trials 4 \
    --log-dir "$LC_WORK/sweep" >/dev/null || fail "sweep exited $?"
sim --rates 1,6,6 --duration 15 --seed 8 --delay uniform:0.05-300 \
    --log-dir "$LC_WORK/sweep/rates" >/dev/null || fail "rates run exited $?"
sim --machines 2 --roll 1 --duration 0.5 --seed 9 --delay exp:2000 \
    --log-dir "$LC_WORK/sweep/tiny" >/dev/null || fail "tiny run exited $?"
runs=0
for run in "$LC_WORK"/sweep/trial-* "$LC_WORK/sweep/rates" "$LC_WORK/sweep/tiny" "$LC_WORK/a"; do
    "$LCLOCK" analyze "$run" --no-plots >"$LC_WORK/analyze.out" 2>&1 \
        || { cat "$LC_WORK/analyze.out" >&2; fail "analyze failed on $run"; }
    grep -q "checks: all 6 hold" "$LC_WORK/analyze.out" || fail "$run: checks do not all hold"
    summary=$(lc_logcheck "$run"/machine-*.csv)
    set -- $summary
    [ "$2" -eq $(($4 + $6)) ] || fail "$run: $summary"
    for json in "$run"/machine-*.json; do
        lc_expect_ticks "$json"
    done
    runs=$((runs + 1))
done
grep -q '"rates": \[' "$LC_WORK/sweep/rates/run.json" || fail "run.json: no fixed rates"

# A run is written whole or not at all. Interrupted (a long run, its
# logs growing): exit 130, its files and the folder it made removed, so the
# same command runs again (a half run used to stay, and was then refused:
# its logs existed). Finished trials are kept.
set -m
lc_start long "$LCLOCK" simulate --seed 1 --rate 1000 --duration 3000 --trials 2 \
    --log-dir "$LC_WORK/long"
set +m
lc_wait_file "$LC_WORK/long/trial-1/machine-1.csv" 30
# shellcheck disable=SC2154  # set by lc_start
kill -INT "$pid_long"
lc_wait long
[ "$LC_RC" = 130 ] || { cat "$LC_WORK/long.err" >&2; fail "interrupted: exit $LC_RC, not 130"; }
grep -q "interrupted; the unfinished run in $LC_WORK/long/trial-1 was removed" "$LC_WORK/long.err" \
    || { cat "$LC_WORK/long.err" >&2; fail "interrupted: not said"; }
[ ! -e "$LC_WORK/long/trial-1" ] || fail "interrupted: $(ls "$LC_WORK/long/trial-1") left"
sim --seed 3 --duration 10 --trials 3 --log-dir "$LC_WORK/resumed" >/dev/null || fail "trials exited $?"
rm -r "$LC_WORK/resumed/trial-3"
lc_start more "$LCLOCK" simulate --seed 3 --duration 3000 --rate 1000 --log-dir "$LC_WORK/resumed/trial-3"
lc_wait_file "$LC_WORK/resumed/trial-3/machine-1.csv" 30
kill -TERM "$pid_more"
lc_wait more
[ "$LC_RC" = 130 ] && [ ! -e "$LC_WORK/resumed/trial-3" ] && [ -f "$LC_WORK/resumed/trial-2/run.json" ] \
    || fail "SIGTERM: exit $LC_RC, or the unfinished run was left, or a finished one removed"
# lclock diverge on a run whose log is a FIFO (or a device): one line naming
# the file and what it is, exit 2, never a wait (it said 'Invalid argument')
cp -r "$LC_WORK/sweep/rates" "$LC_WORK/odd"
rm "$LC_WORK/odd/machine-2.csv"
mkfifo "$LC_WORK/odd/machine-2.csv"
lc_expect_refused 2 "lclock diverge: cannot read $LC_WORK/odd/machine-2.csv: a FIFO, not a regular file" \
    "$LCLOCK" diverge "$LC_WORK/sweep/rates" "$LC_WORK/odd"

# A run that cannot fit on its disk (33 TB of logs at the least) is refused
# at once, exit 2, nothing made (it used to start filling the disk)
lc_expect_refused -p 2 "--duration 1e+09: the logs of 1024 machines at rates 1-6 take at least 32768.0 GB" \
    "$LCLOCK" simulate --machines 1024 --duration 1e9 --log-dir "$LC_WORK/huge"
[ ! -e "$LC_WORK/huge" ] || fail "a run larger than the disk made its folder"
# A full disk (a small tmpfs; root only, as machine_full_disk.sh): exit 1
# naming the log once, nothing left, and a folder that was there stays
lc_small_disk 64k lc_simulate_disk
rc=0; sim --seed 1 --duration 600 --log-dir "$disk" >/dev/null 2>"$LC_WORK/full.err" || rc=$?
[ "$rc" = 1 ] && [ "$(wc -l <"$LC_WORK/full.err")" = 1 ] \
    && grep -q "cannot write $disk/machine-[0-9].csv: No space left on device" "$LC_WORK/full.err" \
    || { cat "$LC_WORK/full.err" >&2; fail "full disk: exit $rc"; }
[ -d "$disk" ] && [ -z "$(ls -A "$disk")" ] || fail "full disk: left $(ls -A "$disk")"
sim --seed 1 --duration 5 --log-dir "$disk" >/dev/null || fail "the run after a full disk failed"
umount "$disk"
echo "simulate_cli: ok ($runs runs analyzed)"
