#!/usr/bin/env bash
# A LAN run over real OpenSSH: three namespaces as hosts, each with its own
# sshd, a fourth as the computer that launches. The ssh set-up is the one
# docs/lan.md gives (step 6), run as written but for its folder and host
# names; then launch/runlan.sh runs the cluster file twice with
# LCLOCK_REMOTE='ssh -F LAB/config HOST', as the guide says. Checked: both
# runs complete and pass their analysis, run.json says what was run, every
# run has its own run id (shared by its machines), report.md shows every
# machine's seed, each machine (no CURVE, a host address) said its links
# are not authenticated, and runlan's folders on the hosts are gone. Needs root
# (see tests/lib/netns.sh).
. "$LC_SOURCE/tests/lib/run.sh"
. "$LC_SOURCE/tests/lib/netns.sh"
. "$LC_SOURCE/tests/lib/sshd.sh"

home=$(getent passwd "$(id -u)" | cut -d: -f6)
dot_ssh_before=$(ls -la --time-style=full-iso "$home/.ssh" 2>&1 || true)

lc_netns_up 4
client=$(lc_netns_name 4)
lc_ssh_client
lc_sshd_up 1 2 3

#  docs/lan.md step 6: the sh block after the marker, as written, with the
#  guide's folder and hosts replaced by this test's
lab="$LC_WORK/lab"
hosts="$(lc_netns_addr 1) $(lc_netns_addr 2) $(lc_netns_addr 3)"
awk '/tests\/run\/lan_ssh.sh runs this block/ { marker = 1; next }
     marker && /^```sh$/ { block = 1; next }
     block && /^```$/ { exit }
     block' "$LC_SOURCE/docs/lan.md" >"$LC_WORK/guide.sh"
grep -q '^lab=~/lclock/ssh ' "$LC_WORK/guide.sh" && grep -q '^hosts="lab1 lab2 lab3"$' "$LC_WORK/guide.sh" \
    || fail "docs/lan.md: the ssh set-up block is not where this test looks (lab=, hosts=)"
sed -i -e "s|^lab=~/lclock/ssh |lab=$lab |" -e "s|^hosts=\"lab1 lab2 lab3\"$|hosts=\"$hosts\"|" "$LC_WORK/guide.sh"
timeout -s KILL 30 ip netns exec "$client" bash -e "$LC_WORK/guide.sh" >"$LC_WORK/guide.out" 2>&1 \
    || { cat "$LC_WORK/guide.out" >&2; fail "the ssh set-up of docs/lan.md failed"; }
#  ssh-copy-id asks each host's password; these sshds take keys only, so
#  the key goes where ssh-copy-id would put it
lc_sshd_authorize "$lab/key.pub" 1 2 3

lc_ssh_cluster "$LC_WORK/cluster.zpl" 20 10 3       #  2 s of wall time, no seed
run_lan () {    # run_lan NAME: runlan.sh on the client, as docs/lan.md says
    local t0
    t0=$(date +%s%N)
    lc_start "$1" ip netns exec "$client" env LCLOCK_REMOTE="ssh -F $lab/config HOST" \
        LCLOCK_BIN="$LCLOCK" LCLOCK="$LCLOCK" LCLOCK_RUNS="$LC_WORK/runs-$1" \
        bash "$LC_SOURCE/launch/runlan.sh" "$LC_WORK/cluster.zpl"
    lc_wait "$1"
    echo "$1: exit $LC_RC in $((($(date +%s%N) - t0) / 1000000)) ms for 2 s of ticks"
}
run_lan lan
#  lc_lan_check reads runs/ and lan.out
mv "$LC_WORK/runs-lan" "$LC_WORK/runs"
lc_lan_check "$LC_RC" 3
run=$LC_LAN_RUN
#  Bound to a host address without CURVE: each machine said once that its
#  links are not authenticated
for i in 1 2 3; do
    [ "$(grep -c "links are not authenticated: anyone who reaches tcp://" "$run/launch/machine-$i.err")" = 1 ] \
        || { cat "$run/launch/machine-$i.err" >&2; fail "machine $i did not say once that its links are not authenticated"; }
done

#  run.json: what was asked for; CURVE off
json="$run/run.json"
[ "$(jq -r '.launcher, .machines, .curve, .rate, .roll, (.hosts | join(" "))' "$json" | tr '\n' ' ')" \
    = "runlan 3 false 1-6 10 $hosts " ] || { cat "$json" >&2; fail "run.json does not say what was run"; }
#  ... and the analysis shows it (summary.json's requested, report.md)
jq -e '.requested.launcher == "runlan" and .requested.machines == 3' "$run/summary.json" \
    >/dev/null || fail "summary.json does not show run.json as requested"
grep -q '^| launcher | runlan |$' "$run/report.md" || fail "report.md does not show the launcher"
#  One run id per run, shared by its machines; each machine's seed reported
run_id=$(for i in 1 2 3; do lc_field "$run/machine-$i.json" run_id; done | sort -u)
[ "$(wc -l <<<"$run_id")" = 1 ] || fail "the machines of one run have different run ids: $run_id"
for i in 1 2 3; do
    s=$(lc_field "$run/machine-$i.json" seed)
    grep -q "$s" "$run/report.md" || fail "report.md does not show machine $i's seed $s"
done
grep -q "| curve | off |" "$run/report.md" || fail "report.md does not say CURVE was off"

#  runlan's folders on the hosts (its default, under /tmp) are removed
remote=$(sed -n 's/.* --log-dir \([^ ]*\) .*/\1/p' "$run/launch/commands.txt" | head -n 1)
remote=${remote%/*}
[[ $remote == /tmp/lclock-lan-* ]] || fail "commands.txt: no default remote folder ($remote)"
LC_CLEANUPS+=("rm -rf -- '$remote'")
[ ! -e "$remote" ] || fail "runlan.sh left its folder $remote on the hosts"

#  The same cluster file again: another run id
run_lan again
[ "$LC_RC" = 0 ] || { cat "$LC_WORK/again.err" >&2; fail "the second run exited $LC_RC"; }
again=$(lc_field "$(echo "$LC_WORK"/runs-again/lan-*/machine-1.json)" run_id)
[ -n "$again" ] && [ "$again" != "$run_id" ] || fail "two runs of one cluster file share the run id $run_id"

[ "$(ls -la --time-style=full-iso "$home/.ssh" 2>&1 || true)" = "$dot_ssh_before" ] \
    || fail "$home/.ssh changed"
echo "lan_ssh: ok ($LC_LAN_SUMMARY; run ids $run_id and $again)"
