#!/usr/bin/env bash
# compare_cli.sh - `lclock compare` on tests/fixtures/compare: two
# conditions (A: three trials, B: two good and one whose checks failed)
# and one run whose summary.json is unreadable. Means and sample sds
# computed by hand (below) are asserted exactly; the failed and the
# unreadable runs are listed and left out; exit 1 says so.
#
#   A mean jump 1.5, 2.0, 2.5      -> mean 2, sd 0.5
#   B mean jump 1.0, 3.0 (100 out) -> mean 2, sd sqrt(2) = 1.414214
#   A max queue 1, 2, 6            -> mean 3, sd sqrt(7) = 2.645751
#   B max queue 0, 4 (99 out)      -> mean 2, sd sqrt(8) = 2.828427
#   A machine 2 (rate 1, gap 1) mean jump 2, 3, 4 -> mean 3, sd 1
#   A machines 1 and 3 (rate 2, gap 0) mean jump 1.25 in each run -> 1.25, sd 0
source "$LC_SOURCE/tests/lib/run.sh"

rc=0
"$LCLOCK" compare "$LC_FIXTURES/compare" --out "$LC_WORK/out" --no-plots \
    >"$LC_WORK/table" 2>"$LC_WORK/err" || rc=$?
[ "$rc" = 1 ] || { cat "$LC_WORK/table" "$LC_WORK/err" >&2; fail "exit $rc, expected 1"; }
json=$LC_WORK/out/comparison.json
[ -s "$json" ] && [ -s "$LC_WORK/out/comparison.md" ] || fail "no comparison.json/md"

# exactly: jq compares the numbers as written (6 decimals)
expect () {
    local got
    got=$(jq -c "$1" "$json")
    [ "$got" = "$2" ] || fail "$1: $got, expected $2"
}
expect '[.conditions[].name]' '["A","B"]'
expect '[.conditions[] | [.runs, .compared, .failed]]' '[[3,3,0],[3,2,1]]'
expect '.conditions[0].figures.jump_mean | [.n, .mean, .sd, .min, .max]' '[3,2,0.5,1.5,2.5]'
expect '.conditions[1].figures.jump_mean | [.n, .mean, .sd]' '[2,2,1.414214]'
expect '.conditions[0].figures.queue_max | [.mean, .sd]' '[3,2.645751]'
expect '.conditions[1].figures.queue_max | [.mean, .sd]' '[2,2.828427]'
expect '.conditions[0].by_gap | map([.gap, .machines, .jump_mean.mean, .jump_mean.sd])' \
       '[[0,6,1.25,0],[1,3,3,1]]'
expect '.conditions[0].seeds' '[1000,1001,1002]'
expect '.conditions[0].settings | [.machines, .rate, .roll, .p_internal]' '[3,"1-2",10,0.7]'
expect '[.runs_read, .runs_failed, .runs_unreadable]' '[6,1,1]'
expect '[.runs[] | select(.ok | not) | .dir | sub(".*/compare/"; "")]' '["B/trial-3"]'
expect '[.unreadable[].dir | sub(".*/compare/"; "")]' '["broken"]'

# the table and comparison.md list what was left out, and why
grep -q "^left out: .*/B/trial-3 (B): checks FAILED$" "$LC_WORK/table" || fail "failed run not listed"
grep -q "^left out: .*/broken: summary.json unreadable" "$LC_WORK/table" || fail "unreadable run not listed"
grep -q "broken/summary.json: totals.drift: missing; expected an object" "$LC_WORK/err" \
    || fail "the unreadable summary's key is not named: $(cat "$LC_WORK/err")"
grep -q '^| A | 2 ± 0.5 | 4 ± 0 |' "$LC_WORK/out/comparison.md" || fail "comparison.md: A's jumps"
grep -q '^| A | 1 | 3 | 3 ± 1 |' "$LC_WORK/out/comparison.md" || fail "comparison.md: A's gap 1"
grep -q 'B/trial-3` (B): checks FAILED' "$LC_WORK/out/comparison.md" || fail "comparison.md: failed run"

