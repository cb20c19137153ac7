#!/usr/bin/env bash
# Clean-build times, as a newcomer or a fresh CI runner pays them: each build starts from an empty
# target directory under /tmp (dependencies already downloaded, so the network is not timed).
# Prints wall time, CPU time (user + sys, all processes) and the release binary's size.
#
#   bash benches/build-times.sh            # cargo build --release; cargo test (compile, then run)
#   bash benches/build-times.sh --dist     # also cargo build --profile dist (the release artifacts)
#   bash benches/build-times.sh --runs 5   # each of them 5 times, then the median of each
#
# Wall time depends on everything else the machine is doing, and on how fast the machine is at the
# time; CPU time much less so. Compare wall times only between runs on an otherwise idle machine,
# and prefer the median of several runs to one.
set -euo pipefail
cd "$(dirname "$0")/.."

dist=false
runs=1
usage() { echo "usage: bash benches/build-times.sh [--dist] [--runs N]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --dist) dist=true ;;
    --runs) [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || usage; runs=$2; shift ;;
    *) usage ;;
  esac
  shift
done

cargo fetch --locked --quiet
scratch=$(mktemp -d "${TMPDIR:-/tmp}/tlcheck-build-times.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

printf '%-34s %9s %9s %9s\n' measure wall_s cpu_s user+sys
# Runs "$@" in the target directory $1 and prints one line: wall seconds and CPU seconds. Each
# line is also kept in $scratch/all for the medians.
measure() {
  local label=$1 target=$2
  shift 2
  local times="$scratch/times"
  CARGO_TARGET_DIR="$target" /usr/bin/time -f '%e %U %S' -o "$times" "$@" >"$scratch/log" 2>&1 || {
    cat "$scratch/log" >&2
    echo "failed: $*" >&2
    exit 1
  }
  awk -v label="$label" '{ printf "%-34s %9.1f %9.1f %4.0f+%-4.0f\n", label, $1, $2 + $3, $2, $3 }' "$times" |
    tee -a "$scratch/all"
}

for run in $(seq "$runs"); do
  [ "$runs" -gt 1 ] && echo "run $run of $runs"
  rm -rf "$scratch/release" "$scratch/test" "$scratch/dist"
  measure "cargo build --release" "$scratch/release" cargo build --release --locked
  echo "release binary: $(stat -c %s "$scratch/release/release/tlcheck") bytes"

  measure "cargo test --no-run (compile)" "$scratch/test" cargo test --locked --no-run
  measure "cargo test (run, compiled)" "$scratch/test" cargo test --locked

  if $dist; then
    measure "cargo build --profile dist" "$scratch/dist" cargo build --profile dist --locked
    echo "dist binary: $(stat -c %s "$scratch/dist/dist/tlcheck") bytes"
  fi
done

if [ "$runs" -gt 1 ]; then
  echo "median of $runs runs"
  # The label is the first 34 characters of each line; the wall and CPU seconds follow it.
  median() { sort -n | awk '{ v[NR] = $1 } END { printf "%9.1f", v[int((NR + 1) / 2)] }'; }
  cut -c1-34 "$scratch/all" | sort -u | while IFS= read -r label; do
    wall=$(grep -F "$label" "$scratch/all" | awk '{ print $(NF-2) }' | median)
    cpu=$(grep -F "$label" "$scratch/all" | awk '{ print $(NF-1) }' | median)
    echo "$label $wall $cpu"
  done
fi
