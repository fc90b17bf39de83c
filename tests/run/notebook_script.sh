#!/usr/bin/env bash
# notebook_script.sh - studies/notebook.py, which writes docs/notebook.md
# from a study's comparison.json: its model passes the cases worked by
# hand, it renders a comparison (the compare fixture) without error, and
# docs/notebook.md is what it writes from the committed study.
source "$LC_SOURCE/tests/lib/run.sh"
script=$LC_SOURCE/studies/notebook.py
python3 "$script" --self-test >"$LC_WORK/self.out" 2>&1 || { cat "$LC_WORK/self.out" >&2; fail "model self-test"; }
"$LCLOCK" compare "$LC_FIXTURES/compare/A" --out "$LC_WORK/cmp" --no-plots >/dev/null \
    || fail "compare of the fixture failed"
python3 "$script" "$LC_WORK/cmp/comparison.json" "$LC_WORK/notebook.md" >"$LC_WORK/nb.out" 2>&1 \
    || { cat "$LC_WORK/nb.out" >&2; fail "notebook.py failed on the fixture's comparison"; }
grep -q '^| A | 3 | 1-2 | 10 (0.70) | 1 | 3 | 2 ± 0.5 |' "$LC_WORK/notebook.md" \
    || fail "the conditions table does not hold A's figures: $(grep '^| A ' "$LC_WORK/notebook.md")"
echo "notebook.py: self-test and a render of the fixture"

# docs/notebook.md is exactly what notebook.py writes from the committed
# study (studies/cs262, studies/realideal, studies/cs262-simulated), and
# every claim of its discussion still holds
commit=$(sed -n 's/.*the runs were made at commit \([0-9a-f]*\)).*/\1/p' \
             "$LC_SOURCE/docs/notebook.md" | head -n 1)
[ -n "$commit" ] || fail "docs/notebook.md does not say at which commit its runs were made"
python3 "$script" --commit "$commit" "$LC_SOURCE/studies/cs262/comparison.json" \
    "$LC_WORK/cs262.md" >"$LC_WORK/cs262.out" 2>&1 \
    || { cat "$LC_WORK/cs262.out" >&2; fail "notebook.py failed on studies/cs262"; }
grep -q ' claims checked, 0 no longer hold)$' "$LC_WORK/cs262.out" \
    || fail "a claim of the notebook no longer holds: $(cat "$LC_WORK/cs262.out")"
cmp -s "$LC_WORK/cs262.md" "$LC_SOURCE/docs/notebook.md" \
    || { diff "$LC_SOURCE/docs/notebook.md" "$LC_WORK/cs262.md" | head -n 20 >&2
         fail "docs/notebook.md differs from what notebook.py writes from studies/cs262: regenerate it"; }
echo "notebook.py: docs/notebook.md regenerates byte for byte ($commit)"
