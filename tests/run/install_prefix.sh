#!/usr/bin/env bash
# cmake --install into a temporary DESTDIR, then used as a user would, from
# an empty folder outside the checkout with only the installed bin/ added
# to PATH: lclock --version is project ()'s version; lclock-run3 and
# lclock-runlan run the installed lclock, make their runs in ./runs and
# analyze clean; every man page, completion and doc is in place; the bash
# completion completes commands, options and file arguments.
. "$LC_SOURCE/tests/lib/run.sh"
: "${LC_LAUNCHERS:?run under ctest (LC_LAUNCHERS names the launchers)}"
launchers=${LC_LAUNCHERS//,/ }
dest=$LC_WORK/dest
prefix=$dest/usr/local

DESTDIR=$dest cmake --install "$LC_BUILD" --prefix /usr/local >"$LC_WORK/install.log" 2>&1 \
    || { cat "$LC_WORK/install.log" >&2; fail "cmake --install failed"; }

# ---------------------------------------------------------------------------
#  What is installed, and nothing else

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$LC_BUILD/CMakeCache.txt")
[ -n "$version" ] || fail "no CMAKE_PROJECT_VERSION in $LC_BUILD/CMakeCache.txt"
commands=$("$LCLOCK" --help | sed -n -E 's/^  ([a-z][a-z0-9-]*)  .*/\1/p')
files=(bin/lclock share/man/man1/lclock.1.gz share/bash-completion/completions/lclock
      libexec/lclock/launch/common.sh libexec/lclock/launch/installed.sh
      share/doc/lclock/README.md share/doc/lclock/cli.md share/doc/lclock/lan.md
      share/doc/lclock/examples/cluster-lan.zpl share/doc/lclock/examples/cluster-loopback.zpl)
for c in $commands; do
    files+=("share/man/man1/lclock-$c.1.gz")
done
for l in $launchers; do
    files+=("bin/lclock-$l" "libexec/lclock/launch/$l.sh" "share/man/man1/lclock-$l.1.gz"
           "share/bash-completion/completions/lclock-$l")
done
for f in "${files[@]}"; do
    [ -e "$prefix/$f" ] || fail "cmake --install did not install $f"
done
for l in $launchers; do
    [ -L "$prefix/bin/lclock-$l" ] && [ -x "$prefix/bin/lclock-$l" ] \
        || fail "bin/lclock-$l is not a symlink to an executable launcher"
done
stray=$(cd "$prefix" && find . ! -type d | grep -vE '^\./(bin/lclock(-[a-z0-9]+)?|libexec/lclock/launch/[a-z0-9]+\.sh|share/man/man1/lclock(-[a-z0-9]+)?\.1\.gz|share/bash-completion/completions/lclock(-[a-z0-9]+)?|share/doc/lclock/.*)$' || true)
[ -z "$stray" ] || fail "installed outside its places: $stray"
[ "$(find "$dest" -mindepth 1 -maxdepth 2 | tr '\n' ' ')" = "$dest/usr $dest/usr/local " ] \
    || fail "installed outside the prefix: $(find "$dest" -mindepth 1 -maxdepth 2)"

# ---------------------------------------------------------------------------
#  Used as installed: an empty folder, PATH, no LCLOCK

empty=$LC_WORK/empty
mkdir "$empty"
cd "$empty" || fail "cannot enter $empty"
export PATH="$prefix/bin:$PATH"
unset LCLOCK_RUNS LCLOCK_BIN
run_installed () {      # run_installed NAME CMD...: bounded, from $empty
    local name=$1 rc=0
    shift
    env -u LCLOCK timeout 120 "$@" >"$LC_WORK/$name.out" 2>&1 || rc=$?
    [ "$rc" = 0 ] || { cat "$LC_WORK/$name.out" >&2; fail "$* exited $rc"; }
}

run_installed version lclock --version
[ "$(cat "$LC_WORK/version.out")" = "lclock $version" ] \
    || fail "installed lclock --version says '$(cat "$LC_WORK/version.out")', not 'lclock $version'"

# Every installed launcher's usage names the command typed, not a checkout
# path (lclock-realideal --help said 'usage: launch/realideal.sh')
for l in $launchers; do
    run_installed "help-$l" "lclock-$l" --help
    head -n 1 "$LC_WORK/help-$l.out" | grep -q "^usage: lclock-$l " \
        || fail "lclock-$l --help: $(head -n 1 "$LC_WORK/help-$l.out")"
done

run_installed run3 lclock-run3 --duration 10 --speed 10 --seed 7
run=$(sed -n 's/^lclock-run3: run directory: //p' "$LC_WORK/run3.out" | tail -n 1)
case "$run" in "$empty"/runs/*) ;; *) fail "lclock-run3 ran in '$run', not in ./runs of the current folder" ;; esac
grep -q '^lclock-run3: analysis: every check holds' "$LC_WORK/run3.out" || fail "lclock-run3: no clean analysis"
grep -q 'building' "$LC_WORK/run3.out" && fail "lclock-run3 built lclock instead of using the installed one"
read -r first _ <"$run/launch/commands.txt"
[ "$first" = "$prefix/bin/lclock" ] || fail "lclock-run3 ran $first, not the installed lclock"
for i in 1 2 3; do
    lc_expect_ticks "$run/machine-$i.json"
done

#  The LAN launcher, its machines on this host through a prefix that
#  changes nothing (as an ssh to each host would start them)
lc_loopback 3
cluster=$LC_WORK/cluster.zpl
printf 'cluster\n    duration = 4\n    speed = 4\n' >"$cluster"
for i in 1 2 3; do
    printf '    machine = %s\n        endpoint = tcp://127.0.0.1:%s\n' "$i" "${LC_PORT[i]}" >>"$cluster"
done
LCLOCK_REMOTE='env LC_HOST=HOST' run_installed runlan lclock-runlan "$cluster"
grep -q '^lclock-runlan: analysis: every check holds' "$LC_WORK/runlan.out" || fail "lclock-runlan: no clean analysis"
[ "$(find "$empty/runs" -maxdepth 1 -name 'lan-*' | wc -l)" = 1 ] || fail "lclock-runlan made no run in ./runs"
grep -q "$prefix/bin/lclock" "$empty"/runs/lan-*/launch/commands.txt \
    || fail "lclock-runlan did not start the installed lclock on the hosts"

#  The man pages are found where man looks
for page in lclock $(printf 'lclock-%s ' $commands $launchers); do
    MANPATH=$prefix/share/man man -w "$page" >/dev/null 2>&1 || fail "man cannot find $page in $prefix/share/man"
done

# ---------------------------------------------------------------------------
#  Bash completion: commands and options from --help, files for FILE/DIR

touch "$empty/afile"
complete_words () {   # complete_words WORD...: COMPREPLY for the last word, sorted
    # shellcheck disable=SC2016  # for the inner shell
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _lclock; printf "%s\n" "${COMPREPLY[@]}"' \
        sh "$prefix/share/bash-completion/completions/lclock" "$@" | sort | paste -sd ' '
}
expect_completion () {  # expect_completion WANT WORD...
    local want=$1 got
    shift
    got=$(complete_words "$@")
    [ "$got" = "$want" ] || fail "completing '$*' gave '$got', not '$want'"
}
expect_completion machine lclock ma
expect_completion --duration lclock machine --du
expect_completion "afile runs" lclock machine --cluster ""
expect_completion runs lclock analyze --out ""
expect_completion "" lclock machine --id ""
expect_completion --speed lclock-run3 --sp
for l in $launchers; do
    grep -q "lclock-$l" "$prefix/share/bash-completion/completions/lclock" \
        || fail "the completion does not register lclock-$l"
done
echo "installed in $prefix: lclock $version, man pages, completion; lclock-run3 and lclock-runlan ran from an empty folder and analyzed clean"
