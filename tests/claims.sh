#!/bin/sh
# claims.sh PROGRAM FOLDER: runs a lesson program in --quick with seed 0; every claim must hold (the program exits 1
# when one fails). In the Release test run this is where the lessons' claims are checked (printed, for ctest -V);
# seed_sweep.sh checks other seeds and that one seed gives one summary.
set -eu
program=$1
out=$2
rm -rf "$out"
mkdir -p "$out"
"$program" --quick --seed 0 --out "$out/seed0" >"$out/seed0.log" || { cat "$out/seed0.log"; echo "seed 0: a claim failed"; exit 1; }
grep -E '^ *\[(PASS|FAIL)\]' "$out/seed0.log" || true
echo "$(basename "$program"): seed 0, $(grep -c '"passed": true' "$out/seed0/summary.json") claims hold"
