# analyze_cli.sh - `lclock analyze` on the fixtures: each broken rule is
# named with machine and row and exits 1, the clean and crashed runs exit
# 0, unreadable input exits 2, outputs and plots land where they should.
source "$LC_SOURCE/tests/lib/run.sh"
lc_require gnuplot

# analyze FIXTURE [OPTIONS...]: runs the analyzer into $LC_WORK/FIXTURE,
# sets $out (stdout) and $rc
analyze () {
    local name=$1; shift
    rc=0
    out=$("$LCLOCK" analyze "$LC_FIXTURES/$name" --out "$LC_WORK/$name" --no-plots "$@" \
          2>"$LC_WORK/$name.err") || rc=$?
}

analyze clean
[ "$rc" = 0 ] || fail "clean: exit $rc, expected 0: $out"
grep -q "checks: all 6 hold" <<<"$out" || fail "clean: no 'all 6 hold' in: $out"
[ -s "$LC_WORK/clean/report.md" ] || fail "clean: no report.md"
[ -s "$LC_WORK/clean/summary.json" ] || fail "clean: no summary.json"
[ ! -e "$LC_FIXTURES/clean/report.md" ] || fail "--out ignored: report.md in the fixture"
# the short table: machine 2 has rate 1, 2 ticks, clock 5, mean jump 2.5,
# max jump 4, half its jumps +1, queue 1
grep -Eq '^ +2 +1 +2 +5 +2\.50 +4 +0\.500 +1 +0\.50 +1$' <<<"$out" \
    || fail "clean: table row of machine 2 wrong: $out"
grep -q '^3 machines, roll 10 (P(internal) = 0.700), speed 1, 2 model s$' <<<"$out" \
    || fail "clean: settings line wrong: $out"

# late ticks are reported (m2's tick 2 ran 3 ms late), not a failure, held
# against the shortest tick period (rate 2: 500 ms)
grep -q "^late ticks (> 1000 us after due, wall time): 1 of 10 (10.00%), at most 3.000 ms late: m2 1; the shortest tick period is 500.000 ms wall, so no tick ran a whole period late: the model ran as scheduled$" <<<"$out" \
    || fail "clean: late tick of machine 2 not reported: $out"

# Each broken fixture names its rule, with machine and row, and exits 1
expect_rule () {
    local name=$1 rule=$2 where=$3
    analyze "$name"
    [ "$rc" = 1 ] || fail "$name: exit $rc, expected 1: $out"
    grep -q "check $rule (" <<<"$out" || fail "$name: check $rule not named: $out"
    grep -Fq "check $rule ($(sed -n "s/.*check $rule (\([^)]*\)).*/\1/p" <<<"$out" | head -1)): $where" \
        <<<"$out" || fail "$name: check $rule not at '$where': $out"
}
expect_rule break1 1 "machine 3, row 5"
expect_rule break2 2 "machine 1, row 4"
expect_rule break3 3 "machine 2, row 5"
expect_rule break4 4 "machine 1, row 5"
expect_rule break4 2 "machine 1, row 5"
expect_rule break5 5 "machine 1, row 6"
expect_rule break6 6 "machine 3"
# break1..3, 5, 6 break their rule only, break4 rules 4 and 2 only
for n in 1 2 3 4 5 6; do
    analyze "break$n"
    allowed="check $n ("
    [ "$n" != 4 ] || allowed="check [24] ("
    others=$(grep -o "check [1-6] (" <<<"$out" | grep -v "$allowed" || true)
    [ -z "$others" ] || fail "break$n: other rules fired too: $out"
done

# A crashed machine: undelivered, not a failure
analyze crashed
[ "$rc" = 0 ] || fail "crashed: exit $rc, expected 0: $out"
grep -q "undelivered: 1 message(s) to machine 2" <<<"$out" || fail "crashed: no undelivered for 2: $out"
grep -q "undelivered: 1 message(s) to machine 3" <<<"$out" || fail "crashed: no undelivered for 3: $out"

# --json prints summary.json instead of the table
analyze break2 --json
[ "$rc" = 1 ] || fail "--json: exit $rc"
grep -q '"checks": {' <<<"$out" || fail "--json: no checks object: $out"
grep -q 'final_clock' <<<"$out" || fail "--json: no figures"
! grep -q "checks: " <<<"$out" || fail "--json: the table was printed too"

# Input that cannot be read: exit 2 with a message
lc_expect_refused -p 2 "no-such-dir" \
    "$LCLOCK" analyze "$LC_WORK/no-such-dir" --no-plots --shiviz "$LC_WORK/none.shiviz"
[ ! -e "$LC_WORK/none.shiviz" ] || fail "missing dir: a ShiViz file was left behind"
# ... but a --shiviz that is not a plain file is never removed
mkfifo "$LC_WORK/fifo"
rc=0; "$LCLOCK" analyze "$LC_WORK/no-such-dir" --no-plots --shiviz "$LC_WORK/fifo" \
    2>/dev/null >/dev/null <>"$LC_WORK/fifo" || rc=$?
