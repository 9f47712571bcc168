#!/bin/sh
# determinism.sh PROGRAM FOLDER: runs a lesson program in --quick three times. Seed 0 twice: the two summary.json
# files must be byte-identical. Seed 1: its numbers must differ from seed 0's, its verdicts must not (the program
# exits 1 when a claim fails). In the Release test run this is also where the lessons' claims are checked.
set -eu
program=$1
out=$2
rm -rf "$out"
mkdir -p "$out"
"$program" --quick --seed 0 --out "$out/seed0" >"$out/seed0.log" || { cat "$out/seed0.log"; echo "seed 0: a claim failed"; exit 1; }
"$program" --quick --seed 0 --out "$out/seed0-again" >/dev/null
if ! cmp "$out/seed0/summary.json" "$out/seed0-again/summary.json"; then
  echo "two runs with seed 0 wrote different summaries:"
  diff "$out/seed0/summary.json" "$out/seed0-again/summary.json" || true
  exit 1
fi
"$program" --quick --seed 1 --out "$out/seed1" >"$out/seed1.log" || { cat "$out/seed1.log"; echo "seed 1: a claim failed"; exit 1; }
grep -v '"seed"' "$out/seed0/summary.json" >"$out/seed0.numbers"
grep -v '"seed"' "$out/seed1/summary.json" >"$out/seed1.numbers"
if cmp -s "$out/seed0.numbers" "$out/seed1.numbers"; then
  echo "seeds 0 and 1 gave the same numbers: the seed is not used"
  exit 1
fi
grep -o '"passed": [a-z]*' "$out/seed0/summary.json" >"$out/seed0.verdicts"
grep -o '"passed": [a-z]*' "$out/seed1/summary.json" >"$out/seed1.verdicts"
cmp "$out/seed0.verdicts" "$out/seed1.verdicts"
echo "$(basename "$program"): seed 0 twice identical; seed 1 other numbers, same $(wc -l <"$out/seed1.verdicts") verdicts"
