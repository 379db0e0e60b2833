"""`connect()` and the `Session` it returns: arrays over HTTP, live channels, subscriptions, recordings."""

from __future__ import annotations

import atexit
import io
import os
import sys
import weakref
from typing import IO, TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Union

import numpy as np
import requests

from .errors import ApiError, NpyStudioError, ServerUnreachable

FLUSH_TIMEOUT = 30.0  # a flush's default wait: the queue may hold many packets, so longer than the session's 10 s

if TYPE_CHECKING:  # imported lazily at run time: live data needs websockets, arrays do not
    from .channel import Channel
    from .record import Recording
    from .subscribe import Subscription

DEFAULT_SERVER = "http://127.0.0.1:8000"
PathLike = Union[str, "os.PathLike[str]"]


def connect(url: Optional[str] = None, token: Optional[str] = None, *, timeout: float = 10.0, check: bool = True) -> "Session":
    """Connects to an NPY Studio server.

    `url` defaults to `$NPY_STUDIO_SERVER`, then http://127.0.0.1:8000; `token` to `$NPY_STUDIO_TOKEN`.
    With `check`, asks `/health` at once, so a wrong address or token fails here (ServerUnreachable,
    ApiError) rather than later. `timeout` bounds every connection attempt and wait for an answer.
    """
    session = Session(url, token, timeout=timeout)
    if check:
        session.health()
    return session


