#!/usr/bin/env bash
# Rates 1 and 6 together: the slow machine cannot keep up, its queue grows
# and its log shows it.
. "$LC_SOURCE/tests/lib/run.sh"

lc_loopback 2
run="$LC_WORK/run"
# shellcheck disable=SC2046
lc_start slow "$LCLOCK" machine $(lc_machine_args 1) --rate 1 \
    --speed 50 --duration 60 --seed 99 --log-dir "$run" --quiet
# shellcheck disable=SC2046
lc_start fast "$LCLOCK" machine $(lc_machine_args 2) --rate 6 \
    --speed 50 --duration 60 --seed 99 --log-dir "$run" --quiet
for m in slow fast; do
    lc_wait "$m"; rc=$LC_RC
    [ "$rc" = 0 ] || { cat "$LC_WORK/$m.err" >&2; fail "$m exited $rc"; }
done
lc_expect_ticks "$run/machine-1.json"
lc_expect_ticks "$run/machine-2.json"
lc_logcheck "$run"/machine-*.csv

# The fast machine sends to its only peer on rolls 1-3 of 10: about 1.8
# messages per model second against 1 taken. Queue lengths over the run:
slow=$(awk -F, 'NR > 1 && $3 != "unread" && $3 != "stop" && $6 > max { max = $6 } END { print max + 0 }' "$run/machine-1.csv")
fast=$(awk -F, 'NR > 1 && $3 != "unread" && $3 != "stop" && $6 > max { max = $6 } END { print max + 0 }' "$run/machine-2.csv")
first=$(awk -F, 'NR > 1 && $4 >= 10 && $4 < 20 { s += $6; n++ } END { print int(s / n) }' "$run/machine-1.csv")
last=$(awk -F, 'NR > 1 && $4 >= 50 && $3 != "unread" && $3 != "stop" { s += $6; n++ } END { print int(s / n) }' "$run/machine-1.csv")
echo "slow max queue $slow (ticks 10-19 mean $first, 50-60 mean $last); fast max queue $fast"
[ "$slow" -ge 20 ] || fail "slow machine's queue peaked at $slow, expected it to build up"
[ "$last" -gt "$first" ] || fail "slow machine's queue did not grow ($first -> $last)"
[ "$fast" -le 3 ] || fail "fast machine's queue reached $fast"
[ "$(lc_field "$run/machine-1.json" unread)" -gt 0 ] || fail "slow machine left nothing unread"
