#!/usr/bin/env bash
# A full disk: machine 1 logs onto a small tmpfs this test mounts, which
# fills while it runs. It stops cleanly: exit 1 with one line naming the
# file and the error, no row torn, no temporary summary left, and no
# message of an event whose row could not be written ever left it (the
# analyzer finds every message its peer received among its send rows).
# Its peer runs to the end and lists what machine 1 never logged as
# unacked. Needs root (mount); CI runs as root.
. "$LC_SOURCE/tests/lib/run.sh"

lc_small_disk 1m lc_full_disk
#  Leave about 48 KB: room for the start and a few thousand rows
head -c $((1024 * 1024 - 48 * 1024)) /dev/zero >"$disk/filler" 2>/dev/null || true

lc_loopback 2
run="$LC_WORK/run"
# shellcheck disable=SC2046
lc_start m1 "$LCLOCK" machine $(lc_machine_args 1) --rate 2000 --roll 3 --speed 1 \
    --duration 30 --seed 4 --log-dir "$disk"
# shellcheck disable=SC2046
lc_start m2 "$LCLOCK" machine $(lc_machine_args 2) --rate 2000 --roll 3 --speed 1 \
    --duration 30 --seed 4 --log-dir "$run"
lc_expect_exit m1 1
echo "full_disk: machine 1 said: $(grep cannot "$LC_WORK/m1.err" | head -n 1)"
grep -q "cannot write $disk/machine-1.csv: No space left on device; stopping" "$LC_WORK/m1.err" \
    || { cat "$LC_WORK/m1.err" >&2; fail "machine 1 did not name the file and the error"; }
kill -TERM "$pid_m2"
lc_expect_exit m2 0
csv="$disk/machine-1.csv"
[ "$(tail -c 1 "$csv" | od -An -c | tr -d ' ')" = '\n' ] || fail "the log ends in a torn row"
awk -F, 'NF != 9 { exit 1 }' "$csv" || fail "a row of the log is torn"
ls "$disk"/*.tmp* >/dev/null 2>&1 && fail "a temporary summary was left behind: $(ls "$disk")"
cp "$csv" "$disk/machine-1.json" "$run/"
summary=$(lc_logcheck "$run"/machine-*.csv)
echo "$summary"
"$LCLOCK" analyze "$run" --no-plots >"$LC_WORK/analyze.out" 2>&1 \
    || { cat "$LC_WORK/analyze.out" >&2; fail "lclock analyze failed on the run"; }
echo "full_disk: ok ($(lc_count "$csv" send) send rows written before the disk was full)"
