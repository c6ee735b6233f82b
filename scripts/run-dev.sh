#!/usr/bin/env bash
# Start the stand-in AdultWork API, the portal wired to it (with demo users) and the background
# worker that runs bulk jobs; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}
STANDIN_PORT=${STANDIN_PORT:-8001}
export AW_API_BASE_URL="http://127.0.0.1:${STANDIN_PORT}"
export AW_OAUTH_BASE_URL="$AW_API_BASE_URL"
mkdir -p var

"$PY" -m aw_standin --host 127.0.0.1 --port "$STANDIN_PORT" \
  --redirect-uri "http://127.0.0.1:${PORT}/connect/callback/" \
  --redirect-uri "http://localhost:${PORT}/connect/callback/" >var/standin.log 2>&1 &
standin_pid=$!
trap 'kill "$standin_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  grep -q "listening on" var/standin.log 2>/dev/null && break
  kill -0 "$standin_pid" 2>/dev/null || { cat var/standin.log; exit 1; }
  sleep 0.1
done
echo "Stand-in AdultWork API: $AW_API_BASE_URL (log: var/standin.log)"

"$PY" manage.py migrate --noinput
"$PY" manage.py demo_setup --url "http://127.0.0.1:${PORT}/" --connect-token demo-member-token \
  --connect-manager-token demo-manager-token

# Its own session, so that stopping it also stops the copy its autoreloader runs (DEBUG).
setsid "$PY" manage.py db_worker >var/worker.log 2>&1 &
worker_pid=$!
trap 'kill -- "-$worker_pid" 2>/dev/null || true; kill "$standin_pid" 2>/dev/null || true' EXIT
echo "Background worker for bulk jobs started (log: var/worker.log)"

"$PY" manage.py runserver "127.0.0.1:${PORT}"