[ "$rc" = 2 ] || fail "missing dir, --shiviz FIFO: exit $rc, expected 2"
[ -p "$LC_WORK/fifo" ] || fail "missing dir: the --shiviz FIFO was removed"
mkdir -p "$LC_WORK/empty"
lc_expect_refused -p 2 "no machine-ID.csv" "$LCLOCK" analyze "$LC_WORK/empty" --no-plots
mkdir -p "$LC_WORK/nojson"
cp "$LC_FIXTURES/clean/"machine-*.csv "$LC_WORK/nojson/"
cp "$LC_FIXTURES/clean/"machine-[12].json "$LC_WORK/nojson/"
lc_expect_refused -p 2 "machine-3.json" "$LCLOCK" analyze "$LC_WORK/nojson" --no-plots
mkdir -p "$LC_WORK/unreadable"
cp "$LC_FIXTURES/clean/"machine-* "$LC_WORK/unreadable/"
rm "$LC_WORK/unreadable/machine-2.csv"
mkdir "$LC_WORK/unreadable/machine-2.csv"      # a directory: read(2) fails
lc_expect_refused -p 2 "cannot read .*machine-2.csv" "$LCLOCK" analyze "$LC_WORK/unreadable" --no-plots

# Usage
rc=0; help=$("$LCLOCK" analyze --help) || rc=$?
[ "$rc" = 0 ] || fail "--help: exit $rc"
for opt in --out --json --window --shiviz --no-plots RUN_DIR "Exit status"; do
    grep -q -- "$opt" <<<"$help" || fail "--help does not explain $opt"
done
lc_expect_refused 2 "lclock analyze: --window '5:1': expected FROM:TO in model seconds, 0 <= FROM < TO <= 1000000000 (e.g. 0:5)" \
    "$LCLOCK" analyze --window 5:1 "$LC_FIXTURES/clean"
lc_expect_refused 2 "lclock analyze: unknown option '--bogus' (try 'lclock analyze --help')" \
    "$LCLOCK" analyze --bogus "$LC_FIXTURES/clean"
lc_expect_refused 2 "lclock analyze: expected one RUN_DIR (try 'lclock analyze --help')" "$LCLOCK" analyze

# Plots: drawn with gnuplot, a clear note without it, checks unchanged
rc=0; "$LCLOCK" analyze "$LC_FIXTURES/clean" --out "$LC_WORK/plots" --window 0:3 \
    --shiviz "$LC_WORK/run.shiviz" >/dev/null 2>&1 || rc=$?
[ "$rc" = 0 ] || fail "plots: exit $rc"
for p in clock queue jumps drift spacetime; do
    for ext in png svg; do
        [ -s "$LC_WORK/plots/$p.$ext" ] || fail "plots: no $p.$ext"
    done
    grep -q "($p.png)" "$LC_WORK/plots/report.md" || fail "report.md does not link $p.png"
done
head -n 1 "$LC_WORK/run.shiviz" | grep -q '(?<host>' || fail "ShiViz: first line is not the regex"
[ -z "$(sed -n 2p "$LC_WORK/run.shiviz")" ] || fail "ShiViz: line 2 (the delimiter) is not empty"
[ "$(wc -l <"$LC_WORK/run.shiviz")" = 19 ] || fail "ShiViz: expected regex + empty line + 17 events"
rc=0; LCLOCK_GNUPLOT=/nonexistent/gnuplot "$LCLOCK" analyze "$LC_FIXTURES/break2" \
    --out "$LC_WORK/nognuplot" >/dev/null 2>"$LC_WORK/e5" || rc=$?
[ "$rc" = 1 ] || fail "without gnuplot: exit $rc, expected 1 (break2)"
grep -q "gnuplot is not installed" "$LC_WORK/e5" || fail "without gnuplot: no note on stderr"
grep -q "gnuplot is not installed" "$LC_WORK/nognuplot/report.md" || fail "without gnuplot: no note in report.md"
[ ! -e "$LC_WORK/nognuplot/clock.png" ] || fail "without gnuplot: a plot appeared"
# A folder named with a quote and a space draws its plots (gnuplot runs in
# the folder and names files relative to it; it used to refuse: exit 2)
odd="$LC_WORK/Bob's run"
cp -r "$LC_FIXTURES/clean" "$odd"
"$LCLOCK" analyze "$odd" >/dev/null 2>"$LC_WORK/odd.err" \
    || fail "a folder named with a quote: exit $?, $(cat "$LC_WORK/odd.err")"
[ -s "$odd/clock.png" ] && [ -s "$odd/spacetime.svg" ] || fail "a folder named with a quote: no plots"
[ -z "$(find "$odd" -name '.lclock-plots-*')" ] || fail "the drawing folder was left"
# A full disk (a small tmpfs; root only): summary.json and report.md whole
# or absent, no empty or cut picture (gnuplot exits 0 when its writes
# fail: an empty summary.json and cut plots used to stay, exit 2 or even 0)
lc_small_disk 8k lc_analyze_disk
for size in 8k 40k; do
    mount -o "remount,size=$size" "$disk" || fail "cannot size the tmpfs on $disk"
    rc=0; "$LCLOCK" analyze "$LC_FIXTURES/clean" --out "$disk/r" >/dev/null 2>"$LC_WORK/full.err" || rc=$?
    [ "$rc" = 2 ] || fail "full disk of $size: exit $rc, $(cat "$LC_WORK/full.err")"
    for file in "$disk"/r/*; do
        case "$file" in
            */summary.json) jq -e .checks "$file" >/dev/null || fail "full disk of $size: summary.json cut" ;;
            */report.md) grep -q "^## " "$file" || fail "full disk of $size: report.md cut" ;;
            */\*) ;;
            *) fail "full disk of $size: $file left (a picture gnuplot could not finish)" ;;
        esac
    done
    rm -rf "$disk/r"
done
umount "$disk"
echo "analyze_cli: ok"
