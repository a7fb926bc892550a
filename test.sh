#!/usr/bin/env bash
# Runs the whole test suite: installs what it needs (pip, Debian chromium + CJK fonts, starts
# the local PostgreSQL/MariaDB if they are down), then pytest. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --test
exec python3 -m pytest "$@"
