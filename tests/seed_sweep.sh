#!/bin/sh
# seed_sweep.sh PROGRAM FOLDER SEED...: runs a lesson program in --quick once per seed, and the first seed twice.
# Every claim must hold on every seed (a lesson's claims are meant to hold on any seed, not only on seed 0, which
# the claims test runs), the seeds must not all give the same numbers (the seed is used), and the first seed's two
# runs must write the same summary.json (determinism: one seed, one summary).
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
  grep -v '"seed"' "$out/seed$seed/summary.json" >"$out/seed$seed.numbers" 2>/dev/null || true
done
first=$1
"$program" --quick --seed "$first" --out "$out/seed$first-again" >/dev/null 2>&1 || true
if ! cmp "$out/seed$first/summary.json" "$out/seed$first-again/summary.json"; then
  echo "two runs with seed $first wrote different summaries:"
  diff "$out/seed$first/summary.json" "$out/seed$first-again/summary.json" || true
  exit 1
fi
if [ -n "$failed" ]; then
  echo "$(basename "$program"): claims failed on seeds$failed"
  exit 1
fi
if [ "$(cat "$out"/seed*.numbers | sort | uniq -c | awk -v n=$# '$1 < n' | wc -l)" -eq 0 ]; then
  echo "$(basename "$program"): every seed gave the same numbers: the seed is not used"
  exit 1
fi
echo "$(basename "$program"): every claim held on seeds $*; seed $first twice, the same summary"
