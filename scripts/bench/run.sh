#!/usr/bin/env bash
# Benchmarks falua against the official Python client (fal-client) on the same emulator, in the
# same run, and prints each workload's times and the ratio python/falua (> 1: falua is faster).
# Usage: scripts/bench/run.sh [N]   (N requests per workload, default 200)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-200}
swift build -c release --product falua >/dev/null
falua=.build/release/falua
python3 -c "import fal_client" 2>/dev/null || python3 -m pip install --quiet "fal-client==1.0.3"

serve_options="--runners 64"
source scripts/bench/serve.sh

# Warm the emulator (runner threads, connection pools) so neither client pays for a cold start.
$falua scripts/bench/workloads.lua 20 >/dev/null
python3 scripts/bench/workloads.py 20 >/dev/null

$falua scripts/bench/workloads.lua "$n" >"$log.falua"
python3 scripts/bench/workloads.py "$n" >"$log.python"

printf "%-22s %10s %10s %8s\n" "workload (n=$n)" "falua s" "python s" "ratio"
paste -d' ' "$log.falua" "$log.python" | while read -r name f _ p; do
  printf "%-22s %10.3f %10.3f %7.1fx\n" "$name" "$f" "$p" "$(echo "$p / $f" | bc -l)"
done
