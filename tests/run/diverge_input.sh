# diverge_input.sh - `lclock diverge` opens its runs the way `lclock
# analyze` does: a run directory that cannot be read (none, no log in it, a
# summary missing, of another machine or with a bad key, a log or a summary
# that is a device, a FIFO or a directory, a bad run.json) is exit 2 with
# one line on stderr naming the file, in the analyzer's very words, whether
# it is REAL or IDEAL; never a wait on a FIFO or a read of /dev/zero. It
# used to call a missing or foreign summary "not the same run".
source "$LC_SOURCE/tests/lib/run.sh"

clean=$LC_FIXTURES/clean

# broken NAME: a copy of the clean fixture in $LC_WORK/NAME, to break
broken () {
    cp -r "$clean" "$LC_WORK/$1"
}

# refused NAME MESSAGE [analyzer]: diverge of clean against $LC_WORK/NAME,
# and of $LC_WORK/NAME against clean, exits 2 with exactly 'lclock diverge:
# MESSAGE' and nothing on stdout; with 'analyzer', lclock analyze refuses
# the directory with exactly 'lclock analyze: MESSAGE'
refused () {
    local message=$2 dir=$LC_WORK/$1
    lc_expect_refused 2 "lclock diverge: $message" "$LCLOCK" diverge "$clean" "$dir"
    lc_expect_refused 2 "lclock diverge: $message" "$LCLOCK" diverge "$dir" "$clean" --json
    [ "${3:-}" = analyzer ] || return 0
    lc_expect_refused 2 "lclock analyze: $message" "$LCLOCK" analyze "$dir" --no-plots --out "$dir.analyzed"
}

refused nosuch "cannot open run directory $LC_WORK/nosuch: No such file or directory" analyzer

mkdir "$LC_WORK/empty"
refused empty "no machine-ID.csv in $LC_WORK/empty (is it a run directory?)" analyzer

broken nojson
rm "$LC_WORK/nojson/machine-3.json"
refused nojson "cannot read $LC_WORK/nojson/machine-3.json: No such file or directory (every machine-ID.csv needs its machine-ID.json beside it)" analyzer

broken foreign
cp "$clean/machine-1.json" "$LC_WORK/foreign/machine-2.json"
refused foreign "$LC_WORK/foreign/machine-2.json: key 'machine': 1, but the file is machine 2's" analyzer

broken badkey
sed -i 's/"rate": 1,/"rate": "one",/' "$LC_WORK/badkey/machine-2.json"
refused badkey "$LC_WORK/badkey/machine-2.json: key 'rate': expected an integer 1..1000000" analyzer

broken zero
ln -sf /dev/zero "$LC_WORK/zero/machine-2.csv"
refused zero "cannot read $LC_WORK/zero/machine-2.csv: a device, not a regular file" analyzer

broken zerojson
ln -sf /dev/zero "$LC_WORK/zerojson/machine-1.json"
refused zerojson "cannot read $LC_WORK/zerojson/machine-1.json: a device, not a regular file" analyzer

broken fifo
rm "$LC_WORK/fifo/machine-3.json"
mkfifo "$LC_WORK/fifo/machine-3.json"
refused fifo "cannot read $LC_WORK/fifo/machine-3.json: a FIFO, not a regular file" analyzer

broken dirlog
rm "$LC_WORK/dirlog/machine-2.csv"
mkdir "$LC_WORK/dirlog/machine-2.csv"
refused dirlog "cannot read $LC_WORK/dirlog/machine-2.csv: a directory, not a regular file" analyzer

broken runjson
echo '{' >"$LC_WORK/runjson/run.json"
refused runjson "$LC_WORK/runjson/run.json: line 2: string or '}' expected near end of file" analyzer

# A malformed row: the analyzer reports it as a failed check (exit 1);
# diverge cannot compare a history it cannot read, and names the line
broken badrow
sed -i '3s/.*/garbage/' "$LC_WORK/badrow/machine-1.csv"
refused badrow "$LC_WORK/badrow/machine-1.csv: line 3: time: expected seconds with 6 decimals"

# The fixture against itself still compares
rc=0
"$LCLOCK" diverge "$clean" "$clean" >"$LC_WORK/self.out" 2>"$LC_WORK/self.err" || rc=$?
[ "$rc" = 0 ] && grep -q "^first divergence by cause: none 3$" "$LC_WORK/self.out" \
    || fail "clean against itself: exit $rc, $(cat "$LC_WORK/self.out" "$LC_WORK/self.err")"
echo "diverge_input: ok"
