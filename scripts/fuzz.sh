#!/usr/bin/env bash
# Builds the libFuzzer targets in Tests/Fuzz (ASan + UBSan, outside SwiftPM) and runs each for
# a bounded time; fails on the first crash, leak, sanitizer report or timeout.
# Usage: scripts/fuzz.sh [seconds-per-target] [target...]   (default 30 s, every target)
# Findings land in .build/fuzz/findings/<target>/; replay one with `.build/fuzz/<target> <file>`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(json msgpack websocket sse response_head)

# The Swift toolchain's clang ships libFuzzer and the sanitizer runtimes; Debian's may not.
toolchain=${FUZZ_TOOLCHAIN:-$(dirname "$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)")}
clang="$toolchain/clang"
clangxx="$toolchain/clang++"
swiftc="$toolchain/swiftc"
if [ ! -x "$clang" ] || [ ! -x "$swiftc" ]; then
  echo "fuzz.sh: no clang and swiftc in $toolchain (set FUZZ_TOOLCHAIN to the toolchain's bin)" >&2
  exit 2
fi
out=.build/fuzz
mkdir -p "$out"

# gnu23 for #embed. Any UB report aborts. Stack use-after-return checks cost a tenth of the time
# and the codecs return no stack addresses.
c_flags=(-std=gnu23 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
  -fno-sanitize-recover=all -fsanitize-address-use-after-return=never -fuse-ld=lld
  -ISources/CFalua/include -ISources/CFalua -I/usr/include/lua5.4)
swift_flags=(-parse-as-library -O -g -sanitize=fuzzer,address -use-ld=lld)
# The Swift runtime's own crash handler would race libFuzzer's under ASan.
export SWIFT_BACKTRACE=enable=no

# Every codec source, whatever the codec files are called: the targets reach them through the
# umbrella header CFalua.h. The JSON codec's float text is C++ (float_text.cc, Dragonbox, fast_float):
# it is compiled on its own, since -std=gnu23 is C only.
codec_sources=(Sources/CFalua/codec_*.c)
cxx_flags=(-std=gnu++17 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
  -fno-sanitize-recover=all -fno-exceptions -fno-rtti -ISources/CFalua -I/usr/include/dragonbox-1.1.3)

build() {
  local target=$1
  case $target in
    json | msgpack)
      "$clangxx" "${cxx_flags[@]}" -c Sources/CFalua/float_text.cc -o "$out/float_text.o"
      "$clang" "${c_flags[@]}" "Tests/Fuzz/$target/fuzz_$target.c" "${codec_sources[@]}" "$out/float_text.o" \
        -llua5.4 -lmsgpuck -lstdc++ -lm -o "$out/$target" ;;
    websocket)
      # The target supplies curl_easy_recv/curl_easy_send itself, so libcurl is not linked;
      # crypto.c opens libcrypto on first use, as in falua.
      "$clang" "${c_flags[@]}" -ISources/CTransport/include -ISources/CCrypto/include \
        Tests/Fuzz/websocket/fuzz_websocket.c Sources/CTransport/websocket.c Sources/CCrypto/crypto.c \
        -lwslay -o "$out/$target" ;;
    sse)
      "$swiftc" "${swift_flags[@]}" Tests/Fuzz/sse/FuzzSSE.swift Sources/Transport/SSE/*.swift \
        -module-name FuzzSSE -o "$out/$target" ;;
    response_head)
      "$swiftc" "${swift_flags[@]}" Tests/Fuzz/response_head/FuzzResponseHead.swift \
        Sources/Transport/HTTP/ResponseHeadParser.swift Sources/Transport/HTTP/HTTPHeaders.swift Sources/Transport/HTTP/ASCII.swift \
        -module-name FuzzResponseHead -o "$out/$target" ;;
    *) echo "fuzz.sh: unknown target $target" >&2; exit 2 ;;
  esac
}

for target in "${targets[@]}"; do
  echo "== fuzz $target: build"
  build "$target"
  corpus="$out/corpus/$target" findings="$out/findings/$target"
  mkdir -p "$corpus" "$findings"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096
    -artifact_prefix="$findings/" -print_final_stats=1)
  dict="Tests/Fuzz/$target/$target.dict"
  [ -f "$dict" ] && options+=(-dict="$dict")
  echo "== fuzz $target: run ${seconds}s"
  # New inputs go to the scratch corpus; the committed seeds are only read.
  if ! "$out/$target" "${options[@]}" "$corpus" "Tests/Fuzz/$target/seeds" 2>"$out/$target.log"; then
    tail -n 60 "$out/$target.log" >&2
    echo "fuzz.sh: $target failed; the input is in $findings/ (log: $out/$target.log)" >&2
    exit 1
  fi
  grep -E '^Done' "$out/$target.log" || true
done