# Only good runs: exit 0; nothing readable: exit 2; a bad option: exit 2
"$LCLOCK" compare "$LC_FIXTURES/compare/A" --out "$LC_WORK/a" >/dev/null \
    || fail "condition A alone did not exit 0"
for plot in jump_mean queue_max gap-jump; do
    [ -s "$LC_WORK/a/compare-$plot.png" ] && [ -s "$LC_WORK/a/compare-$plot.svg" ] \
        || fail "plot compare-$plot not drawn"
done
rc=0; "$LCLOCK" compare "$LC_WORK/empty-$$" --out "$LC_WORK/e" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] || fail "nothing to compare: exit $rc, expected 2"
lc_expect_refused 2 "lclock compare: unknown option '--bogus' (try 'lclock compare --help')" \
    "$LCLOCK" compare --bogus "$LC_FIXTURES/compare"
# Outputs are written whole or not at all, never through what sits at
# their names: a FIFO there (it blocked the write forever), a link to an
# input (followed, it overwrote that run's summary.json)
mkdir -p "$LC_WORK/odd"
mkfifo "$LC_WORK/odd/comparison.md"
cp "$LC_FIXTURES/compare/A/trial-1/summary.json" "$LC_WORK/kept.json"
ln -s "$LC_WORK/kept.json" "$LC_WORK/odd/comparison.json"
rc=0; timeout 30 "$LCLOCK" compare "$LC_FIXTURES/compare/A" --out "$LC_WORK/odd" --no-plots \
    >/dev/null 2>"$LC_WORK/odd.err" || rc=$?
[ "$rc" = 0 ] || fail "a FIFO and a link at the outputs' names: exit $rc, $(cat "$LC_WORK/odd.err")"
[ -f "$LC_WORK/odd/comparison.md" ] && [ -f "$LC_WORK/odd/comparison.json" ] \
    && [ ! -L "$LC_WORK/odd/comparison.json" ] || fail "the FIFO or the link was not replaced"
cmp -s "$LC_WORK/kept.json" "$LC_FIXTURES/compare/A/trial-1/summary.json" \
    || fail "comparison.json was written through a link onto another file"
# A full disk (a small tmpfs, root only as in machine_full_disk.sh): exit 2
# naming the file, the previous comparison.md kept, no half-written file
lc_require gnuplot
lc_small_disk 16k lc_compare_disk
echo previous >"$disk/comparison.md"
rc=0; "$LCLOCK" compare "$LC_FIXTURES/compare" --out "$disk" --no-plots \
    >/dev/null 2>"$LC_WORK/full.err" || rc=$?
[ "$rc" = 2 ] && grep -q "cannot write $disk/comparison.json: No space left on device" "$LC_WORK/full.err" \
    || fail "full disk: exit $rc, $(cat "$LC_WORK/full.err")"
[ "$(cat "$disk/comparison.md")" = previous ] || fail "full disk: the previous comparison.md was lost"
left=$(find "$disk" -mindepth 1 ! -name comparison.md)
[ -z "$left" ] || fail "full disk: half-written files left: $left"
# Room for comparison.json and .md but not for the plots: gnuplot exits
# 0 on a failed write, and used to leave empty or cut pictures
rm -f "$disk/comparison.md"
mount -o remount,size=100k "$disk" || fail "cannot grow the tmpfs on $disk"
rc=0; "$LCLOCK" compare "$LC_FIXTURES/compare" --out "$disk" >/dev/null 2>"$LC_WORK/full.err" || rc=$?
[ "$rc" = 2 ] && grep -q "no plots: gnuplot failed" "$LC_WORK/full.err" \
    || fail "full disk, plots: exit $rc, $(cat "$LC_WORK/full.err")"
[ -s "$disk/comparison.json" ] && [ -s "$disk/comparison.md" ] || fail "full disk, plots: no comparison"
left=$(find "$disk" -mindepth 1 ! -name 'comparison.*')
[ -z "$left" ] || fail "full disk, plots: pictures left: $left"
umount "$disk"
echo "compare: means and sds as computed by hand; failed and unreadable runs left out"
