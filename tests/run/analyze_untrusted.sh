# analyze_untrusted.sh - the analyzer trusts nothing: input that is not a
# regular file is an input error (never a hang), every exit 2 says why on
# stderr naming the file or option, no output ever overwrites an input,
# and a write that fails (stdout included) is exit 2, for every command.
source "$LC_SOURCE/tests/lib/run.sh"
lc_require gnuplot

# run_lclock NAME ARGS...: lclock bounded by 20 s (a hang fails the test,
# it does not stall it); sets rc and keeps stderr in $LC_WORK/NAME.err
run_lclock () {
    local name=$1; shift
    rc=0
    timeout -s KILL 20 "$LCLOCK" "$@" >"$LC_WORK/$name.out" 2>"$LC_WORK/$name.err" || rc=$?
    [ "$rc" != 137 ] || fail "$name: lclock $* still ran after 20 s (a hang)"
}

# expect_2 TEXT ARGS...: lclock ARGS exits 2 with one line on stderr, which
# TEXT matches
expect_2 () { lc_expect_refused -p 2 "$1" "$LCLOCK" "${@:2}"; }

# fresh NAME: a copy of the clean fixture in $LC_WORK/NAME
fresh () {
    rm -rf "${LC_WORK:?}/$1"
    cp -r "$LC_FIXTURES/clean" "$LC_WORK/$1"
}

# unchanged DIR: DIR's logs and summaries are still the fixture's
unchanged () {
    local f
    for f in "$LC_FIXTURES"/clean/machine-*; do
        cmp -s "$f" "$1/$(basename "$f")" || fail "$1/$(basename "$f") was changed"
    done
}

# Every exit 2 says why
expect_2 '--window .*0:1e303' analyze "$LC_FIXTURES/clean" --no-plots --window 0:1e303

# Only regular files are read: a FIFO, a device, a directory
for kind in fifo zero dir; do
    for ext in csv json; do
        fresh "$kind-$ext"
        f="$LC_WORK/$kind-$ext/machine-2.$ext"
        rm "$f"
        case $kind in
            fifo) mkfifo "$f" ;;
            zero) ln -s /dev/zero "$f" ;;
            dir)  mkdir "$f" ;;
        esac
        expect_2 "machine-2\\.$ext: .*not a regular file" \
            analyze "$LC_WORK/$kind-$ext" --no-plots
    done
done

# machine --resume on a FIFO log or summary: an error, not a hang
for ext in csv json; do
    fresh "resume-$ext"
    f="$LC_WORK/resume-$ext/machine-2.$ext"
    rm "$f"
    mkfifo "$f"
    expect_2 "machine-2\\.$ext: a FIFO, not a regular file" \
        machine --id 2 --bind tcp://127.0.0.1:1 --peer 1=tcp://127.0.0.1:2 \
        --log-dir "$LC_WORK/resume-$ext" --resume --start-timeout 1
done

# No output overwrites an input (compared by device and inode)
fresh out
expect_2 "--shiviz .*machine-1\\.csv is one of the run's inputs" \
    analyze "$LC_WORK/out" --no-plots --shiviz "$LC_WORK/out/machine-1.csv"
expect_2 "--shiviz .*machine-2\\.json is one of the run's inputs" \
    analyze "$LC_WORK/out" --no-plots --shiviz "$LC_WORK/out/machine-2.json"
"$LCLOCK" runinfo "$LC_WORK/out" --launcher run3 --machines 3 --rate 1-2 --roll 10 \
    --speed 1 --duration 2 -- test || fail "lclock runinfo failed"
cp "$LC_WORK/out/run.json" "$LC_WORK/run.json"
expect_2 "--shiviz .*run\.json is one of the run's inputs" \
    analyze "$LC_WORK/out" --no-plots --shiviz "$LC_WORK/out/run.json"
