#!/usr/bin/env bash
# launch/bench.sh --quick produces every figure of its table: each with a
# number and a verdict, in the table and in bench.json. Targets are not
# asserted (this is the sanitizer build on a shared host); benchmarks, not
# tests, say whether they are met (docs/performance.md).
. "$LC_SOURCE/tests/lib/run.sh"

out=$LC_WORK/bench
bash "$LC_SOURCE/launch/bench.sh" --quick --lclock "$LCLOCK" --lclock-bench "$LC_BUILD/lclock_bench" \
    --tools "$LC_BUILD" --out "$out" --keep >"$LC_WORK/bench.out" 2>"$LC_WORK/bench.err" \
    || { cat "$LC_WORK/bench.err" >&2; fail "launch/bench.sh --quick exited non-zero"; }

json=$out/bench.json
jq -e . "$json" >/dev/null || fail "bench.json is not JSON"
[ "$(jq -r .quick "$json")" = true ] || fail "bench.json does not say quick"
for id in cpu_rate1 cpu_rate3 cpu_rate6 ticks_exact tick_last tick_p99 rss_2peers \
          startstop speed_1000 speed_best mesh_128 mesh_64 mesh_256 delay; do
    fig=$(jq -c --arg id "$id" '.figures[] | select(.id == $id)' "$json")
    [ -n "$fig" ] || fail "figure $id missing from bench.json"
    jq -e '(.value | type) == "number" and (.verdict == "pass" or .verdict == "fail")' \
        <<<"$fig" >/dev/null || fail "figure $id has no number or no verdict: $fig"
    text=$(jq -r .figure <<<"$fig")
    grep -qF "| $text |" "$LC_WORK/bench.out" || fail "figure $id ($text) missing from the table"
done
#  What does not depend on the host's load holds: every machine did
#  exactly rate x duration ticks, and every mesh started and passed its checks
[ "$(jq -r '.figures[] | select(.id == "ticks_exact") | .value' "$json")" = 1 ] \
    || fail "tick counts not exact: $(jq -r '.figures[] | select(.id == "ticks_exact") | .measured' "$json")"
for id in mesh_128 mesh_64 mesh_256; do
    measured=$(jq -r --arg id "$id" '.figures[] | select(.id == $id) | .measured' "$json")
    grep -q '; checks pass; ' <<<"$measured" || fail "$id: $measured"
done
#  Every figure of the table is in the JSON, and only those
rows=$(grep -c '^| ' "$LC_WORK/bench.out")
[ "$rows" -eq $(($(jq '.figures | length' "$json") + 1)) ] \
    || fail "the table has $rows rows for $(jq '.figures | length' "$json") figures"
#  The delay figure read arrivals: the bench build recorded them, and the
#  normal build records none
[ "$(jq -r '.figures[] | select(.id == "delay") | .measured' "$json" | sed -n 's/.*(\([0-9]*\) messages;.*/\1/p')" -gt 0 ] \
    || fail "no message delay was measured"
#  Beside it and beside memory, the libraries' own floor (bench_zmq)
jq -r '.figures[] | select(.id == "delay") | .measured' "$json" \
    | grep -qE "libraries' floor: median [0-9.]+ us, p99 [0-9.]+ us" || fail "no floor beside the delay"
jq -r '.figures[] | select(.id == "rss_2peers") | .measured' "$json" \
    | grep -qE "libraries' floor [0-9.]+ MB" || fail "no floor beside the memory"
grep -q '^count=20 ' "$out/runs/floor" || fail "bench_zmq did not read its 20 messages: $(cat "$out/runs/floor")"
ls "$out"/runs/delay/logs/machine-*.arrivals >/dev/null || fail "lclock_bench wrote no arrivals"
[ -z "$(find "$out/runs" -path '*cpu-*' -name '*.arrivals')" ] || fail "lclock wrote arrivals"
echo "bench_quick: ok ($(jq '.figures | length' "$json") figures)"
