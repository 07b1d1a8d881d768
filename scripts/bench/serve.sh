# Sourced by run.sh: starts `$falua serve` on free ports (plus `$serve_options`), requiring the key
# it exports as FAL_KEY (every client sends and the server checks it, as on fal), waits for its
# ready line, exports FALUA_RUN_URL / FALUA_QUEUE_URL / FALUA_REST_URL (realtime tokens come from
# the run server) and stops the server (and removes "$log") on exit.
export FAL_KEY=bench-key-id:bench-key-secret
log=$(mktemp)
$falua serve --port 0 --queue-port 0 --key "$FAL_KEY" ${serve_options:-} >"$log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -f "$log"' EXIT
while ! grep -q "falua serve:" "$log"; do
  kill -0 $server 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.05
done
export FALUA_RUN_URL=$(sed -n 's/.*run \(http[^ ]*\).*/\1/p' "$log")
export FALUA_QUEUE_URL=$(sed -n 's/.*queue \(http[^ ]*\).*/\1/p' "$log")
export FALUA_REST_URL=$FALUA_RUN_URL
