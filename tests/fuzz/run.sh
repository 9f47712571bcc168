#!/bin/sh
# run.sh BUILD_DIR SECONDS: runs every fuzzer for SECONDS each, two at a time (one per core; the last three share
# the two), starting from valid files in tests/data: the .npy and .npz readers from tests/data/*.npy and *.npz, the
# lessons' --data readers (corpus, series, reviews, pairs, recordings, letters, sessions) from
# tests/data/text/READER/. Fails on any crash, leak,
# timeout or out-of-memory.
# A finding is written to BUILD_DIR/fuzz-findings/: fix it, then copy the input to tests/data/fuzz_regressions/ (or
# beside the reader's seeds) so the fuzzers start from it and the unit tests keep it refused.
set -eu
build=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
data="$here/../data"

# fuzz READER: runs one fuzzer; prints what it did (all at the end, so fuzzers running at once do not interleave).
fuzz() {
  reader=$1
  corpus="$build/fuzz-corpus/$reader"
  findings="$build/fuzz-findings/$reader"
  seeds="$build/fuzz-seeds/$reader"
  rm -rf "$seeds"
  mkdir -p "$corpus" "$findings" "$seeds"
  case $reader in
    npy | npz)
      cp "$data"/*."$reader" "$seeds"/
      [ -d "$data/fuzz_regressions" ] && cp "$data"/fuzz_regressions/*."$reader" "$seeds"/ 2>/dev/null || true ;;
    *) cp "$data/text/$reader"/* "$seeds"/ ;;
  esac
  log="$build/fuzz-$reader.log"
  if "$build/tests/fuzz/${reader}_fuzzer" "$corpus" "$seeds" -max_total_time="$seconds" -timeout=10 \
       -rss_limit_mb=2048 -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 2>"$log"; then
    echo "== the $reader reader, $seconds s from $(ls "$seeds" | wc -l) seed files: $(grep -E "stat::number_of_executed_units" "$log" | awk '{print $2}') inputs, nothing found"
  else
    tail -60 "$log"
    echo "the $reader fuzzer failed (a finding is kept in $findings)"
    return 1
  fi
}

failed=0
for group in "npy npz" "corpus series" "reviews pairs" "recordings letters sessions"; do
  pids=""
  for reader in $group; do
    fuzz "$reader" &
    pids="$pids $!"
  done
  for pid in $pids; do
    wait "$pid" || failed=1
  done
done
exit $failed
