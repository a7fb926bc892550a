#!/usr/bin/env bash
# Installs what the dashboard and its tests need; safe to run again (skips what is there).
#   scripts/setup.sh          the dashboard's Python packages (requirements.txt)
#   scripts/setup.sh --test   the tests' packages too (requirements-test.txt), Chromium + CJK fonts
#                             (Debian) and the local PostgreSQL/MariaDB
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}

requirements=requirements.txt
[ "${1:-}" = "--test" ] && requirements=requirements-test.txt
if ! "$PYTHON" -m pip install --disable-pip-version-check -q -r "$requirements"; then
  echo "pip install -r $requirements failed" >&2
  exit 1
fi

[ "${1:-}" = "--test" ] || exit 0

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# grep reads all of fc-list's output (no -q): under pipefail an early exit is fc-list's SIGPIPE,
# which would read as "fonts missing" and run apt-get on every call
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need_apt+=(fonts-noto-cjk)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need_apt[@]}"
  else
    echo "Not root: install ${need_apt[*]} yourself for the browser tests (they skip without them)." >&2
  fi
fi

# Local database servers for the PostgreSQL/MariaDB query tests (started only if installed and down).
if command -v pg_isready >/dev/null && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
fi
if [ -x /usr/sbin/mariadbd ] && ! mysqladmin -h 127.0.0.1 -u root status >/dev/null 2>&1; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || true
fi
for _ in $(seq 1 30); do
  pg_ok=1; my_ok=1
  command -v pg_isready >/dev/null && { pg_isready -q -h 127.0.0.1 -p 5432 || pg_ok=0; }
  [ -x /usr/sbin/mariadbd ] && { mysqladmin -h 127.0.0.1 -u root status >/dev/null 2>&1 || my_ok=0; }
  [ $pg_ok = 1 ] && [ $my_ok = 1 ] && break
  sleep 1
done
