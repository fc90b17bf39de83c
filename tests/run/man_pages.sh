#!/usr/bin/env bash
# The man pages (docs/man/*.1.scd) in step with the programs: every command
# that 'lclock --help' lists and every launcher (LC_LAUNCHERS, from
# CMakeLists.txt) has its page; the options of each --help's option table
# are the option entries of its page, both ways; lclock(1) lists exactly
# the commands of 'lclock --help'; every launch/*.sh that sources
# launch/common.sh is in LC_LAUNCHERS; every page was built and renders
# without a warning. Every problem is named before the test fails.
. "$LC_SOURCE/tests/lib/run.sh"
: "${LC_LAUNCHERS:?run under ctest (LC_LAUNCHERS names the launchers)}"
pages=$LC_SOURCE/docs/man
problems=0

problem () {
    echo "FAIL ($LC_TEST_NAME): $*" >&2
    problems=$((problems + 1))
}

#  help_options FILE: the options of a --help text's option table, one per
#  line: its lines "  --name ..." and "  -x, --name ..."
help_options () {
    sed -n -E 's/^  ((-[A-Za-z], )?--[a-z][a-z0-9-]*).*/\1/p' "$1" \
        | tr ', ' '\n' | { grep . || true; } | sort -u
}

#  page_options PAGE: the options of a page's entries under OPTIONS, one
#  per line: the lines there that start with an option in bold
#  ("*--name* _ARG_", "*-x*, *--name*")
page_options () {
    sed -n '/^# OPTIONS/,/^# /s/^\*-/-/p' "$1" | tr -d '*_' \
        | { grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' || true; } | tr -d ' ,' | sort -u
}

#  check_options PAGE NAME MISSING CMD...: PAGE's option entries against
#  the option table of CMD --help (NAME: the command as a user types it);
#  MISSING is the problem when there is no PAGE
check_options () {
    local page=$1 name="'$2 --help'" opt
    [ -f "$page" ] || { problem "$3"; return; }
    shift 3
    "$@" --help >"$LC_WORK/help.txt" 2>&1 || { problem "$name failed"; return; }
    help_options "$LC_WORK/help.txt" >"$LC_WORK/help"
    page_options "$page" >"$LC_WORK/page"
    for opt in $(comm -23 "$LC_WORK/help" "$LC_WORK/page"); do
        problem "docs/man/${page##*/} has no entry for $opt, which $name lists: add a line '*$opt* ...' and its indented text under OPTIONS"
    done
    for opt in $(comm -13 "$LC_WORK/help" "$LC_WORK/page"); do
        problem "docs/man/${page##*/} has an entry for $opt under OPTIONS, which $name does not list: remove the entry, or add $opt to the --help text"
    done
}

#  check_built PAGE: built as $LC_BUILD/man/NAME.1.gz, renders without a
#  warning, and its preamble names its file
check_built () {
    local name=${1##*/}
    name=${name%.scd}
    head -n 1 "$1" | grep -q "^${name%.1}(1) " \
        || problem "docs/man/$name.scd: its first line must be '${name%.1}(1) \"lclock @VERSION@\" \"lclock manual\"'"
    if [ ! -f "$LC_BUILD/man/$name.gz" ]; then
        problem "$LC_BUILD/man/$name.gz was not built (scdoc error? build again)"
        return
    fi
    MANWIDTH=80 man --warnings -E UTF-8 -l "$LC_BUILD/man/$name.gz" >/dev/null 2>"$LC_WORK/warn" \
        || problem "man -l $LC_BUILD/man/$name.gz failed"
    [ ! -s "$LC_WORK/warn" ] || problem "docs/man/$name.scd renders with warnings: $(head -n 3 "$LC_WORK/warn")"
}

lc_require man
commands=$("$LCLOCK" --help | sed -n -E 's/^  ([a-z][a-z0-9-]*)  .*/\1/p')
[ -n "$commands" ] || fail "'lclock --help' lists no command"
launchers=${LC_LAUNCHERS//,/ }

check_options "$pages/lclock.1.scd" lclock "docs/man/lclock.1.scd is missing" "$LCLOCK"
sed -n '/^# COMMANDS/,/^# /s/^\*\([a-z][a-z0-9-]*\)\*$/\1/p' "$pages/lclock.1.scd" \
    | sort -u >"$LC_WORK/listed"
for c in $(comm -23 <(tr ' ' '\n' <<<"$commands" | sort -u) "$LC_WORK/listed"); do
    problem "docs/man/lclock.1.scd does not list '$c', which 'lclock --help' lists: add a line '*$c*' and its indented text under COMMANDS"
done
for c in $(comm -13 <(tr ' ' '\n' <<<"$commands" | sort -u) "$LC_WORK/listed"); do
    problem "docs/man/lclock.1.scd lists '$c' under COMMANDS, which 'lclock --help' does not: remove it"
done

for c in $commands; do
    check_options "$pages/lclock-$c.1.scd" "lclock $c" \
        "'lclock --help' lists '$c' but docs/man/lclock-$c.1.scd is missing: write it (docs/man/lclock-analyze.1.scd shows the form; docs/install.md says how)" \
        "$LCLOCK" "$c"
done
for l in $launchers; do
    check_options "$pages/lclock-$l.1.scd" "launch/$l.sh" \
        "launcher launch/$l.sh (LC_LAUNCHERS in CMakeLists.txt) has no man page: write docs/man/lclock-$l.1.scd (docs/man/lclock-run3.1.scd shows the form)" \
        bash "$LC_SOURCE/launch/$l.sh"
done

#  A launcher is a launch/NAME.sh that sources launch/common.sh; each one
#  is installed as lclock-NAME, so each must be in LC_LAUNCHERS. Except
#  bench.sh: it measures a checkout's builds with bench tools that are
#  never installed (docs/performance.md)
for script in "$LC_SOURCE"/launch/*.sh; do
    name=$(basename "$script" .sh)
    [ "$name" != common ] && [ "$name" != bench ] \
        && grep -q '^\. "$top/launch/common.sh"' "$script" || continue
    [[ " $launchers " == *" $name "* ]] \
        || problem "launch/$name.sh is a launcher (it sources launch/common.sh) but not in LC_LAUNCHERS: add '$name' to LC_LAUNCHERS in CMakeLists.txt, which installs it as lclock-$name, and write docs/man/lclock-$name.1.scd"
done

for page in "$pages"/*.scd; do
    name=${page##*/}
    # shellcheck disable=SC2086  # word lists
    case " lclock.1.scd $(printf 'lclock-%s.1.scd ' $commands $launchers)" in
        *" $name "*) check_built "$page" ;;
        *) problem "docs/man/$name is the page of neither a command of 'lclock --help' nor a launcher of LC_LAUNCHERS (CMakeLists.txt): remove it, or name it lclock-COMMAND.1.scd" ;;
    esac
done

[ "$problems" = 0 ] || fail "$problems problems with the man pages (above)"
echo "man pages: $(wc -w <<<"$commands $launchers") commands and launchers, every option both ways, all render cleanly"
