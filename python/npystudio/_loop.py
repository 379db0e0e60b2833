"""The one background thread that runs npystudio's asyncio loop, so callers never see asyncio."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Coroutine, Optional, TypeVar

T = TypeVar("T")
_lock = threading.Lock()
_loop: Optional[asyncio.AbstractEventLoop] = None


def background_loop() -> asyncio.AbstractEventLoop:
    """The shared event loop, started on first use in a daemon thread (Jupyter's own loop is untouched)."""
    global _loop
    with _lock:
        if _loop is None:
            loop = asyncio.new_event_loop()
            started = threading.Event()

            def run() -> None:
                asyncio.set_event_loop(loop)
                loop.call_soon(started.set)
                loop.run_forever()

            threading.Thread(target=run, name="npystudio-io", daemon=True).start()
            started.wait()
            _loop = loop
        return _loop


def run_sync(coroutine: Coroutine[Any, Any, T], timeout: Optional[float] = None) -> T:
    """Runs `coroutine` on the background loop and waits for its result (at most `timeout` seconds)."""
    future = asyncio.run_coroutine_threadsafe(coroutine, background_loop())
    try:
        return future.result(timeout)
    except BaseException:
        future.cancel()
        raise