class Session:
    """A connection to one server. Every method is synchronous and thread-safe; close it when done."""

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, *, timeout: float = 10.0):
        self.url = (url or os.environ.get("NPY_STUDIO_SERVER") or DEFAULT_SERVER).rstrip("/")
        if not self.url.startswith(("http://", "https://")):
            self.url = "http://" + self.url
        self.token = token if token is not None else os.environ.get("NPY_STUDIO_TOKEN") or None
        self.timeout = timeout
        self.headers: Dict[str, str] = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        self._http = requests.Session()
        self._http.headers.update(self.headers)
        self._channels: "weakref.WeakValueDictionary[str, Any]" = weakref.WeakValueDictionary()
        # A script that ends without close() still sends what it logged (each channel waits at most `timeout`).
        atexit.register(_close_at_exit, weakref.ref(self))

    # ---- plumbing ----

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One HTTP request; a refusal raises ApiError with the server's `detail`."""
        kwargs.setdefault("timeout", (self.timeout, max(self.timeout, 60.0)))
        try:
            response = self._http.request(method, self.url + path, **kwargs)
        except (requests.ConnectionError, requests.Timeout) as err:
            raise ServerUnreachable(f"cannot reach {self.url}: {_reason(err)}") from None
        if not response.ok:
            raise ApiError(response.status_code, _detail(response))
        return response

    def ws_url(self, path: str) -> str:
        """The WebSocket URL of `path` on this server."""
        return "ws" + self.url[len("http") :] + path

    # ---- arrays ----

    def health(self) -> Dict[str, Any]:
        """The server's `/health` answer."""
        return self.request("GET", "/health").json()

    def upload(
        self, array_or_path: Union[np.ndarray, PathLike, Mapping[str, np.ndarray]], name: Optional[str] = None, *, progress: Optional[bool] = None
    ) -> Any:
        """Stores an array on the server and returns its answer (`index`, `shape`, `dtype`, ...).

        A path to a `.npy` or `.npz` file is streamed from disk, with a progress bar on a terminal
        (tqdm's when it is installed; `progress` forces it on or off). The server stores each array of a
        `.npz` as one of a group: its answer lists them in `arrays`, with their `group`. A dict of arrays
        is sent as a `.npz`.
        """
        if isinstance(array_or_path, Mapping):
            buffer = io.BytesIO()
            np.savez(buffer, **{key: np.asarray(a) for key, a in array_or_path.items()})
            data = buffer.getvalue()
            return self._upload_stream(io.BytesIO(data), len(data), name or "arrays.npz", progress=False)
        if isinstance(array_or_path, (str, os.PathLike)):
            path = os.fspath(array_or_path)
            with open(path, "rb") as source:
                size = os.fstat(source.fileno()).st_size
                return self._upload_stream(source, size, name or os.path.basename(path), progress)
        array = np.asarray(array_or_path)
        if array.dtype.hasobject:
            raise TypeError("object arrays cannot be stored (.npy without pickles)")
        data = _np_save(array)
        return self._upload_stream(io.BytesIO(data), len(data), name or "array.npy", progress=False)

    def _upload_stream(self, source: IO[bytes], size: int, filename: str, progress: Optional[bool]) -> Any:
        show = sys.stderr.isatty() if progress is None else progress
        body = _MultipartFile(source, size, filename, _progress_bar(size, filename) if show else None)
        try:
            return self.request("POST", "/upload", data=body, headers={"Content-Type": body.content_type}).json()
        finally:
            body.close()

    def arrays(self) -> List[Dict[str, Any]]:
        """The stored arrays: `index`, `name`, `shape`, `dtype`, ... each."""
        return self.request("GET", "/arrays").json()["arrays"]

    def get(self, index: int) -> np.ndarray:
        """Array `index` exactly as stored (dtype, byte order, values), fetched as `.npy`."""
        return np.load(io.BytesIO(self.download(index)), allow_pickle=False)

    def get_json(self, index: int) -> np.ndarray:
        """Array `index` through the tutorial's JSON route (`tolist()` values), rebuilt with the stored dtype.

        NaN/±Inf arrive as strings and complex numbers as [re, im] pairs; both are rebuilt exactly.
        `get()` (via `.npy`) is faster and keeps byte order and layout too.
        """
        body = self.request("GET", f"/array/{int(index)}").json()
        dtype = np.dtype(body["dtype"])
        shape = tuple(body["shape"])
        if dtype.kind == "c":
            pairs = np.array(body["data"], dtype=np.float64).reshape(shape + (2,))
            array = np.empty(shape, dtype=dtype)  # re + 1j * im would turn an infinite im into a NaN re
            array.real, array.imag = pairs[..., 0], pairs[..., 1]
            return array
        return np.array(body["data"], dtype=dtype).reshape(shape)

    def download(self, index: int, to: Optional[PathLike] = None) -> bytes:
        """The stored `.npy` bytes of array `index`; with `to`, written to that file (only once complete)."""
        response = self.request("GET", f"/array/{int(index)}", params={"format": "npy"}, stream=to is not None)
        if to is None:
            return response.content
        target = os.fspath(to)
        partial = target + ".part"
        try:
            with open(partial, "wb") as out:
                for chunk in response.iter_content(1 << 20):
                    out.write(chunk)
            os.replace(partial, target)
        except BaseException:
            if os.path.exists(partial):
                os.unlink(partial)
            raise
        return b""

    def get_npz(self, arrays: Union[str, Sequence[int]]) -> Dict[str, np.ndarray]:
        """Several stored arrays keyed by name: those of a `group` (an uploaded `.npz`, a recording), or these indices."""
        listed = self.arrays()
        if isinstance(arrays, str):
            chosen = [a for a in listed if a.get("group") == arrays]
            if not chosen:
                raise ApiError(404, f"no stored arrays in group {arrays}")
        else:
            by_index = {a["index"]: a for a in listed}
            chosen = [by_index.get(i, {"index": i, "name": f"array{i}"}) for i in arrays]
        return {_npz_key(a["name"]): self.get(a["index"]) for a in chosen}

    def save_npz(self, arrays: Union[str, Sequence[int]], path: PathLike) -> None:
        """Writes a group or several stored arrays into one `.npz` file (see `get_npz`)."""
        np.savez(path, **self.get_npz(arrays))

    def delete(self, index: int) -> Dict[str, Any]:
        """Deletes array `index`."""
        return self.request("DELETE", f"/array/{int(index)}").json()

    # ---- live ----

    def streams(self) -> List[Dict[str, Any]]:
        """The live channels (`GET /streams`)."""
        return self.request("GET", "/streams").json()["streams"]

    def start_demo(self) -> Dict[str, Any]:
        """Starts the server's demo generator (for every client)."""
        return self.request("POST", "/control/start").json()

    def stop_demo(self) -> Dict[str, Any]:
        """Stops the server's demo generator (for every client)."""
        return self.request("POST", "/control/stop").json()

    def channel(self, name: str, **options: Any) -> "Channel":
        """A producer on channel `name`, connected before this returns (ApiError if refused).

        Options: `batch_size` (1000) and `flush_interval` (0.01 s) for `log()`, `max_queue_bytes`,
        and `names` and `units` for the series `log()` sends. Calling it again with the same name returns the same open channel.
        """
        from . import _ws
        from .channel import Channel

        _ws.require()
        existing = self._channels.get(name)
        if existing is not None and not existing._closed and not options:
            return existing
        created = Channel(self, name, **options)
        try:
            created.wait_connected(self.timeout + 5)
        except BaseException:
            created.close(flush=False)
            raise
        self._channels[name] = created
        return created

    def _forget(self, channel: Any) -> None:
        if self._channels.get(channel.name) is channel:
            del self._channels[channel.name]

    def subscribe(self, channel: str, lookback: Optional[float] = None, *, timeout: Optional[float] = None, **options: Any) -> "Subscription":
        """Subscribes to `channel`; iterate over the result for its packets (`y`, `t`, `x`, `seq`, `history`).

        `lookback` (seconds) first delivers the packets of that recent past, flagged `history`.
        `timeout`: iteration raises TimeoutError after that long without a packet.
        """
        from . import _ws
        from .subscribe import Subscription

        _ws.require()
        return Subscription(self, channel, lookback=lookback, timeout=timeout, **options)

    # ---- recordings ----

    def record(
        self,
        channels: Sequence[str],
        name: Optional[str] = None,
        *,
        max_seconds: Optional[float] = None,
        max_bytes: Optional[int] = None,
        lookback: Optional[bool] = None,
    ) -> "Recording":
        """Starts recording `channels` on the server; stop it with `stop()` or by leaving a `with` block."""
        from .record import Recording

        body: Dict[str, Any] = {"channels": list(channels)}
        for key, value in (("name", name), ("max_seconds", max_seconds), ("max_bytes", max_bytes), ("lookback", lookback)):
            if value is not None:
                body[key] = value
        return Recording(self, self.request("POST", "/recordings", json=body).json())

    def recordings(self) -> List[Dict[str, Any]]:
        """Active and finished recordings (`GET /recordings`)."""
        return self.request("GET", "/recordings").json()["recordings"]

    def flush_all(self, names: Optional[Sequence[str]] = None, timeout: Optional[float] = FLUSH_TIMEOUT) -> None:
        """Flushes this session's open channels (those in `names`, if given)."""
        for channel in list(self._channels.values()):
            if names is None or channel.name in names:
                channel.flush(timeout)

    # ---- lifetime ----

    def close(self) -> None:
        """Flushes and closes this session's channels, then its HTTP connections."""
        try:
            for channel in list(self._channels.values()):
                channel.close()
        finally:
            self._http.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<npystudio.Session {self.url}>"


