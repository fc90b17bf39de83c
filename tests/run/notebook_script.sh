#!/usr/bin/env bash
# notebook_script.sh - studies/notebook.py, which writes docs/notebook.md
# from a study's comparison.json: its model passes the cases worked by
# hand, and it renders a comparison (the compare fixture) without error.
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
