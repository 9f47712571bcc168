#!/bin/sh
# determinism.sh PROGRAM FOLDER: runs a lesson program in --quick twice with seed 0: both runs' claims must hold
# (the program exits 1 when one fails) and the two summary.json files must be byte-identical. In the Release test
# run this is where the lessons' claims are checked (printed, for ctest -V); seed_sweep.sh checks other seeds.
set -eu
program=$1
out=$2
rm -rf "$out"
mkdir -p "$out"
"$program" --quick --seed 0 --out "$out/seed0" >"$out/seed0.log" || { cat "$out/seed0.log"; echo "seed 0: a claim failed"; exit 1; }
grep -E '^ *\[(PASS|FAIL)\]' "$out/seed0.log" || true
"$program" --quick --seed 0 --out "$out/seed0-again" >/dev/null
if ! cmp "$out/seed0/summary.json" "$out/seed0-again/summary.json"; then
  echo "two runs with seed 0 wrote different summaries:"
  diff "$out/seed0/summary.json" "$out/seed0-again/summary.json" || true
  exit 1
fi
echo "$(basename "$program"): seed 0 twice, the same summary; $(grep -c '"passed": true' "$out/seed0/summary.json") claims hold"
