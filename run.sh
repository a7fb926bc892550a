#!/usr/bin/env bash
# Runs the dashboard (http://127.0.0.1:8501). On the demo database by default; the first run
# generates data/demo.duckdb (about a minute). Set DASHBOARD_DB_URL for a real reporting database.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
# One session right after the server is up, so the pre-warm (and, on the first run, the demo
# database) starts before the first visitor arrives: scripts/first_visit.py, in the background.
port=${STREAMLIT_SERVER_PORT:-8501}
previous=""
for arg in "$@"; do
  case "$arg" in --server.port=*) port=${arg#*=} ;; esac
  [ "$previous" = "--server.port" ] && port=$arg
  previous=$arg
done
python3 -m scripts.first_visit --port "$port" >/dev/null &
exec python3 -m streamlit run streamlit_app.py "$@"
