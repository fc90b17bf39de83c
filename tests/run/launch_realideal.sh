#!/usr/bin/env bash
# launch_realideal.sh - launch/realideal.sh as a careless user runs it: a
# bad option is one line naming it, exit 2, before anything runs and with
# nothing left behind (--speed 0 and --machines 1 used to run the
# simulator first, then fail in run3.sh with exit 1 or name --delay); two
# seeds real and ideal, compared, in a folder whose name has a space;
# Ctrl-C during the second real run stops it cleanly and compares the first
# (it used to wait for the run, then leave no comparison), exit 130.
. "$LC_SOURCE/tests/lib/run.sh"
export LCLOCK LCLOCK_RUNS="$LC_WORK/runs"
realideal="$LC_SOURCE/launch/realideal.sh"

refused () { lc_expect_refused -p 2 "$1" "$realideal" "${@:2}"; }    # refused PATTERN ARGS...
refused "--speed '0': want a number from 1e-6 to 1e6" --speed 0
refused "--speed '1e': want a number" --speed 1e
refused "--machines '1': want a whole number 2..1024" --machines 1
refused "--seed '-1'" --seed -1
refused "--runs '0'" --runs 0
refused "--rate: expected R or MIN-MAX" --rate 0
refused "--rates '6': want whole rates R1,R2,..., one per machine" --rates 6
: >"$LC_WORK/a-file"
refused "--out $LC_WORK/a-file: not a folder" --out "$LC_WORK/a-file"
left=$(find "$LCLOCK_RUNS" -mindepth 1 2>/dev/null || true)
[ -z "$left" ] || fail "refused options left: $left"

out="$LC_WORK/real ideal"
rc=0
timeout 120 "$realideal" --runs 2 --duration 4 --speed 10 --seed 5 --out "$out" \
    >"$LC_WORK/two.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$LC_WORK/two.out" >&2; fail "two seeds: exit $rc"; }
jq -e '(.pairs | length) == 2 and .total.rows > 0' "$out/diverge.json" >/dev/null \
    || fail "two seeds: diverge.json $(cat "$out/diverge.json")"
grep -q "^2 runs: " "$out/diverge.txt" || fail "two seeds: diverge.txt"

# Ctrl-C (job control on, so that the launcher in the background gets it)
# once the second seed's machines run: machine 1 has logged its start (a
# Ctrl-C during the start barrier stops the machines before they start)
out="$LC_WORK/stopped"
set -m
lc_start stopped "$realideal" --runs 3 --duration 100 --speed 10 --seed 5 --out "$out"
set +m
# the second seed runs (the first takes 100 / 10 = 10 s)
lc_wait_line "$out/seed-6/real/machine-1.csv" ",start," 150
# shellcheck disable=SC2154  # set by lc_start
kill -INT "$pid_stopped"
lc_wait stopped
[ "$LC_RC" = 130 ] && grep -q "^realideal.sh: interrupted during seed 6; comparing the 1 seeds before it" \
    "$LC_WORK/stopped.out" || { cat "$LC_WORK/stopped.out" "$LC_WORK/stopped.err" >&2; fail "Ctrl-C: exit $LC_RC"; }
jq -e '(.pairs | length) == 1' "$out/diverge.json" >/dev/null || fail "Ctrl-C: the first seed not compared"
[ "$(jq -r .stop_reason "$out/seed-6/real/machine-1.json")" = signal ] \
    || fail "Ctrl-C: the second seed's machines were not stopped cleanly"
echo "realideal.sh: options checked first, two seeds compared, Ctrl-C compares what finished"
