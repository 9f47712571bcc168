#!/bin/sh
# claims.sh PROGRAM COURSE: runs a lesson program in --quick with seed 0 into COURSE/<program>, as the course does (the
# site check then reads the pages there); every claim must hold (the program exits 1 when one fails). In the Release
# test run this is where the lessons' claims are checked (printed, for ctest -V); seed_sweep.sh checks other seeds
# and that one seed gives one summary.
set -eu
program=$1
name=$(basename "$program")
out=$2/$name
log=$2/$name.log
rm -rf "$out" "$log"
mkdir -p "$out"
"$program" --quick --seed 0 --out "$out" >"$log" || { cat "$log"; echo "seed 0: a claim failed"; exit 1; }
grep -E '^ *\[(PASS|FAIL)\]' "$log" || true
echo "$name: seed 0, $(grep -c '"passed": true' "$out/summary.json") claims hold"
