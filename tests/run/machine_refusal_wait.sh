#!/usr/bin/env bash
# A refusal that is never confirmed ends all the same, even with
# --start-timeout 0 (wait forever for peers): a stranger sends machine 2
# one HELLO with other run settings as machine 1, then goes, and no real
# machine 1 ever answers. Machine 2 names the setting, answers for at most
# LC_REFUSE_WAIT_MS (10 s), says machine 1 did not confirm, exits 2 and
# writes no log. (It used to wait forever; LC_BOUND kills it at 60 s.)
# A --start-timeout that ends sooner ends the refusal sooner, with the
# same words.
. "$LC_SOURCE/tests/lib/run.sh"
inject="$LC_TOOLS/lc_inject"

lc_loopback 2
run="$LC_WORK/run"
#  Machine 1's endpoint: a free port where nothing ever listens
# shellcheck disable=SC2046
LC_BOUND=60 lc_start m2 "$LCLOCK" machine $(lc_machine_args 2) --start-timeout 0 \
    --log-dir "$run"
lc_wait_line "$LC_WORK/m2.err" "bound tcp://" 20
"$inject" hello "tcp://127.0.0.1:${LC_PORT[2]}" 1 1
lc_expect_exit m2 2
grep -q "machine 1 has different run settings: speed is 1 here and 999 there" "$LC_WORK/m2.err" \
    || { cat "$LC_WORK/m2.err" >&2; fail "machine 2 did not name machine 1 and speed"; }
grep -q "machine 1 did not confirm within 10 s that it heard our settings" "$LC_WORK/m2.err" \
    || { cat "$LC_WORK/m2.err" >&2; fail "machine 2 did not say why it gave up"; }
[ ! -e "$run/machine-2.csv" ] || fail "a refused machine left a log"

# With --start-timeout 3, the start timeout bounds the refusal instead:
# machine 2 says the same, sooner than 10 s after the refusal
run="$LC_WORK/run3"
# shellcheck disable=SC2046
lc_start t2 "$LCLOCK" machine $(lc_machine_args 2) --start-timeout 3 --log-dir "$run"
lc_wait_line "$LC_WORK/t2.err" "bound tcp://" 20
"$inject" hello "tcp://127.0.0.1:${LC_PORT[2]}" 1 1
lc_expect_exit t2 2
grep -Eq "machine 1 did not confirm within [0-2](\.[0-9]+)? s that it heard our settings" \
    "$LC_WORK/t2.err" || { cat "$LC_WORK/t2.err" >&2; fail "--start-timeout did not bound the refusal"; }
echo "machine_refusal_wait: ok ($(grep -c . "$LC_WORK/m2.err") lines on stderr)"
