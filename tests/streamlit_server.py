"""One way for browser tests to run the real app: a streamlit server on a free local port."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(env: dict[str, str]) -> Iterator[str]:
    """Start streamlit_app.py with `env` on 127.0.0.1, yield its base URL once healthy, stop it after.

    The server's output goes to a temporary file (a pipe nobody reads could fill and stall it)
    and is shown when the server does not come up.
    """
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            process.kill()
            log.seek(0)
            pytest.fail("streamlit did not start: " + log.read().decode(errors="replace")[-2000:])
        try:
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)
