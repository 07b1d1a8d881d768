#!/usr/bin/env bash
# The benchmark, one command from a clean clone: falua against the official Python client
# (fal-client 1.0.3, sync and asyncio, from PyPI into .build/bench-venv) and two bare libcurl C
# programs, on every workload of issue 10, side by side against one `falua serve`, in
# interleaved rounds. Writes scripts/bench/results/latest.json and latest.png and regenerates the
# README's Speed table. See docs/benchmarks.md.
# Usage: scripts/bench/run.sh [--quick]     (--quick: small counts, under a minute)
#        FALUA=path/to/falua scripts/bench/run.sh ...   (measure that binary, no build; falua-serve
#                                                     must be beside it)
set -euo pipefail
cd "$(dirname "$0")/../.."
quick=()
case "${1:-}" in
  --quick) quick=(--quick) ;;
  "") ;;
  *) echo "usage: scripts/bench/run.sh [--quick]" >&2; exit 2 ;;
esac

bin=.build/bench
venv=.build/bench-venv
results=scripts/bench/results
mkdir -p "$bin" "$results"

falua=${FALUA:-}
if [ -z "$falua" ]; then
  echo "building falua and falua-serve (release)" >&2
  for product in falua falua-serve; do
    swift build -c release --product $product >>"$bin/build.log" 2>&1 || { cat "$bin/build.log"; exit 1; }
  done
  falua=.build/release/falua
fi

ready='import importlib.metadata as m, matplotlib; assert m.version("fal-client") == "1.0.3"'
if ! "$venv/bin/python" -c "$ready" 2>/dev/null; then
  echo "creating $venv (fal-client 1.0.3, matplotlib, orjson)" >&2
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "fal-client==1.0.3" msgpack matplotlib
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check orjson ||
    echo "orjson could not be installed: its row is left out" >&2
fi

for program in measure run_sequential multi_flows; do
  cc -O2 -Wall -o "$bin/$program" "scripts/bench/c/$program.c" -lcurl
done

lua=$(command -v lua5.4 || true)
[ -n "$lua" ] || echo "lua5.4 is not installed (scripts/bootstrap.sh installs it): its rows are left out" >&2

# 5000 concurrent subscribes hold 5000 sockets in the client and as many in the server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
runners=64
serve_options="--runners $runners"
source scripts/bench/serve.sh

"$venv/bin/python" scripts/bench/harness.py --out "$results/latest.json" "${quick[@]}" \
  --falua "$falua" --python "$venv/bin/python" --bin "$bin" --runners "$runners" ${lua:+--lua "$lua"}
"$venv/bin/python" scripts/bench/report.py "$results/latest.json"