cmp -s "$LC_WORK/run.json" "$LC_WORK/out/run.json" || fail "--shiviz RUN/run.json changed it"
rm "$LC_WORK/out/run.json"
ln -s machine-1.csv "$LC_WORK/out/report.md"
expect_2 "report\\.md is one of the run's inputs" analyze "$LC_WORK/out" --no-plots
rm "$LC_WORK/out/report.md"
ln "$LC_WORK/out/machine-3.json" "$LC_WORK/out/summary.json"
expect_2 "summary\\.json is one of the run's inputs" analyze "$LC_WORK/out" --no-plots
rm "$LC_WORK/out/summary.json"
mkdir -p "$LC_WORK/elsewhere"
ln -s "$LC_WORK/out/machine-2.csv" "$LC_WORK/elsewhere/clock.svg"
expect_2 "clock\\.svg is one of the run's inputs" \
    analyze "$LC_WORK/out" --out "$LC_WORK/elsewhere"
unchanged "$LC_WORK/out"
[ ! -e "$LC_WORK/out/report.md" ] || fail "a refused run still wrote report.md"

# Failed writes are exit 2, on stdout as in files
[ -w /dev/full ] || fail "/dev/full is not writable here: the failed writes cannot be tested"
for args in "analyze $LC_FIXTURES/clean --out $LC_WORK/full1 --no-plots" \
            "analyze $LC_FIXTURES/clean --out $LC_WORK/full2 --no-plots --json" \
            "--help" "--version" "analyze --help" "machine --help" "cluster --help"; do
    # shellcheck disable=SC2086
    rc=0; timeout 20 "$LCLOCK" $args >/dev/full 2>"$LC_WORK/full.err" || rc=$?
    [ "$rc" = 2 ] || fail "lclock $args >/dev/full: exit $rc, expected 2"
    grep -q "cannot write stdout" "$LC_WORK/full.err" \
        || fail "lclock $args >/dev/full: $(cat "$LC_WORK/full.err")"
done
printf 'cluster\n    machine = 1\n        endpoint = tcp://127.0.0.1:5551\n    machine = 2\n        endpoint = tcp://127.0.0.1:5552\n' >"$LC_WORK/c.zpl"
"$LCLOCK" cluster "$LC_WORK/c.zpl" >/dev/null || fail "lclock cluster: the test's file is refused"
rc=0; "$LCLOCK" cluster "$LC_WORK/c.zpl" >/dev/full 2>"$LC_WORK/full.err" || rc=$?
[ "$rc" = 2 ] || fail "lclock cluster FILE >/dev/full: exit $rc, expected 2"
grep -q "cannot write stdout" "$LC_WORK/full.err" || fail "lclock cluster >/dev/full: $(cat "$LC_WORK/full.err")"
ln -s /dev/full "$LC_WORK/full.shiviz"
expect_2 "cannot write --shiviz .*full\\.shiviz" \
    analyze "$LC_FIXTURES/clean" --out "$LC_WORK/full3" --no-plots --shiviz "$LC_WORK/full.shiviz"
[ -L "$LC_WORK/full.shiviz" ] || fail "--shiviz to a device was removed"

# expect_check NAME TEXT: the analysis of $LC_WORK/NAME fails (exit 1)
# with TEXT (grep -F) among its failures
expect_check () {
    run_lclock "$1" analyze "$LC_WORK/$1" --no-plots
    [ "$rc" = 1 ] || fail "$1: exit $rc, expected 1: $(cat "$LC_WORK/$1.out" "$LC_WORK/$1.err")"
    grep -Fq -- "$2" "$LC_WORK/$1.out" || fail "$1: no '$2' in: $(cat "$LC_WORK/$1.out")"
}

# The summary and the log must agree: machine 2's unread and stop rows
# removed, its summary still says it ran to the end (not a crash)
fresh cut
sed -i '/,unread,/d; /,stop,/d' "$LC_WORK/cut/machine-2.csv"
expect_check cut "check 5 (every message accounted for): machine 2: its summary says it stopped (duration), but its log ends without a stop row"
fresh count
sed -i 's/"final_clock": 5/"final_clock": 6/' "$LC_WORK/count/machine-3.json"
expect_check count "check 5 (every message accounted for): machine 3: its summary says final_clock 6, its log 5"

