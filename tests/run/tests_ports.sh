#!/usr/bin/env bash
# tests_ports.sh - lc_ports (tests/lib/run.sh) never gives one port to two
# tests that run side by side: eight tests draw ten ports each at once from
# a range of only 100 (where drawing blindly would collide almost surely),
# and all 80 differ; a port of a test that ended is given out again.
source "$LC_SOURCE/tests/lib/run.sh"

# draw N: a test of its own that draws N ports, then lives on until the
# file $LC_WORK/release exists (so that every drawer still holds its ports
# when the last one draws, however slowly each gets its turn)
draw () {
    bash -c 'source "$LC_SOURCE/tests/lib/run.sh"
             LC_PORT_LOW=15000 LC_PORT_HIGH=15100 LC_PORT_REGISTRY=$1
             lc_ports "$2"
             while [ ! -e "$3" ]; do sleep 0.1; done' \
        draw "$LC_WORK/registry" "$1" "$LC_WORK/release"
}
for i in 1 2 3 4 5 6 7 8; do
    lc_start "d$i" draw 10
done
drawn () { [ "$(cat "$LC_WORK"/d?.out | wc -l)" = 80 ]; }
lc_wait_until 120 "the eight tests draw their ports" drawn
touch "$LC_WORK/release"
for i in 1 2 3 4 5 6 7 8; do
    lc_expect_exit "d$i" 0
done
cat "$LC_WORK"/d?.out >"$LC_WORK/all"
[ "$(wc -l <"$LC_WORK/all")" = 80 ] || fail "expected 80 ports, got $(wc -l <"$LC_WORK/all")"
dup=$(sort "$LC_WORK/all" | uniq -d | tr '\n' ' ')
[ -z "$dup" ] || fail "ports given to two tests at once: $dup"
# Those tests ended: their 80 ports are free again, so 90 fit in the 100
lc_start again draw 90
lc_expect_exit again 0
[ "$(sort -u "$LC_WORK/again.out" | wc -l)" = 90 ] || fail "ports of ended tests were not given out again"
echo "lc_ports: 80 ports to 8 tests at once, all different; freed when a test ends"
