"""A session of a running dashboard server, opened as a browser opens it: Streamlit's own
websocket protocol (a `rerun_script` message to /_stcore/stream, then the server's messages until
the run's `script_finished`). Used by scripts/first_visit.py (a restarted server's first session,
which starts its pre-warm) and by the load test (bench/loadtest.py).
"""

from __future__ import annotations

import asyncio
import time


async def page_run(ws, page_hash: str, page_name: str, query: str, timeout_s: float) -> tuple[int, int, dict]:
    """Ask for one page and read until its run finishes: (exceptions, error sentences, page hashes
    from the navigation message)."""
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    request = BackMsg()
    request.rerun_script.query_string = query
    request.rerun_script.page_script_hash = page_hash
    request.rerun_script.page_name = page_name
    await ws.send(request.SerializeToString())
    exceptions = alerts = 0
    pages: dict[str, str] = {}
    deadline = time.monotonic() + timeout_s
    while True:
        message = ForwardMsg()
        message.ParseFromString(await asyncio.wait_for(ws.recv(), max(deadline - time.monotonic(), 0.01)))
        kind = message.WhichOneof("type")
        if kind == "navigation":
            pages = {p.url_pathname: p.page_script_hash for p in message.navigation.app_pages}
            if pages.get(page_name) != message.navigation.page_script_hash:
                raise LookupError(f"asked for page {page_name!r}, the server ran another")
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            exceptions += element.WhichOneof("type") == "exception"
            alerts += element.WhichOneof("type") == "alert" and element.alert.format == Alert.ERROR
        elif kind == "page_not_found":
            raise LookupError(f"page {page_name!r} not found")
        elif kind == "script_finished":
            if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue  # the page asked for a rerun (st.rerun): wait for that run
            return exceptions, alerts, pages


def connect(base: str, timeout_s: float):
    """A websocket to the server's stream, as the browser opens it (async context manager)."""
    import websockets

    url = base.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
    return websockets.connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=timeout_s)


async def first_run(base: str, timeout_s: float) -> None:
    """One session's first page (the overview), until its run finishes (scripts/first_visit.py)."""
    async with connect(base, timeout_s) as ws:
        await page_run(ws, "", "", "", timeout_s)


def wait_until_up(base: str, timeout_s: float) -> None:
    """Wait for the server's health check (a server just started is measured from its first page,
    not refused)."""
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
