#!/usr/bin/env python3
"""The seed tutorial's `NumpyClient` and CLI, unchanged for their users, built on the `npystudio` package.

    client = NumpyClient("http://localhost:8000")
    client.upload_numpy_array(np.random.randn(100, 50))
    client.list_arrays()
    client.get_array(0)        # the seed's JSON route (tolist()), rebuilt with the stored dtype
    client.get_array_npy(0)    # the stored .npy itself: bit-exact, any size
    asyncio.run(client.connect_streaming(on_data=print, auto_start=True))

New code can use the package directly (`npystudio.connect()`); see the README's Python quick start.
Needs numpy and requests, and websockets (>= 10) for streaming only.
"""
import asyncio
import sys
import time
from typing import Any, Callable, Dict, Optional

import _npystudio_path  # noqa: F401
import numpy as np
import npystudio
from npystudio.cli import main as cli_main

ServerError = npystudio.ApiError  # the name this client's users catch


class NumpyClient:
    """The seed's client API over an `npystudio.Session`."""

    def __init__(self, server_url: str = "http://localhost:8000", token: Optional[str] = None):
        self.server_url = server_url.rstrip("/")
        self.token = token
        self.session = npystudio.Session(self.server_url, token)

    def health(self) -> Dict[str, Any]:
        return self.session.health()

    def upload_numpy_array(self, array: np.ndarray, filename: str = "array.npy") -> Dict[str, Any]:
        """Uploads `array` as the seed does (an in-memory .npy in multipart field `file`)."""
        return self.session.upload(array, filename)

    def upload_file(self, path: str) -> Dict[str, Any]:
        """Uploads a .npy file from disk, streamed."""
        return self.session.upload(path)

    def list_arrays(self) -> Dict[str, Any]:
        return self.session.request("GET", "/arrays").json()

    def get_array(self, index: int) -> np.ndarray:
        """The seed's JSON route; NaN/±Inf and complex values are rebuilt exactly."""
        return self.session.get_json(index)

    def get_array_npy(self, index: int) -> np.ndarray:
        """The stored file itself, as uploaded: exact values, dtype, byte order and layout."""
        return self.session.get(index)

    def download_npy(self, index: int) -> bytes:
        return self.session.download(index)

    def delete_array(self, index: int) -> Dict[str, Any]:
        return self.session.delete(index)

    def start_streaming(self) -> Dict[str, Any]:
        return self.session.start_demo()

    def stop_streaming(self) -> Dict[str, Any]:
        return self.session.stop_demo()

    def list_streams(self) -> list:
        return self.session.streams()

    async def connect_streaming(
        self,
        on_data: Callable[[Dict[str, Any]], None],
        auto_start: bool = True,
        channel: Optional[str] = None,
        duration: Optional[float] = None,
        on_status: Optional[Callable[[Dict[str, Any]], None]] = None,
        binary: bool = False,
    ) -> None:
        """Calls `on_data(message)` for each data packet of `channel` (the demo by default), for
        `duration` seconds or until cancelled. `auto_start` sends {"action": "start"} as the seed does.
        With `binary`, packets come as binary frames and `message["x"]`, `message["y"]` are numpy
        arrays in the publisher's exact dtype."""
        from npystudio.subscribe import stream_messages

        action: Dict[str, Any] = {"action": "start" if auto_start else "ping"}
        if binary:
            action["binary"] = True
        messages = stream_messages(self.session, channel, action)
        deadline = None if duration is None else time.monotonic() + duration
        try:
            while True:
                timeout = None if deadline is None else deadline - time.monotonic()
                if timeout is not None and timeout <= 0:
                    return
                try:
                    message = await asyncio.wait_for(messages.__anext__(), timeout)
                except (asyncio.TimeoutError, StopAsyncIteration):
                    return
                if message["type"] == "data":
                    if isinstance(message["y"], np.ndarray):
                        message["shape"] = list(message["y"].shape)
                        message["dtype"] = message["y"].dtype.name
                    on_data(message)
                elif message["type"] == "status" and on_status:
                    on_status(message)
                elif message["type"] == "error":
                    print(f"server: {message['detail']}", file=sys.stderr)
        finally:
            await messages.aclose()

    def close(self) -> None:
        self.session.close()


def main(argv=None) -> int:
    """The seed's commands (health, upload-demo, upload, list, get, delete, stream), as `python -m npystudio`."""
    return cli_main(argv, prog="client.py")


if __name__ == "__main__":
    sys.exit(main())