class _MultipartFile:
    """A multipart/form-data body (field `file`) read from a stream, so requests never holds it whole."""

    _BOUNDARY = "npystudio-7d4b3c2a9e1f"

    def __init__(self, source: IO[bytes], size: int, filename: str, on_read: Optional[Callable[[int], None]]):
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
        self._head = (
            f'--{self._BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self._tail = f"\r\n--{self._BOUNDARY}--\r\n".encode()
        self._parts: Iterator[Any] = iter((io.BytesIO(self._head), source, io.BytesIO(self._tail)))
        self._current: Any = next(self._parts)
        self._length = len(self._head) + size + len(self._tail)
        self._on_read = on_read
        self.content_type = f"multipart/form-data; boundary={self._BOUNDARY}"

    def __len__(self) -> int:
        return self._length

    def read(self, amount: int = -1) -> bytes:
        amount = 1 << 20 if amount is None or amount < 0 else max(amount, 1 << 16)
        while self._current is not None:
            chunk = self._current.read(amount)
            if chunk:
                if self._on_read:
                    self._on_read(len(chunk))
                return chunk
            self._current = next(self._parts, None)
        return b""

    def close(self) -> None:
        if self._on_read is not None and hasattr(self._on_read, "close"):
            self._on_read.close()  # type: ignore[attr-defined]


class _TextProgress:
    """A minimal progress bar on stderr, for when tqdm is not installed."""

    def __init__(self, total: int, label: str):
        self.total, self.label, self.done, self._shown = total, label, 0, -1

    def __call__(self, count: int) -> None:
        self.done += count
        percent = 100 * self.done // max(self.total, 1)
        if percent != self._shown:
            self._shown = percent
            sys.stderr.write(f"\r{self.label}: {percent:3d}% of {self.total / 1e6:.1f} MB")
            sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")


def _progress_bar(total: int, label: str) -> Callable[[int], None]:
    try:
        from tqdm import tqdm
    except ImportError:
        return _TextProgress(total, label)
    bar = tqdm(total=total, unit="B", unit_scale=True, desc=label, file=sys.stderr)

    class _Tqdm:
        def __call__(self, count: int) -> None:
            bar.update(count)

        def close(self) -> None:
            bar.close()

    return _Tqdm()


def _np_save(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _close_at_exit(session_ref: "weakref.ref[Session]") -> None:
    session = session_ref()
    if session is not None:
        try:
            session.close()
        except (NpyStudioError, TimeoutError) as err:
            print(f"npystudio: at exit: {err}", file=sys.stderr)


def _npz_key(name: str) -> str:
    return name[:-4] if name.endswith(".npy") else name


def _detail(response: requests.Response) -> Any:
    try:
        return response.json()["detail"]
    except (ValueError, KeyError, TypeError):
        return response.text[:200] or response.reason


def _reason(err: Exception) -> str:
    text = str(err)
    for marker in ("Connection refused", "timed out", "Name or service not known", "No route to host"):
        if marker in text:
            return marker.lower()
    return text
