# tests_tmpdir.sh - the test suite keeps its temporary files under
# ${TMPDIR:-/tmp} with names from mktemp: no fixed shared path, no
# tmpfile (3) (which ignores TMPDIR).
source "$LC_SOURCE/tests/lib/run.sh"

cd "$LC_SOURCE"
# Split so that this file does not match itself
fixed='"/t''mp/[^"]*XXXXXX|mktemp[^#]*[" ]/t''mp/|\btmp''file ?\(\)'
hits=$(grep -rnE "$fixed" tests bench --include='*.c' --include='*.h' --include='*.sh' \
       | grep -v "^tests/run/$LC_TEST_NAME.sh:" || true)
[ -z "$hits" ] || fail "temporary files outside TMPDIR: $hits"

# The run tests' work folder follows TMPDIR
mkdir -p "$LC_WORK/tmp"
work=$(TMPDIR="$LC_WORK/tmp" LC_KEEP=1 bash -c 'source "$LC_SOURCE/tests/lib/run.sh"; echo "$LC_WORK"' 2>/dev/null)
case "$work" in
    "$LC_WORK/tmp/lc_"*) ;;
    *) fail "tests/lib/run.sh made its work folder at '$work', not under TMPDIR" ;;
esac
