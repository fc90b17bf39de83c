# analyze_summary.sh - a machine-ID.json that is not a complete, well-typed
# summary is unreadable input: `lclock analyze` exits 2 with one line on
# stderr naming the file and the key (lc_summary reads it for the analyzer).
source "$LC_SOURCE/tests/lib/run.sh"

# broken NAME SED: the clean fixture with machine-2.json edited by SED;
# analyze must exit 2 and name machine-2.json and the key in NAME
broken () {
    local key=$1 edit=$2 dir="$LC_WORK/$1"
    mkdir -p "$dir"
    cp "$LC_FIXTURES/clean/"machine-* "$dir/"
    sed -i "$edit" "$dir/machine-2.json"
    lc_expect_refused -p 2 "machine-2.json: key '$key'" "$LCLOCK" analyze "$dir" --no-plots
}

broken rate '/"rate"/d'                                   # missing
broken rate 's/"rate": 1,/"rate": "1",/'                  # wrong type
broken rate 's/"rate": 1,/"rate": 0,/'                    # out of range
broken speed 's/"speed": 1,/"speed": 1e308,/'             # out of range
broken final_clock 's/"final_clock": 5/"final_clock": 5.5/'
broken stop_reason 's/"stop_reason": "duration"/"stop_reason": "done"/'
broken unacked '/"unacked"/d'
broken curve 's/"curve": false/"curve": "no"/'
broken machine 's/"machine": 2,/"machine": 3,/'           # another machine's

# {} is not a summary: the first key is missing
mkdir -p "$LC_WORK/empty"
cp "$LC_FIXTURES/clean/"machine-* "$LC_WORK/empty/"
echo '{}' >"$LC_WORK/empty/machine-1.json"
lc_expect_refused -p 2 "machine-1.json: key 'machine' is missing" "$LCLOCK" analyze "$LC_WORK/empty" --no-plots

# A FIFO in place of the summary is refused at once, never waited on
mkdir -p "$LC_WORK/fifo"
cp "$LC_FIXTURES/clean/"machine-* "$LC_WORK/fifo/"
rm "$LC_WORK/fifo/machine-3.json"
mkfifo "$LC_WORK/fifo/machine-3.json"
lc_expect_refused -p 2 "machine-3.json: a FIFO, not a regular file" "$LCLOCK" analyze "$LC_WORK/fifo" --no-plots
echo "analyze_summary: every broken summary refused with exit 2, naming file and key"
