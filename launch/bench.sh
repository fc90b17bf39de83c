#!/usr/bin/env bash
# launch/bench.sh - every figure of docs/performance.md's table, measured
# side by side on this host, printed as one table (figure, target,
# measured, pass/fail) and written as JSON.
set -euo pipefail
me=bench.sh
top=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)

usage () {
    cat <<EOF
usage: launch/bench.sh [--quick] [--only GROUPS] [--runs N] [--out DIR]
                       [--lclock BIN] [--lclock-bench BIN] [--tools DIR] [--keep]

Measures lclock machines on loopback beside a bare C loop (bench_ref: a
timerfd on the same absolute schedule, one CSV row per tick) and a Python
sleep-per-tick loop (bench/sleep_loop.py), and prints one table: figure,
target, measured, pass or fail. The same figures go to DIR/bench.json.
Figures are medians of --runs runs; comparisons are ratios within a run.
About 10 minutes in full; docs/performance.md explains each figure.

  --quick             a smoke run of every figure (seconds, not minutes,
                      small meshes): checks that each is produced, not
                      that targets are met; run by ctest
  --only GROUPS       comma-separated: cpu (CPU per minute, tick timing,
                      memory), startstop, speed, mesh, delay (default: all)
  --runs N            runs per figure (default 3, --quick 1)
  --out DIR           where bench.json, bench.txt and (--keep) the runs go
                      (default runs/bench-YYYYmmdd-HHMMSS)
  --lclock BIN        the lclock to measure (default build/release/lclock,
                      built first when missing or older than the sources)
  --lclock-bench BIN  the same lclock built to record message arrival
                      times (default lclock_bench beside --lclock); the
                      delay figure needs it
  --tools DIR         where bench_run and bench_ref are (default the
                      folder of build/release)
  --keep              keep every run's logs in DIR/runs
EOF
}

# shellcheck source=launch/common.sh
. "$top/launch/common.sh"

# ---------------------------------------------------------------------------
#  Options

quick=0; only=all; runs=""; out=""; lclock=""; lclock_bench=""; tools=""; keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --only) only=${2:?--only needs GROUPS}; shift ;;
        --runs) runs=${2:?--runs needs N}; shift ;;
        --out) out=${2:?--out needs DIR}; shift ;;
        --lclock) lclock=${2:?--lclock needs BIN}; shift ;;
        --lclock-bench) lclock_bench=${2:?--lclock-bench needs BIN}; shift ;;
        --tools) tools=${2:?--tools needs DIR}; shift ;;
        --keep) keep=1 ;;
        -h|--help) usage; exit 0 ;;
        *) usage_error "unknown option $1 (see --help)" ;;
    esac
    shift
done
[ -n "$runs" ] || runs=$((quick ? 1 : 3))
[[ "$runs" =~ ^[1-9][0-9]?$ ]] || usage_error "--runs $runs: expected 1..99"
for group in ${only//,/ }; do
    case "$group" in all|cpu|startstop|speed|mesh|delay) ;;
        *) usage_error "--only $group: expected cpu, startstop, speed, mesh or delay" ;;
    esac
done
wants () { [ "$only" = all ] || [[ ",$only," == *",$1,"* ]]; }

# ---------------------------------------------------------------------------
#  What is measured, and with what

if [ -z "$lclock" ] || [ -z "$tools" ]; then
    release=$top/build/release
    lc_release_build >&2
    [ -n "$lclock" ] || lclock=$release/lclock
    [ -n "$tools" ] || tools=$release
fi
[ -n "$lclock_bench" ] || lclock_bench=$(dirname "$lclock")/lclock_bench
[ -x "$lclock" ] || usage_error "--lclock $lclock: not an executable"
for tool in bench_run bench_ref bench_zmq; do
    [ -x "$tools/$tool" ] || usage_error "--tools $tools: no $tool there (build bench/$tool.c)"
done
python=/usr/bin/python3     #  Debian's, as a classroom machine has it
[ -x "$python" ] || die "$python is missing: apt-get install python3"

