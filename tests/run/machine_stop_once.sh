#!/usr/bin/env bash
# A machine writes its last rows (unread, unacked, stop) once. Two machines
# of one tick at --speed 1e6 start, stop and drain within a few
# milliseconds, so the last ACK or BYE of the peer often comes while the
# machine is already writing them (taking it in once more found it drained
# again, and a second stop row followed: in about 1 run of 5). Ten such
# runs, every log checked.
. "$LC_SOURCE/tests/lib/run.sh"

for ((k = 1; k <= 10; k++)); do
    lc_loopback 2
    run="$LC_WORK/run-$k"
    lc_start_machines "r${k}m" "1 2" --speed 1e6 --duration 1 --rate 1 --seed "$k" \
        --log-dir "$run" --quiet
    for i in 1 2; do
        lc_expect_exit "r${k}m$i" 0
        [ "$(lc_count "$run/machine-$i.csv" stop)" = 1 ] \
            || { cat "$run/machine-$i.csv" >&2; fail "run $k: machine $i wrote $(lc_count "$run/machine-$i.csv" stop) stop rows"; }
        lc_expect_ticks "$run/machine-$i.json"
    done
    lc_logcheck "$run"/machine-*.csv >/dev/null
done
echo "machine_stop_once: 10 runs, one stop row per machine"
