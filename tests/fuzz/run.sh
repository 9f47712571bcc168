#!/bin/sh
# run.sh BUILD_DIR SECONDS: runs every fuzzer for SECONDS each, starting from valid files in tests/data: the .npy and
# .npz readers from tests/data/*.npy and *.npz, the lessons' --data readers (corpus, series, reviews, pairs) from
# tests/data/text/READER/. Fails on any crash, leak, timeout or out-of-memory. A finding is written to
# BUILD_DIR/fuzz-findings/: fix it, then copy the input to tests/data/fuzz_regressions/ (or beside the reader's
# seeds) so the fuzzers start from it and the unit tests keep it refused.
set -eu
build=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../data"
for reader in npy npz corpus series reviews pairs; do
  corpus="$build/fuzz-corpus/$reader"
  findings="$build/fuzz-findings/$reader"
  mkdir -p "$corpus" "$findings"
  seeds="$build/fuzz-seeds/$reader"
  rm -rf "$seeds"
  mkdir -p "$seeds"
  case $reader in
    npy | npz)
      cp "$data"/*."$reader" "$seeds"/
      [ -d "$data/fuzz_regressions" ] && cp "$data"/fuzz_regressions/*."$reader" "$seeds"/ 2>/dev/null || true ;;
    *) cp "$data/text/$reader"/* "$seeds"/ ;;
  esac
  echo "== fuzzing the $reader reader for $seconds s ($(ls "$seeds" | wc -l) seed files)"
  "$build/tests/fuzz/${reader}_fuzzer" "$corpus" "$seeds" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 2>"$build/fuzz-$reader.log" ||
    { tail -60 "$build/fuzz-$reader.log"; echo "the $reader fuzzer found a failing input: $findings"; exit 1; }
  grep -E "stat::number_of_executed_units|cov:" "$build/fuzz-$reader.log" | tail -2
done
