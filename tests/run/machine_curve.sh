#!/usr/bin/env bash
# CURVE: trusted peers exchange messages; a client with an untrusted
# certificate gets nothing through and is reported; a trusted certificate
# claiming another machine's id is rejected; a plain-text client gets
# nothing through. Certificates come from `lclock keygen`.
. "$LC_SOURCE/tests/lib/run.sh"
inject="$LC_TOOLS/lc_inject"

keys="$LC_WORK/keys" trust="$LC_WORK/trust" run="$LC_WORK/run"
mkdir -p "$trust"
for i in 1 2 3 9; do
    "$LCLOCK" keygen "$i" "$keys" >/dev/null || fail "keygen $i failed"
done
lc_expect_refused -p 2 "never overwritten" "$LCLOCK" keygen 1 "$keys"
lc_expect_refused -p 2 "ID: expected 1..65535, got '+5'" "$LCLOCK" keygen +5 "$keys"
cp "$keys"/machine-{1,2,3}.cert "$trust/"       # machine 9 is not trusted

lc_loopback 3
# Long enough for any host: the machines are stopped (SIGTERM) once machine
# 1 has said on stderr that it counted every injection (its summary has the
# counts at its stop) and machine 2 has received a message
for i in 1 2 3; do
    # shellcheck disable=SC2046
    lc_start "m$i" "$LCLOCK" machine $(lc_machine_args "$i") --speed 10 --duration 3000 \
        --seed 8 --log-dir "$run" --cert "$keys/machine-$i.cert_secret" --trust "$trust"
done
lc_wait_file "$run/machine-1.csv" 60
ep="tcp://127.0.0.1:${LC_PORT[1]}"
# Untrusted key: refused in the handshake (1 untrusted, 1 bad connection)
LC_INJECT_CERT="$keys/machine-9.cert_secret" LC_INJECT_SERVER="$keys/machine-1.cert" \
    "$inject" unknown "$ep" 3 9
# Trusted key of machine 3 claiming to be machine 2: 4 rejected, and the
# connection never carried a valid message (1 bad connection)
LC_INJECT_CERT="$keys/machine-3.cert_secret" LC_INJECT_SERVER="$keys/machine-1.cert" \
    "$inject" unknown "$ep" 4 2
# Plain text to a CURVE socket: the handshake fails (1 bad connection)
"$inject" unknown "$ep" 5 2
# noticed KIND: the sum of machine 1's stderr reports of KIND so far
noticed () {
    sed -n "s/^lclock machine 1: $1 \([0-9]*\) (last: .*/\1/p" "$LC_WORK/m1.err" \
        | awk '{ n += $1 } END { print n + 0 }'
}
reported () {
    [ "$(noticed 'untrusted peers refused')" -ge 1 ] && [ "$(noticed 'rejected messages')" -ge 4 ] \
        && [ "$(noticed 'bad connections')" -ge 3 ] && [ "$(lc_count "$run/machine-2.csv" recv)" -gt 0 ]
}
lc_wait_until 60 "machine 1 reports the injections, machine 2 receives" reported
[ "$(lc_field "$run/machine-1.json" stop_reason)" = null ] \
    || { cat "$LC_WORK/m1.err" >&2; fail "machine 1 stopped before it reported the injections"; }
# shellcheck disable=SC2154  # set by lc_start
kill -TERM "$pid_m1" "$pid_m2" "$pid_m3"
for i in 1 2 3; do
    lc_expect_exit "m$i" 0
    [ "$(lc_field "$run/machine-$i.json" stop_reason)" = signal ] || fail "machine $i: stop_reason is not signal"
    [ "$(lc_last "$run/machine-$i.csv" 3)" = stop ] || fail "machine $i: no stop row"
done
json="$run/machine-1.json"
echo "machine 1: untrusted $(lc_field "$json" untrusted) rejected $(lc_field "$json" rejected)" \
     "bad_connections $(lc_field "$json" bad_connections) received $(lc_field "$json" received)"
[ "$(lc_field "$json" untrusted)" = 1 ] || fail "untrusted: want 1"
[ "$(lc_field "$json" rejected)" = 4 ] || fail "rejected: want 4"
[ "$(lc_field "$json" bad_connections)" = 3 ] || fail "bad_connections: want 3"
grep -q "untrusted peers refused 1" "$LC_WORK/m1.err" || fail "untrusted peer not reported on stderr"
grep -q "sender id does not match its certificate" "$LC_WORK/m1.err" || fail "forged id not reported"
[ "$(lc_field "$run/machine-2.json" received)" -gt 0 ] || fail "trusted peers exchanged nothing"
lc_logcheck "$run"/machine-*.csv
"$LCLOCK" analyze "$run" --no-plots >"$LC_WORK/analyze.out" 2>&1 \
    || { cat "$LC_WORK/analyze.out" >&2; fail "lclock analyze failed on the run"; }

