#!/usr/bin/env bash
# CURVE from the cluster file, over real OpenSSH: 'trust' in the cluster
# section and a 'cert' per machine, certificates from `lclock keygen`.
# launch/runlan.sh first refuses a host whose certificate is missing (the
# preflight names the host and the file, nothing starts), then runs the
# cluster with every link under CURVE: the machines say so in their
# summaries, run.json and report.md say so, and the analysis passes.
# Needs root (see tests/lib/netns.sh).
. "$LC_SOURCE/tests/lib/run.sh"
. "$LC_SOURCE/tests/lib/netns.sh"
. "$LC_SOURCE/tests/lib/sshd.sh"

keys="$LC_WORK/keys" trust="$LC_WORK/trust"
mkdir -p "$trust"
for i in 1 2 3; do
    "$LCLOCK" keygen "$i" "$keys" >/dev/null || fail "keygen $i"
    cp "$keys/machine-$i.cert" "$trust/"
done

lc_ssh_lab 3
client=$LC_SSH_FROM
lc_ssh_cluster "$LC_WORK/cluster.zpl" 20 10 3 "$keys" "$trust"
run_lan () {    # run_lan NAME
    lc_start "$1" ip netns exec "$client" env LCLOCK_REMOTE="ssh -F $LC_SSH/config HOST" \
        LCLOCK_BIN="$LCLOCK" LCLOCK="$LCLOCK" LCLOCK_RUNS="$LC_WORK/runs" \
        bash "$LC_SOURCE/launch/runlan.sh" "$LC_WORK/cluster.zpl"
    lc_wait "$1"
}

#  Machine 2's secret certificate is not where the cluster file says
mv "$keys/machine-2.cert_secret" "$LC_WORK/aside"
run_lan missing
mv "$LC_WORK/aside" "$keys/machine-2.cert_secret"
[ "$LC_RC" = 1 ] || { cat "$LC_WORK/missing.err" >&2; fail "a missing certificate: exit $LC_RC, not 1"; }
[ "$(grep -c '^runlan.sh: 10\.' "$LC_WORK/missing.err")" = 1 ] \
    && grep -q "^runlan.sh: $(lc_netns_addr 2): no certificate file $keys/machine-2.cert_secret there$" \
        "$LC_WORK/missing.err" \
    || { cat "$LC_WORK/missing.err" >&2; fail "the missing certificate is not named with its host"; }
[ ! -e "$LC_WORK/runs" ] || fail "a run directory was made for a run that did not start"

run_lan lan
grep -q "CURVE on" "$LC_WORK/lan.out" || fail "runlan.sh did not say CURVE is on"
lc_lan_check "$LC_RC" 3
for i in 1 2 3; do
    [ "$(lc_field "$LC_LAN_RUN/machine-$i.json" curve)" = true ] || fail "machine $i ran without CURVE"
    [ "$(lc_field "$LC_LAN_RUN/machine-$i.json" untrusted)" = 0 ] || fail "machine $i refused a peer"
    ! grep -q "not authenticated" "$LC_LAN_RUN/launch/machine-$i.err" \
        || fail "machine $i, with CURVE, said its links are not authenticated"
done
[ "$(jq -r .curve "$LC_LAN_RUN/run.json")" = true ] || fail "run.json does not say CURVE was on"
grep -q "| curve | on |" "$LC_LAN_RUN/report.md" || fail "report.md does not say CURVE was on"
echo "lan_ssh_curve: ok ($LC_LAN_SUMMARY)"
