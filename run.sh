#!/usr/bin/env bash
# Runs the dashboard (http://127.0.0.1:8501). On the demo database by default; the first run
# generates data/demo.duckdb (about a minute). Set DASHBOARD_DB_URL for a real reporting database.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
# One session right after the server is up, so the pre-warm (and, on the first run, the demo
# database) starts before the first visitor arrives: scripts/first_visit.py, in the background.
# The port as streamlit chooses it: --server.port, else STREAMLIT_SERVER_PORT, else the config file.
port=$(python3 -c 'import tomllib; print(tomllib.load(open(".streamlit/config.toml", "rb")).get("server", {}).get("port", 8501))' 2>/dev/null || echo 8501)
port=${STREAMLIT_SERVER_PORT:-$port}
previous=""
for arg in "$@"; do
  case "$arg" in --server.port=*) port=${arg#*=} ;; esac
  [ "$previous" = "--server.port" ] && port=$arg
  previous=$arg
done
python3 -m scripts.first_visit --port "$port" >/dev/null &
exec python3 -m streamlit run streamlit_app.py "$@"
