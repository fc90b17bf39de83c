# docs_standalone.sh - the repository's docs stand alone: nothing a user
# reads (README, docs/, --help, scripts, headers, sources, tests) points to
# a contract file outside the repository, and every relative link in the
# README and docs/ names a file of the repository.
source "$LC_SOURCE/tests/lib/run.sh"

cd "$LC_SOURCE"
self=tests/run/$LC_TEST_NAME.sh
# The pattern is split so that this file does not match itself
pattern='SP''EC(\.md| section| [0-9])|\.\./sh''ared'
hits=$(grep -rnIE "$pattern" README.md CMakeLists.txt bench docs include launch src tests \
       | grep -v "^$self:" || true)
[ -z "$hits" ] || fail "references to a file outside the repository: $hits"

for cmd in "" machine analyze cluster keygen simulate; do
    # shellcheck disable=SC2086
    help=$("$LCLOCK" $cmd --help 2>&1 || true)
    ! grep -qE "$pattern" <<<"$help" || fail "lclock $cmd --help names an outside file: $help"
done

# Relative markdown links: [text](path) or [text](path#anchor)
for md in README.md docs/*.md; do
    dir=$(dirname "$md")
    while IFS= read -r link; do
        target=${link%%#*}
        [ -n "$target" ] || continue
        [ -e "$dir/$target" ] || fail "$md links to $link, which is not in the repository"
    done < <(grep -oE '\]\([^)]+\)' "$md" | sed -E 's/^\]\((.*)\)$/\1/' | grep -vE '^[a-z]+:')
done

grep -q 'docs/.*contract' README.md || grep -q 'contract.*docs/' README.md \
    || fail "README.md does not say that docs/ is the contract"
