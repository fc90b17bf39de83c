#!/usr/bin/env bash
# Refusals with exit 2: an existing log is never overwritten (named, and
# left as it was); peers with different run settings are refused, each
# naming the other and the setting; a busy bind endpoint is named.
. "$LC_SOURCE/tests/lib/run.sh"

lc_loopback 2
run="$LC_WORK/run"
mkdir -p "$run"
echo "precious" >"$run/machine-1.csv"
# shellcheck disable=SC2046
lc_expect_refused -p 2 "$run/machine-1.csv already exists" "$LCLOCK" machine $(lc_machine_args 1) --log-dir "$run"
[ "$(cat "$run/machine-1.csv")" = precious ] || fail "the existing log was touched"

run="$LC_WORK/mismatch"
# shellcheck disable=SC2046
lc_start a "$LCLOCK" machine $(lc_machine_args 1) --speed 10 --log-dir "$run"
# shellcheck disable=SC2046
lc_start b "$LCLOCK" machine $(lc_machine_args 2) --speed 20 --log-dir "$run"
for m in a b; do
    lc_wait "$m"; rc=$LC_RC
    [ "$rc" = 2 ] || { cat "$LC_WORK/a.err" "$LC_WORK/b.err" >&2; fail "mismatch: $m exited $rc, not 2"; }
done
grep -q "machine 2 has different run settings: speed is 10 here and 20 there" "$LC_WORK/a.err" \
    || { cat "$LC_WORK/a.err" >&2; fail "machine 1 did not name machine 2 and speed"; }
grep -q "machine 1 has different run settings: speed is 20 here and 10 there" "$LC_WORK/b.err" \
    || { cat "$LC_WORK/b.err" >&2; fail "machine 2 did not name machine 1 and speed"; }
[ ! -e "$run/machine-1.csv" ] && [ ! -e "$run/machine-2.csv" ] || fail "a refused run left a log"

# The same settings, but each started by a different run's launcher: each
# machine refuses the other, naming the nonce, and exits 2 (a refusing
# machine answers until the other has its settings and knows it has the
# other's, so neither is left waiting for an answer: exit 3)
run="$LC_WORK/nonce"
# shellcheck disable=SC2046
lc_start c "$LCLOCK" machine $(lc_machine_args 1) --run-nonce 11 --start-timeout 20 --log-dir "$run"
# shellcheck disable=SC2046
lc_start d "$LCLOCK" machine $(lc_machine_args 2) --run-nonce 12 --start-timeout 20 --log-dir "$run"
for m in c d; do
    lc_wait "$m"
    [ "$LC_RC" = 2 ] || { cat "$LC_WORK/$m.err" >&2; fail "different nonces: $m exited $LC_RC, not 2"; }
    grep -q "has different run settings: peer set or --run-nonce (run id) is" "$LC_WORK/$m.err" \
        || { cat "$LC_WORK/$m.err" >&2; fail "machine $m exited 2 without naming the run nonce"; }
done
[ ! -e "$run/machine-1.csv" ] && [ ! -e "$run/machine-2.csv" ] || fail "a refused run left a log"

# A slow link: machine 2 hears machine 1's HELLO at once and refuses it,
# but its own link to machine 1 (through a relay started 1.5 s later) is
# not up yet. Machine 2 must go on answering until machine 1 has heard it
# (it used to give up after 1 s, and machine 1, never hearing back, timed
# out: exit 3), however long the link takes.
run="$LC_WORK/slow"
lc_loopback 3
relay="${LC_PORT[3]}"
lc_start s1 "$LCLOCK" machine --id 1 --bind "tcp://127.0.0.1:${LC_PORT[1]}" \
    --peer "2=tcp://127.0.0.1:${LC_PORT[2]}" --speed 10 --start-timeout 20 --log-dir "$run"
lc_start s2 "$LCLOCK" machine --id 2 --bind "tcp://127.0.0.1:${LC_PORT[2]}" \
    --peer "1=tcp://127.0.0.1:$relay" --speed 20 --start-timeout 20 --log-dir "$run"
lc_wait_line "$LC_WORK/s2.err" "machine 1 has different run settings" 20   # slow link: 2 hears 1
sleep 1.5
lc_start relay python3 "$LC_SOURCE/tests/lib/relay.py" "$relay" "${LC_PORT[1]}"
for m in s1 s2; do
    lc_wait "$m"
    [ "$LC_RC" = 2 ] || { cat "$LC_WORK/$m.err" >&2; fail "slow link: $m exited $LC_RC, not 2"; }
done
grep -q "machine 2 has different run settings: speed is 10 here and 20 there" "$LC_WORK/s1.err" \
    || { cat "$LC_WORK/s1.err" >&2; fail "slow link: machine 1 did not name machine 2 and speed"; }

# Two machines on one endpoint: the second cannot bind
run="$LC_WORK/busy"
# shellcheck disable=SC2046
lc_start e "$LCLOCK" machine $(lc_machine_args 1) --start-timeout 5 --log-dir "$run"
lc_wait_line "$LC_WORK/e.err" "bound tcp://" 20
lc_expect_refused -p 2 "--bind tcp://127.0.0.1:${LC_PORT[1]}: cannot bind: Address already in use" \
    "$LCLOCK" machine --id 2 --bind "tcp://127.0.0.1:${LC_PORT[1]}" \
    --peer "1=tcp://127.0.0.1:${LC_PORT[1]}" --log-dir "$run"

# Bad command lines and cluster files, through the binary: one line naming
# the option (or file and key), exit 2, and nothing written
expect_usage () { lc_expect_refused 2 "$1" "$LCLOCK" machine "${@:2}"; }   # expect_usage MESSAGE ARGS...
nolog="$LC_WORK/nolog"
expect_usage "lclock machine: --rate: expected R or MIN-MAX with 1 <= MIN <= MAX <= 1000000, got 'abc'" \
    --id 1 --rate abc --bind "tcp://127.0.0.1:${LC_PORT[1]}" --log-dir "$nolog"
expect_usage "lclock machine: unknown or ambiguous option '--bogus'; see 'lclock machine --help'" \
    --id 1 --bind "tcp://127.0.0.1:${LC_PORT[1]}" --bogus --log-dir "$nolog"
printf 'cluster\n    duration = 60\n    colour = red\n    machine = 1\n        endpoint = tcp://127.0.0.1:%s\n' \
    "${LC_PORT[1]}" >"$LC_WORK/bad.zpl"
expect_usage "lclock machine: $LC_WORK/bad.zpl: unknown key 'colour' (expected duration, speed, roll, rate, seed, trust or machine)" \
    --cluster "$LC_WORK/bad.zpl" --id 1 --log-dir "$nolog"
[ ! -e "$nolog" ] || fail "a refused command line created its log folder"
"$LCLOCK" machine --help >"$LC_WORK/help.out" 2>&1 || fail "--help did not exit 0"
grep -q -- "--start-timeout" "$LC_WORK/help.out" || fail "--help does not explain --start-timeout"
