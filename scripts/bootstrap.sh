#!/usr/bin/env bash
# Installs the Debian packages falua builds against. Idempotent; runs as root or through sudo.
set -euo pipefail
# tmux: the REPL tests drive a real terminal. lua5.4 and lua-cjson: the benchmark's start-up and JSON references (scripts/bench).
# libdragonbox-dev and libfast-float-dev: the JSON codec's float text (shortest round-trip digits,
# correctly rounded parsing) without printf/strtod, which took half of the encode time.
packages=(liblua5.4-dev libcurl4-openssl-dev libedit-dev libssl-dev zlib1g-dev libwslay-dev libmsgpuck-dev libsqlite3-dev pkg-config
  libdragonbox-dev libfast-float-dev lua5.4 lua-cjson tmux)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# The official Python client: the emulator's fidelity test and the benchmarks drive it.
# msgpack and websockets: the msgpack codec's differential test and the WebSocket test server.
if ! python3 -c "import fal_client, msgpack, websockets.asyncio.server" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "fal-client==1.0.3" msgpack "websockets>=13"
fi