if [ -z "$out" ]; then
    out=$top/runs/bench-$(date +%Y%m%d-%H%M%S)
fi
mkdir -p "$out" || usage_error "--out $out: cannot create"
out=$(cd "$out" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/lclock-bench-XXXXXX")
pids=()
cleanup () {
    local pid
    for pid in "${pids[@]:-}"; do
        [ -z "$pid" ] || kill -TERM "$pid" 2>/dev/null || true
    done
    if [ "$keep" = 1 ]; then
        rm -rf "$out/runs"
        mv "$work" "$out/runs"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

#  Sizes of each figure (full, then --quick)
if [ "$quick" = 1 ]; then
    CPU_DURATION=3          #  wall seconds at speed 1
    STARTSTOP_RUNS=1
    SPEEDS="1000"
    SPEED_WALL=1            #  wall seconds of ticking per speed
    MESHES="6:10:3 4:10:3 8:10:3"   #  machines:speed:duration, for 128, 64, 256
    DELAY_DURATION=3
    FLOOR_MESSAGES="20 20"  #  bench_zmq COUNT GAP_MS
else
    CPU_DURATION=60
    STARTSTOP_RUNS=5
    SPEEDS="1000 2000 5000 10000 20000 50000"
    SPEED_WALL=3
    MESHES="128:1:60 64:10:60 256:10:60"
    DELAY_DURATION=20
    FLOOR_MESSAGES="200 50"
fi
CPU_RATES="1 3 6"           #  one machine at each, 2 peers
TARGET_SPEED=20000          #  the speed the sustained-speed target names
QUEUE_SHORT=100             #  "queues stay short": at most this many

# ---------------------------------------------------------------------------
#  Numbers

#  median V...: the median of the numbers given (nothing: empty)
median () {
    printf '%s\n' "$@" | grep . | sort -g | awk '{ v[NR] = $1 } END {
        if (NR) printf "%.6g\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

#  calc EXPR: awk arithmetic, printed with 4 significant digits
calc () { awk "BEGIN { printf \"%.4g\n\", $1 }"; }

#  rstat FILE KEY: a field of a bench_run result line
rstat () { sed -n "s/.* *\b$2=\([0-9.-]*\).*/\1/p" "$1"; }

#  field FILE KEY: a number or string from a machine's JSON summary
field () { sed -n "s/.*\"$2\": *\"\{0,1\}\([^,\"}]*\)\"\{0,1\}.*/\1/p" "$1" | head -n 1; }

#  lateness CSV RATE SPEED: one line per tick, "TICK LATENESS_MS", the
#  first row of each tick against t0 + k / (rate x speed), t0 being the
#  first start row; times are taken apart at the dot to keep every digit
lateness () {
    awk -F, -v rate="$2" -v speed="$3" '
        NR == 1 { next }
        { split ($1, t, "."); us = (t[1] - s0) * 1000000 + t[2] }
        $3 == "start" && !started { s0 = t[1]; t0 = t[2]; started = 1; next }
        ($3 == "send" || $3 == "recv" || $3 == "internal") && $4 > last {
            last = $4
            printf "%d %.4f\n", $4, (us - t0 - $4 * 1e6 / (rate * speed)) / 1000
        }' "$1"
}

#  percentile P FILE: the P-th percentile (0..1) of a file of numbers
percentile () {
    sort -g "$2" | awk -v p="$1" '{ v[NR] = $1 } END {
        if (NR) { i = int (p * NR + 0.999999); if (i < 1) i = 1; printf "%.4g\n", v[i] } }'
}

# ---------------------------------------------------------------------------
#  The table

figures=()      #  one line per figure: id|figure|target|measured|value|unit|verdict
figure () {
    local id=$1 text=$2 target=$3 measured=$4 value=$5 unit=$6 verdict=$7
    figures+=("$id|$text|$target|$measured|$value|$unit|$verdict")
    printf '%-12s %-5s %s: %s\n' "$id" "$verdict" "$text" "$measured" >&2
}

#  verdict COND: pass or fail from an awk condition
verdict () { awk "BEGIN { exit !($1) }" && echo pass || echo fail; }

# ---------------------------------------------------------------------------
#  Runs

#  cluster FILE N DURATION SPEED RATES: a cluster file of N machines on
#  loopback; RATES is one spec for all (1-6) or one rate per machine (1,3,6)
cluster () {
    local file=$1 n=$2 i=1 port rate
    local -a rates
    IFS=, read -r -a rates <<<"$5"
    {
        printf 'cluster\n    duration = %s\n    speed = %s\n    roll = 10\n    seed = %s\n' \
            "$3" "$4" "$((1000 + RANDOM))"
        [ ${#rates[@]} -gt 1 ] || printf '    rate = %s\n' "$5"
        for port in $(free_ports "$n"); do
            printf '    machine = %d\n        endpoint = tcp://127.0.0.1:%d\n' "$i" "$port"
            rate=${rates[i - 1]:-}
            [ ${#rates[@]} -le 1 ] || printf '        rate = %s\n' "$rate"
            i=$((i + 1))
        done
    } >"$file"
}

#  start_machines DIR N DURATION SPEED RATES [BIN]: N machines of a new
#  cluster in DIR, each under bench_run (DIR/stat-I), their pids in pids,
#  the wall time of the last launch in last_launch. Bounded in time.
start_machines () {
    local dir=$1 n=$2 bin=${6:-$lclock} i timeout bound
    mkdir -p "$dir/logs"
    cluster "$dir/cluster.zpl" "$n" "$3" "$4" "$5"
    timeout=$((n > 32 ? 180 : 30))
    bound=$(awk -v d="$3" -v s="$4" -v t="$timeout" 'BEGIN { printf "%d", t + d / s + 60 }')
    pids=()
    for ((i = 1; i <= n; i++)); do
        "$tools/bench_run" "$dir/stat-$i" "$bound" "$bin" machine --cluster "$dir/cluster.zpl" \
            --id "$i" --log-dir "$dir/logs" --start-timeout "$timeout" --quiet \
            >/dev/null 2>"$dir/err-$i" &
        pids+=($!)
    done
    last_launch=$(date +%s.%N)
}

#  beside DIR KIND RATE DURATION [SPEED [NAME]]: one reference loop (ref:
#  bench_ref, py: sleep_loop.py) under bench_run, its pid added to pids;
#  its files DIR/KIND-NAME.csv and DIR/stat-KIND-NAME (NAME: the rate)
beside () {
    local dir=$1 kind=$2 rate=$3 duration=$4 speed=${5:-1} name=${6:-$3} bound
    bound=$(awk -v d="$duration" -v s="$speed" 'BEGIN { printf "%d", d / s + 60 }')
    if [ "$kind" = ref ]; then
        "$tools/bench_run" "$dir/stat-$kind-$name" "$bound" "$tools/bench_ref" \
            "$rate" "$duration" "$speed" "$dir/$kind-$name.csv" 2>"$dir/err-$kind-$name" &
    else
        "$tools/bench_run" "$dir/stat-$kind-$name" "$bound" "$python" "$top/bench/sleep_loop.py" \
            "$rate" "$duration" "$speed" "$dir/$kind-$name.csv" 2>"$dir/err-$kind-$name" &
    fi
    pids+=($!)
}

#  sample_memory OUT PID...: after a while, the PSS and private memory (kB)
#  of the process each bench_run PID runs, one line each: what RSS does not
#  say, since most of a machine's RSS is shared library pages
sample_memory () {
    local out=$1 pid child; shift
    for pid in "$@"; do
        child=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null) || continue
        awk '/^Pss:/ { p = $2 } /^Private_(Clean|Dirty):/ { q += $2 }
             END { if (p) print p, q }' "/proc/${child%% *}/smaps_rollup" 2>/dev/null
    done >"$out"
}

#  wait_all: waits for every pid; false if any exited non-zero
wait_all () {
    local pid rc=0
    for pid in "${pids[@]}"; do
        wait "$pid" || rc=1
    done
    pids=()
    return "$rc"
}

#  machines DIR N DURATION SPEED RATES [BIN]: a whole run, started again
#  (up to 3 times) when a port was taken meanwhile; false with a line on
#  stderr when a machine failed
machines () {
    local attempt
    for attempt in 1 2 3; do
        rm -rf "$1"
        start_machines "$@"
        wait_all && return 0
        grep -qs "cannot bind" "$1"/err-* || break
    done
    echo "$me: $1: a machine failed: $(cat "$1"/err-* | head -n 3)" >&2
    return 1
}

#  analyze DIR: lclock analyze on the run's logs; true if every check holds
analyze () { "$lclock" analyze "$1/logs" --no-plots >"$1/analyze.out" 2>&1; }

#  max_queue DIR: the longest receive buffer of any machine of the run
max_queue () {
    awk -F, 'FNR > 1 && $6 > m { m = $6 } END { print m + 0 }' "$1"/logs/machine-*.csv
}

#  late_share DIR: late ticks / ticks over the run's machines, in percent
late_share () {
    local f late=0 ticks=0
    for f in "$1"/logs/machine-*.json; do
        late=$((late + $(field "$f" late_ticks)))
        ticks=$((ticks + $(field "$f" ticks)))
    done
    calc "$ticks ? 100 * $late / $ticks : 100"
}

# ---------------------------------------------------------------------------
#  CPU per machine-minute, tick timing and memory: 3 machines at rates 1,
#  3 and 6, speed 1, beside a C loop and a Python loop at each rate

group_cpu () {
    local run r dir rate kind cpu ref ok counts
    local -A cpu_l cpu_ref cpu_py ratio wake_l wake_ref wake_floor last p99 last_py last_ref rss pss
    counts=1
    for ((run = 1; run <= runs; run++)); do
        dir=$work/cpu-$run
        echo "$me: cpu run $run/$runs (${CPU_DURATION} s)" >&2
        rm -rf "$dir"
        mkdir -p "$dir"
        pids=()
        for rate in $CPU_RATES; do
            beside "$dir" ref "$rate" "$CPU_DURATION"
            beside "$dir" py "$rate" "$CPU_DURATION"
        done
        local -a others=("${pids[@]}")
        start_machines "$dir/m" 3 "$CPU_DURATION" 1 "${CPU_RATES// /,}"
        { sleep $((CPU_DURATION / 2 + 1)); sample_memory "$dir/memory" "${pids[@]}"; } &
        local sampler=$!
        pids+=("${others[@]}")
        wait_all || { echo "$me: cpu run $run failed: $(cat "$dir"/err-* "$dir"/m/err-* | head -n 3)" >&2; return 1; }
        wait "$sampler" || true
        pss[$run]=$(awk '{ p += $1; q += $2 } END { if (NR) printf "%.2f %.2f", p / NR / 1024, q / NR / 1024 }' "$dir/memory")
        r=1
        for rate in $CPU_RATES; do
            cpu=$(rstat "$dir/m/stat-$r" cpu_us)
            ref=$(rstat "$dir/stat-ref-$rate" cpu_us)
            cpu_l[$rate]+=" $(calc "$cpu / 1000 * 60 / $CPU_DURATION")"
            cpu_ref[$rate]+=" $(calc "$ref / 1000 * 60 / $CPU_DURATION")"
            cpu_py[$rate]+=" $(calc "$(rstat "$dir/stat-py-$rate" cpu_us) / 1000 * 60 / $CPU_DURATION")"
            ratio[$rate]+=" $(calc "$cpu / $ref")"
            wake_l[$rate]+=" $(calc "$(rstat "$dir/m/stat-$r" vcsw) * 60 / $CPU_DURATION")"
            wake_ref[$rate]+=" $(calc "$(rstat "$dir/stat-ref-$rate" vcsw) * 60 / $CPU_DURATION")"
            wake_floor[$rate]+=" $(calc "$(wake_floor "$dir/m/logs/machine-$r.json" "$dir/m/logs/machine-$r.csv") * 60 / $CPU_DURATION")"
            rss[$run]+=" $(rstat "$dir/m/stat-$r" maxrss_kb)"
            [ "$(field "$dir/m/logs/machine-$r.json" ticks)" = $((rate * CPU_DURATION)) ] || counts=0
            lateness "$dir/m/logs/machine-$r.csv" "$rate" 1 >"$dir/late-$r"
            for kind in ref py; do
                lateness "$dir/$kind-$rate.csv" "$rate" 1 >"$dir/late-$kind-$rate"
            done
            r=$((r + 1))
        done
        cat "$dir"/late-[0-9] | awk '{ print $2 }' >"$dir/late-all"
        last[$run]=$(for r in 1 2 3; do tail -n 1 "$dir/late-$r"; done | awk '{ print $2 }' | sort -g | tail -n 1)
        p99[$run]=$(percentile 0.99 "$dir/late-all")
        last_py[$run]=$(tail -q -n 1 "$dir"/late-py-* | awk '{ print $2 }' | sort -g | tail -n 1)
        last_ref[$run]=$(tail -q -n 1 "$dir"/late-ref-* | awk '{ print $2 }' | sort -g | tail -n 1)
        ok=1
        analyze "$dir/m" || ok=0
        [ "$ok" = 1 ] || echo "$me: cpu run $run: analyze failed ($dir/m/analyze.out)" >&2
    done
    for rate in $CPU_RATES; do
        # shellcheck disable=SC2086
        local l=$(median ${cpu_l[$rate]}) f=$(median ${cpu_ref[$rate]}) \
              p=$(median ${cpu_py[$rate]}) q=$(median ${ratio[$rate]}) \
              wl=$(median ${wake_l[$rate]}) wr=$(median ${wake_ref[$rate]}) \
              wf=$(median ${wake_floor[$rate]})
        local before=${CPU_BEFORE[$rate]}
        figure "cpu_rate$rate" "CPU per machine-minute, rate $rate, speed 1" \
            "<= 1.5 x C loop; <= $(calc "$before / 3") ms (1/3 of $before)" \
            "$l ms = $q x C loop ($f ms); Python $p ms; wake-ups/min $wl (C $wr; its ticks and messages need about $wf)" \
            "$l" ms "$(verdict "$q <= 1.5 && $l <= $before / 3")"
    done
    # shellcheck disable=SC2086
    figure ticks_exact "tick counts, speed 1, ${CPU_DURATION} s" "exactly rate x duration" \
        "$([ "$counts" = 1 ] && echo exact || echo "NOT exact")" "$counts" bool \
        "$([ "$counts" = 1 ] && echo pass || echo fail)"
    # shellcheck disable=SC2086
    local lt=$(median ${last[*]}) lp=$(median ${last_py[*]}) lr=$(median ${last_ref[*]})
    figure tick_last "last tick vs its due time, speed 1" "< 1 ms late" \
        "$lt ms (C loop $lr ms, Python $lp ms)" "$lt" ms "$(verdict "$lt < 1")"
    # shellcheck disable=SC2086
    local pt=$(median ${p99[*]})
    figure tick_p99 "p99 tick lateness, speed 1" "< 2 ms" "$pt ms" "$pt" ms "$(verdict "$pt < 2")"
    local maxes=() run_rss
    for run_rss in "${rss[@]}"; do
        # shellcheck disable=SC2086
        maxes+=("$(printf '%s\n' $run_rss | sort -g | tail -n 1)")
    done
    rss2=$(calc "$(median "${maxes[@]}") / 1024")
    local p_mb q_mb
    # shellcheck disable=SC2046
    p_mb=$(median $(for r in "${pss[@]}"; do echo "${r% *}"; done))
    # shellcheck disable=SC2046
    q_mb=$(median $(for r in "${pss[@]}"; do echo "${r#* }"; done))
    zmq_floor || return 1
    figure rss_2peers "peak RSS of a machine with 2 peers" "< 8 MB" \
        "$rss2 MB (mid-run: PSS ${p_mb:-?} MB, private ${q_mb:-?} MB; the rest is shared library pages; libraries' floor $floor_rss MB)" \
        "$rss2" MB "$(verdict "$rss2 < 8")"
}

#  wake_floor JSON LOG: about how many wake-ups a machine's run needs with
#  ZeroMQ, counted from its summary and log: one per tick (as the C loop),
#  its I/O thread's for each send event (the messages of one event are
#  handed over together), and for each message received its I/O thread's
#  and, since the model takes a message off the socket the moment it
#  arrives, its main thread's. An estimate, not a bound: a message that
#  arrives while a thread is awake anyway costs no wake-up of its own.
wake_floor () {
    awk -F, -v ticks="$(field "$1" ticks)" '
        $3 == "send" { sends++ }
        $3 == "recv" || $3 == "unread" { got++ }
        END { print ticks + sends + 2 * got }' "$2"
}

#  CPU per machine-minute at rates 1, 3, 6 before this work: e02b911,
#  measured with this script (docs/performance.md, "Before and after")
declare -A CPU_BEFORE=([1]=30.4 [3]=39.0 [6]=55.2)

# ---------------------------------------------------------------------------
#  The floor of the libraries: bench_zmq, two processes with a machine's
#  sockets and nothing else (czmq's context, a PULL, two PUSH, a zloop),
#  one message every GAP_MS; measured right after the memory figure's runs
#  and again right after the delay figure's run, and shown beside each

floor_median=""; floor_p99=""; floor_rss=""
zmq_floor () {
    echo "$me: the libraries' floor (bench_zmq $FLOOR_MESSAGES)" >&2
    # shellcheck disable=SC2086
    "$tools/bench_run" "$work/stat-floor" 120 "$tools/bench_zmq" $FLOOR_MESSAGES >"$work/floor" \
        2>"$work/err-floor" || { echo "$me: bench_zmq failed: $(head -n 3 "$work/err-floor")" >&2; return 1; }
    floor_median=$(rstat "$work/floor" delay_median_us)
    floor_p99=$(rstat "$work/floor" delay_p99_us)
    floor_rss=$(calc "$(printf '%s\n' "$(rstat "$work/floor" rss_sender_kb)" \
        "$(rstat "$work/floor" rss_receiver_kb)" | sort -g | tail -n 1) / 1024")
}

# ---------------------------------------------------------------------------
#  Start and stop: 3 machines that tick once (rate 1, 1 model s at speed
#  100: 10 ms of ticking); all their CPU is start and stop

group_startstop () {
    local run r dir samples=() walls=()
    for ((run = 1; run <= STARTSTOP_RUNS; run++)); do
        dir=$work/startstop-$run
        machines "$dir" 3 1 100 1 || return 1
        for r in 1 2 3; do
            samples+=("$(calc "$(rstat "$dir/stat-$r" cpu_us) / 1000")")
            walls+=("$(calc "$(rstat "$dir/stat-$r" wall_us) / 1000")")
        done
    done
    local cpu wall
    cpu=$(median "${samples[@]}")
    wall=$(median "${walls[@]}")
    figure startstop "start + stop CPU per machine, 3 machines" "< 10 ms" \
        "$cpu ms (wall $wall ms, the drain included)" "$cpu" ms "$(verdict "$cpu < 10")"
}

# ---------------------------------------------------------------------------
#  ref_late_share DIR SPEED: late ticks (> 1 ms) / ticks of the C loops
#  DIR/ref-*.csv at rate 6, in percent
ref_late_share () {
    local f
    for f in "$1"/ref-*.csv; do lateness "$f" 6 "$2"; done \
        | awk '{ n++ } $2 > 1 { late++ } END { printf "%.4g\n", n ? 100 * late / n : 100 }'
}

#  Sustained speed: 3 machines at rate 6, full logging, SPEED_WALL wall
#  seconds at each speed; then, on their own, 3 C loops at the same speed:
#  the floor of what this host sustains

group_speed () {
    local speed run dir late queues holds best=0 shares floors floor best_floor=0 i
    for speed in $SPEEDS; do
        shares=(); queues=(); floors=(); holds=1
        for ((run = 1; run <= runs; run++)); do
            dir=$work/speed-$speed-$run
            echo "$me: speed $speed run $run/$runs" >&2
            machines "$dir" 3 $((speed * SPEED_WALL)) "$speed" 6 || { holds=0; continue; }
            shares+=("$(late_share "$dir")")
            queues+=("$(max_queue "$dir")")
            analyze "$dir" || { holds=0; echo "$me: speed $speed: analyze failed" >&2; }
            pids=()
            for i in 1 2 3; do
                beside "$dir" ref 6 $((speed * SPEED_WALL)) "$speed" "$i"
            done
            wait_all || echo "$me: speed $speed: a C loop failed" >&2
            floors+=("$(ref_late_share "$dir" "$speed")")
        done
        floor=$(median "${floors[@]:-100}")
        [ "$(verdict "$floor < 1")" = fail ] || best_floor=$speed
        late=$(median "${shares[@]:-100}")
        local q
        q=$(median "${queues[@]:-0}")
        [ "$(verdict "$q <= $QUEUE_SHORT")" = pass ] || holds=0
        local target="< 1 % late; analyze passes; queues <= $QUEUE_SHORT" v
        v=$(verdict "$late < 1 && $holds")
        [ "$speed" = "$TARGET_SPEED" ] || { target="(reported) $target"; }
        figure "speed_$speed" "late ticks at speed $speed, 3 machines at rate 6" "$target" \
            "$late % late; max queue $q; model $([ "$holds" = 1 ] && echo holds || echo BROKEN); C loops alone: $floor % late" \
            "$late" % "$v"
        [ "$v" = fail ] || best=$speed
    done
    local target_v
    target_v=$(verdict "$best >= $TARGET_SPEED")
    figure speed_best "highest speed sustained (< 1 % late, model holds)" ">= $TARGET_SPEED" \
        "$best ($((best * 6)) ticks/s per machine); 3 C loops alone: $best_floor" "$best" speed "$target_v"
}

# ---------------------------------------------------------------------------
#  Meshes: every machine a peer of every other

group_mesh () {
    local spec n speed duration dir name start_spread late ok rss cpu first label
    local targets=(128 64 256) k=0
    for spec in $MESHES; do
        IFS=: read -r n speed duration <<<"$spec"
        name=${targets[k]}
        k=$((k + 1))
        dir=$work/mesh-$n
        echo "$me: mesh of $n machines, speed $speed, $duration model s" >&2
        ok=1
        local failed=""
        machines "$dir" "$n" "$duration" "$speed" 1-6 \
            || failed="; machines failed: $(for f in "$dir"/stat-*; do rstat "$f" status; done \
                                          | sort | uniq -c | awk '$2 != 0 { printf "%s exit %s ", $1, $2 }')"
        [ -z "$failed" ] || ok=0
        label="$n machines, speed $speed, $duration s"
        [ "$name" = "$n" ] || label="$label (--quick, for $name)"
        if [ ! -s "$dir/logs/machine-1.csv" ]; then
            figure "mesh_$name" "mesh of $label" "starts; checks pass" "did not start" \
                null "" fail
            continue
        fi
        first=$(awk -F, 'FNR == 2 { print $1 }' "$dir"/logs/machine-*.csv | sort -g | tail -n 1)
        start_spread=$(calc "$first - $last_launch")
        late=$(late_share "$dir")
        analyze "$dir" || { ok=0; echo "$me: mesh of $n: analyze failed ($dir/analyze.out)" >&2; }
        rss=$(median $(for f in "$dir"/stat-*; do rstat "$f" maxrss_kb; done))
        cpu=$(median $(for f in "$dir"/stat-*; do rstat "$f" cpu_us; done))
        local per_peer="? KB per peer: no 2-peer figure (--only cpu)"
        [ -z "$rss2" ] || per_peer="$(calc "($rss - $rss2 * 1024) / ($n - 3)") KB per peer"
        local target="start <= 5 s after the last launch; checks pass; < 1 % late"
        [ "$name" != 256 ] || target="(reported) $target"
        figure "mesh_$name" "mesh of $label" "$target" \
            "start $start_spread s after the last launch; checks $([ "$ok" = 1 ] && echo pass || echo FAIL)$failed; $late % late; RSS $(calc "$rss / 1024") MB ($per_peer); CPU $(calc "$cpu / 1000") ms per machine" \
            "$start_spread" s "$(verdict "$start_spread <= 5 && $ok && $late < 1")"
    done
}

# ---------------------------------------------------------------------------
#  Message delay: send row to arrival in the receiver's buffer, recorded by
#  lclock_bench (machine-ID.arrivals: arrival_us,sender,seq per message)

group_delay () {
    local dir=$work/delay
    if [ ! -x "$lclock_bench" ]; then
        figure delay "message delay on loopback, median" "< 100 us" \
            "not measured: no $lclock_bench (--lclock-bench)" null us fail
        return 0
    fi
    echo "$me: message delay (${DELAY_DURATION} s)" >&2
    machines "$dir" 3 "$DELAY_DURATION" 1 6 "$lclock_bench" || return 1
    awk -F, '
        FILENAME ~ /\.csv$/ && $3 == "send" { split ($1, t, "."); sent[$8] = t[1] * 1000000 + t[2]; next }
        FILENAME ~ /\.arrivals$/ && ($2 ":" $3) in sent { print $1 - sent[$2 ":" $3] }
    ' "$dir"/logs/machine-*.csv "$dir"/logs/machine-*.arrivals >"$dir/delays"
    local n med p99
    n=$(wc -l <"$dir/delays")
    med=$(percentile 0.5 "$dir/delays")
    p99=$(percentile 0.99 "$dir/delays")
    zmq_floor || return 1
    figure delay "message delay on loopback (send row to receiver's buffer)" "median < 100 us" \
        "median ${med:-?} us, p99 ${p99:-?} us ($n messages; libraries' floor: median $floor_median us, p99 $floor_p99 us)" "${med:-null}" us \
        "$([ -n "$med" ] && verdict "$med < 100" || echo fail)"
}

# ---------------------------------------------------------------------------

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "$me: measuring $lclock ($("$lclock" --version 2>&1 | head -n 1)), $runs run(s) each" >&2
rss2=""
wants cpu && group_cpu
wants startstop && group_startstop
wants speed && group_speed
wants mesh && group_mesh
wants delay && group_delay

#  The table, then the same as JSON
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
    printf '| figure | target | measured | verdict |\n|---|---|---|---|\n'
    for line in "${figures[@]}"; do
        IFS='|' read -r id text target measured value unit verdict <<<"$line"
        printf '| %s | %s | %s | %s |\n' "$text" "$target" "$measured" "$verdict"
    done
    printf '\nload average (1, 5, 15 min): %s before, %s after, %s cores\n' \
        "$load_before" "$load_after" "$(nproc)"
} | tee "$out/bench.txt"
{
    printf '{\n  "lclock": "%s",\n  "version": "%s",\n  "quick": %s,\n  "runs": %s,\n' \
        "$lclock" "$("$lclock" --version 2>&1 | head -n 1)" \
        "$([ "$quick" = 1 ] && echo true || echo false)" "$runs"
    printf '  "host": "%s, %s cores",\n  "load_before": "%s",\n  "load_after": "%s",\n' \
        "$(uname -r)" "$(nproc)" "$load_before" "$load_after"
    printf '  "date": "%s",\n  "figures": [\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    sep=""
    for line in "${figures[@]}"; do
        IFS='|' read -r id text target measured value unit verdict <<<"$line"
        printf '%s    { "id": "%s", "figure": "%s", "target": "%s", "measured": "%s", "value": %s, "unit": "%s", "verdict": "%s" }' \
            "$sep" "$id" "$text" "$target" "$measured" "${value:-null}" "$unit" "$verdict"
        sep=$',\n'
    done
    printf '\n  ]\n}\n'
} >"$out/bench.json"
echo "$me: $out/bench.json" >&2
