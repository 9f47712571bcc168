#!/bin/sh
# run.sh BUILD_DIR SECONDS: runs the npy and npz fuzzers for SECONDS each, starting from the valid files in
# tests/data; fails on any crash, leak, timeout or out-of-memory. A finding is written to BUILD_DIR/fuzz-findings/:
# fix it, then copy the input to tests/data/fuzz_regressions/ so the unit tests keep it refused.
set -eu
build=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../data"
for format in npy npz; do
  corpus="$build/fuzz-corpus/$format"
  findings="$build/fuzz-findings/$format"
  mkdir -p "$corpus" "$findings"
  seeds="$build/fuzz-seeds/$format"
  rm -rf "$seeds"
  mkdir -p "$seeds"
  cp "$data"/*."$format" "$seeds"/
  [ -d "$data/fuzz_regressions" ] && cp "$data"/fuzz_regressions/*."$format" "$seeds"/ 2>/dev/null || true
  echo "== fuzzing the .$format reader for $seconds s ($(ls "$seeds" | wc -l) seed files)"
  "$build/tests/fuzz/${format}_fuzzer" "$corpus" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 2>"$build/fuzz-$format.log" ||
    { tail -60 "$build/fuzz-$format.log"; echo "the .$format fuzzer found a failing input: $findings"; exit 1; }
  grep -E "stat::number_of_executed_units|cov:" "$build/fuzz-$format.log" | tail -2
done