# A peer whose trusted certificate is missing: a configuration error
lc_expect_refused -p 2 "cannot load $trust/machine-4.cert" \
    "$LCLOCK" machine --id 1 --bind "tcp://127.0.0.1:${LC_PORT[1]}" --peer "4=tcp://127.0.0.1:${LC_PORT[2]}" \
    --log-dir "$LC_WORK/none" --cert "$keys/machine-1.cert_secret" --trust "$trust"
# A public certificate given as the machine's own: named as the certificate
lc_expect_refused -p 2 "certificate $trust/machine-1.cert: not a secret certificate" \
    "$LCLOCK" machine --id 1 --bind "tcp://127.0.0.1:${LC_PORT[1]}" --peer "2=tcp://127.0.0.1:${LC_PORT[2]}" \
    --log-dir "$LC_WORK/none" --cert "$trust/machine-1.cert" --trust "$trust"
[ ! -e "$LC_WORK/none/machine-1.csv" ] || fail "public certificate as --cert: a log was made"

# A machine started with a certificate its peer does not trust: the peer
# refuses and counts it; the machine is told why, and both time out (exit 3)
run="$LC_WORK/refused"
lc_loopback 2
# shellcheck disable=SC2046
lc_start r1 "$LCLOCK" machine $(lc_machine_args 1) --start-timeout 3 --log-dir "$run" \
    --cert "$keys/machine-1.cert_secret" --trust "$trust"
# shellcheck disable=SC2046
lc_start r2 "$LCLOCK" machine $(lc_machine_args 2) --start-timeout 3 --log-dir "$run" \
    --cert "$keys/machine-9.cert_secret" --trust "$trust"
for m in r1 r2; do
    lc_wait "$m"; rc=$LC_RC
    [ "$rc" = 3 ] || { cat "$LC_WORK/$m.err" >&2; fail "$m exited $rc, not 3"; }
done
grep -q "untrusted peers refused 1" "$LC_WORK/r1.err" || { cat "$LC_WORK/r1.err" >&2; fail "machine 1 did not report the untrusted peer"; }
grep -q "machine 1 refused our handshake 1 time: with CURVE" "$LC_WORK/r2.err" \
    || { cat "$LC_WORK/r2.err" >&2; fail "machine 2 was not told that machine 1 refused it"; }
[ ! -e "$run/machine-1.csv" ] && [ ! -e "$run/machine-2.csv" ] || fail "a refused run left a log"

# CURVE from the cluster file: `trust` and every machine's `cert`, no
# --cert or --trust on the command line
run="$LC_WORK/cluster"
lc_loopback 2
cat >"$LC_WORK/curve.zpl" <<ZPL
cluster
    duration = 20
    speed = 10
    seed = 5
    trust = $trust
    machine = 1
        endpoint = tcp://127.0.0.1:${LC_PORT[1]}
        cert = $keys/machine-1.cert_secret
    machine = 2
        endpoint = tcp://127.0.0.1:${LC_PORT[2]}
        cert = $keys/machine-2.cert_secret
ZPL
"$LCLOCK" cluster "$LC_WORK/curve.zpl" >"$LC_WORK/cluster.out" || fail "lclock cluster refused the CURVE file"
grep -qx "trust $trust" "$LC_WORK/cluster.out" && grep -qx "cert 2 $keys/machine-2.cert_secret" "$LC_WORK/cluster.out" \
    || { cat "$LC_WORK/cluster.out" >&2; fail "lclock cluster does not list trust and cert"; }
for i in 1 2; do
    lc_start "f$i" "$LCLOCK" machine --cluster "$LC_WORK/curve.zpl" --id "$i" --log-dir "$run"
done
for i in 1 2; do
    lc_expect_exit "f$i" 0
    [ "$(lc_field "$run/machine-$i.json" curve)" = true ] || fail "machine $i: curve is not true"
    [ "$(lc_field "$run/machine-$i.json" received)" -gt 0 ] || fail "machine $i received nothing under CURVE"
done
"$LCLOCK" analyze "$run" --no-plots >"$LC_WORK/analyze.out" 2>&1 \
    || { cat "$LC_WORK/analyze.out" >&2; fail "lclock analyze failed on the CURVE cluster run"; }
