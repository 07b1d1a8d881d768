#!/usr/bin/env bash
# Regenerates Sources/falua/link-order.txt, the functions falua runs at start-up and on its common
# paths (run, subscribe, realtime, the quickstart), in the order callgrind first lists them (start-up
# first; sorted by name instead, `falua -e ''` held 0.5 MiB more). The linker places them first in
# falua's .text (--symbol-ordering-file, Package.swift), so the pages a run touches are few and
# together: the kernel maps a file's pages around each fault, and scattered hot code made 3.8 MB of
# the 9.8 MB text resident in `falua -e ''` (docs/design.md §14).
# Names that no longer exist are skipped by the linker; rerun after large changes. Needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
order=Sources/falua/link-order.txt
[ -f $order ] || : >$order   # the link reads it
swift build -c release --product falua >/dev/null
swift build -c release --product falua-serve >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# valgrind 3.19 cannot read Swift 6's DWARF 5; the symbol table is all callgrind needs.
objcopy --strip-debug .build/release/falua "$work/falua"
ln -s "$PWD/.build/release/falua-serve" "$work/falua-serve"   # --local runs the one beside falua
profile() {
  valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/$1.out" "$work/falua" "${@:2}" \
    >"$work/$1.log" 2>&1 || { echo "profiling $1 failed:" >&2; tail -5 "$work/$1.log" >&2; exit 1; }
}
profile startup -e ''
profile quickstart --local examples/quickstart.lua
profile run --local scripts/bench/falua/run_sequential.lua 20
profile subscribe --local scripts/bench/falua/subscribe_concurrent.lua 20
profile realtime --local scripts/bench/falua/realtime_roundtrip.lua 20
# Function names as callgrind defines them ("fn=(id) name"), first sighting first, kept when falua
# defines them (libc's and liblua's are not falua's to place).
nm --defined-only "$work/falua" | awk '$2 ~ /^[tTwW]$/ { print $3 }' >"$work/defined"
cat "$work"/{startup,quickstart,run,subscribe,realtime}.out |
  sed -n 's/^c\{0,1\}fn=([0-9]*) //p' | awk '!seen[$0]++' |
  grep -Fx -f "$work/defined" >$order
echo "$order: $(wc -l <$order) functions" >&2
# SwiftPM does not know the link reads the list: remove the binary so the next build links again.
rm -f .build/release/falua
