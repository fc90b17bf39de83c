#!/usr/bin/env bash
# IPv6 endpoints work as docs/cli.md shows them (tcp://[::1]:PORT), without
# any environment variable: two machines on the IPv6 loopback run to the
# end and their run checks out, neither warning that its links are not
# authenticated (a loopback bind).
. "$LC_SOURCE/tests/lib/run.sh"

ip -6 addr show dev lo 2>/dev/null | grep -q "::1/128" \
    || fail "no IPv6 loopback (::1) on this host: this test needs it"
lc_loopback 2
run="$LC_WORK/run"
for i in 1 2; do
    j=$((3 - i))
    lc_start "m$i" env -u ZSYS_IPV6 "$LCLOCK" machine --id "$i" --bind "tcp://[::1]:${LC_PORT[i]}" \
        --peer "$j=tcp://[::1]:${LC_PORT[j]}" --speed 20 --duration 20 --seed 6 \
        --start-timeout 10 --log-dir "$run"
done
for i in 1 2; do
    lc_expect_exit "m$i" 0
    lc_expect_ticks "$run/machine-$i.json"
    ! grep -q "not authenticated" "$LC_WORK/m$i.err" \
        || fail "machine $i bound to [::1] warned its links are not authenticated"
done
lc_logcheck "$run"/machine-*.csv
"$LCLOCK" analyze "$run" --no-plots >"$LC_WORK/analyze.out" 2>&1 \
    || { cat "$LC_WORK/analyze.out" >&2; fail "lclock analyze failed on the run"; }
grep -q '"bind": "tcp://\[::1\]' "$run/machine-1.json" || fail "summary bind is not the IPv6 endpoint"
echo "machine_ipv6: ok ($(lc_field "$run/machine-1.json" sent) + $(lc_field "$run/machine-2.json" sent) messages)"
