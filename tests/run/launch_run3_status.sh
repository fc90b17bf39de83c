# launch_run3_status.sh - run3.sh's live status: piped, one line for every
# second, none skipped; on an 80-column terminal (a pseudo-terminal from
# script(1)) every machine of --machines 8 stays in view, wrapped, never
# wider than the terminal. And run3.sh takes the bounds lclock takes
# (--speed 1e-6 and 1e6, --duration 1e9).
. "$LC_SOURCE/tests/lib/run.sh"
export LCLOCK LCLOCK_RUNS="$LC_WORK/runs"
run3="$LC_SOURCE/launch/run3.sh"

# Piped: a line per second, labelled 0, 1, 2, ... without a gap
rc=0
timeout 60 "$run3" --machines 3 --duration 40 --speed 10 --seed 7 >"$LC_WORK/pipe.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$LC_WORK/pipe.out" >&2; fail "run3.sh piped exited $rc"; }
seconds=$(sed -n 's|^ *\([0-9][0-9]*\)/4s .*m1 .*m3 .*|\1|p' "$LC_WORK/pipe.out")
[ -n "$seconds" ] || { cat "$LC_WORK/pipe.out" >&2; fail "no status lines when piped"; }
expect=0
for s in $seconds; do
    # the last line (the final figures) may repeat the last second
    [ "$s" = "$expect" ] || [ "$s" = $((expect - 1)) ] \
        || fail "piped status skips from second $((expect - 1)) to $s: $seconds"
    expect=$((s + 1))
done
[ "$expect" -ge 4 ] || fail "piped status stopped at second $((expect - 1)) of a 4 s run: $seconds"

# On an 80-column terminal: each redraw shows m1..m8, no line is wider
rc=0
timeout 60 script -qec "stty cols 80 rows 40; '$run3' --machines 8 --duration 20 --speed 10 --seed 8" \
    /dev/null >"$LC_WORK/tty.out" 2>&1 </dev/null || rc=$?
[ "$rc" = 0 ] || { cat -v "$LC_WORK/tty.out" >&2; fail "run3.sh on a terminal exited $rc"; }
# Screen lines: split at CR and LF, escape sequences removed
sed 's/\x1b\[[0-9]*[A-Za-z]//g' "$LC_WORK/tty.out" | tr '\r' '\n' >"$LC_WORK/tty.lines"
wide=$(awk '/m[0-9]+ r[0-9?]+ c/ && length > 79' "$LC_WORK/tty.lines")
[ -z "$wide" ] || fail "status lines wider than 79 columns: $wide"
# Frames: from a line starting with "N/2s" up to the next one
frames=$(awk '/^ *[0-9]+\/2s/ { if (f != "") print f; f = "" } /m[0-9] r/ { f = f " " $0 }
              END { if (f != "") print f }' "$LC_WORK/tty.lines")
[ -n "$frames" ] || { cat -v "$LC_WORK/tty.out" >&2; fail "no status on the terminal"; }
while IFS= read -r frame; do
    for i in 1 2 3 4 5 6 7 8; do
        grep -q " m$i r" <<<"$frame" || fail "machine $i not in view at 80 columns: $frame"
    done
done <<<"$frames"

# The bounds lclock takes: --speed 1e6 and 1e-6 run through
for args in "--speed 1e6 --duration 1" "--speed 1e-6 --duration 1e-6"; do
    rc=0
    # shellcheck disable=SC2086  # options and their values
    timeout 60 "$run3" --machines 2 --rate 1 $args >"$LC_WORK/bounds.out" 2>&1 || rc=$?
    [ "$rc" = 0 ] || { cat "$LC_WORK/bounds.out" >&2; fail "run3.sh $args exited $rc"; }
done
# --duration 1e9 is taken, runs, and stops on Ctrl-C (job control on, as
# in launch_run3.sh, so that the background launcher gets the SIGINT)
set -m
lc_start long "$run3" --machines 2 --rate 1 --speed 1e-6 --duration 1e9
set +m
# shellcheck disable=SC2154  # set by lc_start
lc_wait_line "$LC_WORK/long.out" '^run3.sh: run directory: ' 60
kill -INT "$pid_long"
lc_expect_exit long 130
echo "run3.sh status: every second piped, every machine at 80 columns, lclock's bounds taken"
