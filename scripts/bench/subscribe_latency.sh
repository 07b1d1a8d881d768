#!/usr/bin/env bash
# Measures the time from the app finishing (the emulator's completed_at) to fal.subscribe
# returning, in status mode "polling" (default interval 0.1 s) and "streaming".
# Usage: scripts/bench/subscribe_latency.sh [N]   (N requests per mode, default 20)
#        FALUA=path/to/falua scripts/bench/subscribe_latency.sh   (use that binary, no build)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-20}
falua=${FALUA:-}
if [ -z "$falua" ]; then
  swift build -c release --product falua >/dev/null
  falua=.build/release/falua
fi

source scripts/bench/serve.sh

for mode in polling streaming; do
  $falua scripts/bench/subscribe_latency.lua "$n" "$mode" >"$log.$mode"
  python3 - "$mode" "$log.$mode" <<'PY'
import datetime, json, os, statistics, sys, urllib.request
mode, path = sys.argv[1], sys.argv[2]
delays = []
for line in open(path):
    request_id, returned = line.split()
    url = f"{os.environ['FALUA_RUN_URL']}/_emulator/requests/{request_id}"
    record = json.load(urllib.request.urlopen(url))
    done = datetime.datetime.strptime(record["completed_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
    done = done.replace(tzinfo=datetime.timezone.utc).timestamp()
    delays.append((float(returned) - done) * 1000)
delays.sort()
print(f"{mode:10} n={len(delays)}  median {statistics.median(delays):7.1f} ms  "
      f"p90 {delays[int(len(delays) * 0.9) - 1]:7.1f} ms  max {delays[-1]:7.1f} ms")
PY
done
