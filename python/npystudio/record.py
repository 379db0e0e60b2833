"""Recordings: `Session.record(channels)` returns a `Recording`."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any, Dict, Optional

import numpy as np

from .session import FLUSH_TIMEOUT

if TYPE_CHECKING:
    from .session import Session


class Recording:
    """A recording on the server. As a context manager it stops when the block ends.

    `info` is the server's latest JSON for it (`id`, `state`, `arrays`, ...). Stopping first flushes
    the session's own channels being recorded, so everything they sent inside the block is in it.
    """

    def __init__(self, session: "Session", info: Dict[str, Any]):
        self.session = session
        self.info = info
        self.id = info["id"]

    @property
    def state(self) -> str:
        return self.info.get("state", "")

    def stop(self) -> Dict[str, Any]:
        """Stops recording (if still recording) and returns the finished recording's JSON.

        The session's channels being recorded are flushed first, waiting up to the session's timeout (at least 30 s).
        """
        if self.state == "recording":
            self.session.flush_all(self.info.get("channels"), max(FLUSH_TIMEOUT, self.session.timeout))
            self.info = self.session.request("POST", f"/recordings/{self.id}/stop").json()
        return self.info

    def refresh(self) -> Dict[str, Any]:
        """The recording's current JSON (`bytes`, `duration`, `lost`, `durable_seq`, ...)."""
        self.info = self.session.request("GET", f"/recordings/{self.id}").json()
        return self.info

    def load(self) -> Dict[str, np.ndarray]:
        """The recorded arrays, keyed as in the recording's `.npz`: `"sensor/y"`, `"sensor/t"`, ..."""
        return {key: value for key, value in self._npz().items()}

    def download(self, path: str) -> None:
        """Saves the recording's `.npz` to `path`."""
        with open(path, "wb") as out:
            out.write(self._npz_bytes())

    def _npz_bytes(self) -> bytes:
        return self.session.request("GET", f"/recordings/{self.id}", params={"format": "npz"}).content

    def _npz(self) -> Any:
        with np.load(io.BytesIO(self._npz_bytes()), allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}

    def __enter__(self) -> "Recording":
        return self

    def __exit__(self, *exc_info: Optional[Any]) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<Recording {self.id} {self.state}>"
