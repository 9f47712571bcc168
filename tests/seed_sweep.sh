#!/bin/sh
# seed_sweep.sh PROGRAM FOLDER SEED...: runs a lesson program in --quick once per seed; every claim must hold on
# every seed (a lesson's claims are meant to hold on any seed, not only on the ones the other tests use).
set -u
program=$1
out=$2
shift 2
rm -rf "$out"
mkdir -p "$out"
failed=""
for seed in "$@"; do
  if ! "$program" --quick --seed "$seed" --out "$out/seed$seed" >"$out/seed$seed.log" 2>&1; then
    echo "seed $seed:"
    grep -E 'FAIL|error' "$out/seed$seed.log"
    failed="$failed $seed"
  fi
done
if [ -n "$failed" ]; then
  echo "$(basename "$program"): claims failed on seeds$failed"
  exit 1
fi
echo "$(basename "$program"): every claim held on seeds $*"
