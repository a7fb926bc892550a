"""Opens one session of a dashboard server that has just started, so its pre-warm begins at once.

Streamlit runs the app's code only for a session, and the pre-warm thread (dashboard/prewarm.py)
starts with a session's first run; without this the first visitor after a restart would wait for
a cold page. ./run.sh starts it in the background beside the server:

    python3 -m scripts.first_visit [--port 8501]

It waits for the server's health check (up to --wait seconds), opens the overview over
Streamlit's websocket protocol as a browser would (dashboard/session_client.py), waits for that run
to finish and exits. It shows nothing and never fails the server: any problem is one line on stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from dashboard.session_client import first_run, wait_until_up


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--wait", type=float, default=300.0, help="seconds to wait for the server")
    args = parser.parse_args(argv)
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_until_up(base, args.wait)
        asyncio.run(first_run(base, timeout_s=args.wait))
    except Exception as exc:  # noqa: BLE001 - a warm-up must never matter to the server
        print(f"first visit to {base} did not finish: {type(exc).__name__}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
