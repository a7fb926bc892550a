#!/usr/bin/env bash
# Runs the dashboard (http://127.0.0.1:8501). On the demo database by default; the first run
# generates data/demo.duckdb (about a minute). Set DASHBOARD_DB_URL for a real reporting database.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec python3 -m streamlit run streamlit_app.py "$@"