# Queue values are checked against the rows
fresh queue
sed -i 's/^\(1001.000000,2,internal,1,1\),0,/\1,7,/' "$LC_WORK/queue/machine-2.csv"
expect_check queue "check 1 (well-formed rows): machine 2, row 3: internal with 7 messages in the buffer"
# 2 waiting after the recv, but only 1 is ever taken or left unread
fresh vanish
sed -i 's/^\(1002.003000,2,recv,2,5\),1,/\1,2,/' "$LC_WORK/vanish/machine-2.csv"
expect_check vanish "check 1 (well-formed rows): machine 2, row 5: queue 1 after unread, but it was 2 before"

# Plots: a gnuplot that fails is exit 2, said; a window with nothing in it
# and a run without a tick still draw every plot
printf '#!/bin/sh\ncat >/dev/null\nexit 1\n' >"$LC_WORK/bad-gnuplot"
chmod +x "$LC_WORK/bad-gnuplot"
rc=0; LCLOCK_GNUPLOT="$LC_WORK/bad-gnuplot" "$LCLOCK" analyze "$LC_FIXTURES/clean" \
    --out "$LC_WORK/badplots" >/dev/null 2>"$LC_WORK/badplots.err" || rc=$?
[ "$rc" = 2 ] || fail "a failing gnuplot: exit $rc, expected 2"
grep -q "gnuplot failed" "$LC_WORK/badplots.err" || fail "a failing gnuplot: $(cat "$LC_WORK/badplots.err")"
run_lclock emptywindow analyze "$LC_FIXTURES/clean" --out "$LC_WORK/emptywindow" --window 100:200
[ "$rc" = 0 ] || fail "--window 100:200: exit $rc: $(cat "$LC_WORK/emptywindow.err")"
# two bounds that %g would print alike
run_lclock farwindow analyze "$LC_FIXTURES/clean" --out "$LC_WORK/farwindow" --window 999999999:1e9
[ "$rc" = 0 ] || fail "--window 999999999:1e9: exit $rc: $(cat "$LC_WORK/farwindow.err")"
fresh noticks
for i in 1 2 3; do
    sed -i '/,start,/!{/^time,/!d}' "$LC_WORK/noticks/machine-$i.csv"
    tail -n 1 "$LC_WORK/noticks/machine-$i.csv" | sed 's/,start,0,0,0,[0-9;]*,,$/,stop,0,0,0,,,/' \
        >>"$LC_WORK/noticks/machine-$i.csv"
    sed -i -E 's/"(ticks|sent|received|unread|final_clock)": [0-9]+/"\1": 0/; s/"duration": [0-9.]+/"duration": 0.1/' \
        "$LC_WORK/noticks/machine-$i.json"
done
run_lclock noticks analyze "$LC_WORK/noticks"
[ "$rc" = 0 ] || fail "a run without a tick: exit $rc: $(cat "$LC_WORK/noticks.out" "$LC_WORK/noticks.err")"
for p in clock queue jumps drift spacetime; do
    [ -s "$LC_WORK/noticks/$p.svg" ] && [ -s "$LC_WORK/emptywindow/$p.svg" ] \
        || fail "$p.svg not drawn for an empty window or a run without a tick"
done

# --out creates its parents
run_lclock parents analyze "$LC_FIXTURES/clean" --no-plots --out "$LC_WORK/a/b/c"
[ "$rc" = 0 ] || fail "--out a/b/c: exit $rc: $(cat "$LC_WORK/parents.err")"
[ -s "$LC_WORK/a/b/c/report.md" ] || fail "--out a/b/c: no report.md"
echo "analyze_untrusted: ok"
