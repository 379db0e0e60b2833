"""Receiving a live channel: `Session.subscribe(name)` returns a `Subscription` to iterate over."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import json
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, AsyncIterator, Dict, Iterator, List, Optional, Union
from urllib.parse import urlencode

import numpy as np

from . import _ws
from ._loop import background_loop
from ._npy import decode_frame
from .errors import ApiError, ServerUnreachable

if TYPE_CHECKING:
    from .session import Session

_END = object()


@dataclass
class Packet:
    """One packet of a channel: `y` is (n,) or (k, n) in the producer's dtype, `x` and `t` are (n,) float64."""

    channel: str
    seq: int
    timestamp: float
    x: np.ndarray
    y: np.ndarray
    t: Optional[np.ndarray] = None
    history: bool = False
    names: Optional[List[str]] = None
    units: Optional[List[str]] = None
    dropped: Optional[int] = None
    meta: Dict[str, Any] = field(default_factory=dict, repr=False)


def decode_message(message: Union[str, bytes]) -> Dict[str, Any]:
    """A message of /ws/stream as a dict; a binary data frame's x, y (and t) become numpy arrays."""
    if isinstance(message, str):
        return json.loads(message)
    meta, arrays = decode_frame(message)
    if len(arrays) < 2:
        raise ValueError(f"a data frame holds x and y, this one {len(arrays)} arrays")
    meta["x"], meta["y"] = arrays[0], arrays[1]
    if len(arrays) > 2:
        meta["t"] = arrays[2]
    return meta


async def stream_messages(
    session: "Session", channel: Optional[str], first_action: Dict[str, Any], lookback: Optional[float] = None
) -> AsyncIterator[Dict[str, Any]]:
    """Opens /ws/stream for `channel` (the demo when None), sends `first_action`, and yields each message decoded."""
    query: Dict[str, Any] = {}
    if channel is not None:
        query["channel"] = channel
    if lookback is not None:
        query["lookback"] = f"{lookback:g}"
    socket = await _ws.open_socket(session.ws_url("/ws/stream" + (f"?{urlencode(query)}" if query else "")), session.headers, session.timeout)
    try:
        try:
            await socket.send(json.dumps(first_action))
            async for message in socket:
                yield decode_message(message)
        except _ws.closed_errors():
            pass
        code = socket.close_code
        if code in _ws.REFUSAL_CLOSE_CODES:
            raise ApiError(code, socket.close_reason or "the server refused the stream")
        if code not in (1000, 1001):
            raise ServerUnreachable(f"lost the connection to {session.url} (close code {code})")
    finally:
        await socket.close()


def _packet(message: Dict[str, Any]) -> Packet:
    t = message.get("t")
    x, y = message["x"], message["y"]
    if not isinstance(y, np.ndarray):  # a JSON packet (sent before the server took our binary choice)
        x = np.array(x, dtype=np.float64)
        y = np.array(y, dtype=np.dtype(message.get("dtype", "float64")))  # "NaN"/"Infinity" strings parse too
    return Packet(
        channel=message.get("channel", "demo"),
        seq=message.get("seq", -1),
        timestamp=message.get("timestamp", float("nan")),
        x=x,
        y=y,
        t=None if t is None else np.asarray(t, dtype=np.float64),
        history=bool(message.get("history", False)),
        names=message.get("names"),
        units=message.get("units"),
        dropped=message.get("dropped"),
        meta={k: v for k, v in message.items() if k not in ("x", "y", "t")},
    )


class Subscription:
    """Packets of one channel, as binary frames decoded into numpy arrays.

    Iterate over it (`for packet in s.subscribe("sensor")`), or call `get(timeout)`. Iteration raises
    TimeoutError when no packet came for `timeout` seconds (if given), ApiError if the server refuses
    the channel. It reconnects after the connection drops (history is asked for only once). Packets
    the consumer is too slow for are dropped beyond `max_packets` queued, and counted in `dropped`
    together with those the server reports dropping.
    """

    def __init__(
        self,
        session: "Session",
        channel: str,
        *,
        lookback: Optional[float] = None,
        timeout: Optional[float] = None,
        max_packets: int = 10_000,
        start: bool = False,
    ):
        self.session = session
        self.channel = channel
        self.timeout = timeout
        self.dropped = 0
        self.reconnects = 0
        self.connections = 0  # accepted connections so far (1 until the first reconnection)
        self._lookback = lookback
        self._start = start
        self._max_packets = max_packets
        self._items: "collections.deque[Any]" = collections.deque()  # packets, then perhaps an error or _END
        self._arrived = threading.Event()
        self._consumer_waiting = False
        self._ready: concurrent.futures.Future = concurrent.futures.Future()
        self._closed = False
        self._task = asyncio.run_coroutine_threadsafe(self._run(), background_loop())
        try:
            self._ready.result(session.timeout + 5)
        except concurrent.futures.TimeoutError:
            self.close()
            raise ServerUnreachable(f"no answer from {session.url} subscribing to {channel}") from None
        except BaseException:
            self.close()
            raise

    def get(self, timeout: Optional[float] = None) -> Optional[Packet]:
        """The next packet, or None when none came within `timeout` seconds (or the subscription ended)."""
        try:
            return self._next(timeout)
        except (TimeoutError, StopIteration):
            return None

    def __iter__(self) -> Iterator[Packet]:
        return self

    def __next__(self) -> Packet:
        return self._next(self.timeout)

    def _next(self, timeout: Optional[float]) -> Packet:
        items = self._items
        if not items:
            deadline = None if timeout is None else time.monotonic() + timeout
            while not items:
                # Announce the wait, then re-check, so an arrival in between is not missed.
                self._arrived.clear()
                self._consumer_waiting = True
                if not items:
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        self._consumer_waiting = False
                        raise TimeoutError(f"no packet on {self.channel} within {timeout} s")
                    self._arrived.wait(remaining)
                self._consumer_waiting = False
        item = items[0]
        if item is _END:
            raise StopIteration
        items.popleft()
        if isinstance(item, BaseException):
            items.appendleft(_END)
            raise item
        return item

    def close(self) -> None:
        """Disconnects; iteration then ends after the packets already received."""
        if not self._closed:
            self._closed = True
            background_loop().call_soon_threadsafe(self._task.cancel)

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    async def _run(self) -> None:
        backoff = 0.05
        lookback = self._lookback
        try:
            while True:
                action = {"action": "start" if self._start else "ping", "binary": True}
                answer = "status" if self._start else "pong"
                last_error = None
                accepted = False
                try:
                    async for message in stream_messages(self.session, self.channel, action, lookback):
                        kind = message.get("type")
                        if kind == "data":
                            self._deliver(_packet(message))
                        elif kind == answer and not accepted:  # the answer to our first action: subscribed
                            accepted = True
                            self.connections += 1
                            backoff = 0.05
                            if not self._ready.done():
                                self._ready.set_result(None)
                        elif kind == "dropped":
                            self.dropped += int(message.get("count", 0))
                        elif kind == "error":
                            last_error = message.get("detail")
                except ApiError as err:
                    self._fail(ApiError(err.status, last_error or err.detail))
                    return
                except ServerUnreachable as err:
                    if not self._ready.done():
                        self._fail(err)
                        return
                except Exception as err:  # a bug or a malformed frame: surfaced to the consumer, not swallowed
                    self._fail(err)
                    return
                lookback = None  # history came with the first connection
                self.reconnects += 1
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
        finally:
            self._finish()

    def _deliver(self, packet: Packet) -> None:
        if len(self._items) >= self._max_packets:
            self.dropped += 1  # the consumer is too slow: newest packets give way, bounded memory
            return
        self._items.append(packet)
        if self._consumer_waiting:
            self._arrived.set()

    def _fail(self, error: BaseException) -> None:
        if not self._ready.done():
            self._ready.set_exception(error)
        else:
            self._put_last(error)

    def _finish(self) -> None:
        if not self._ready.done():
            self._ready.set_exception(ServerUnreachable(f"subscription to {self.channel} ended"))
        self._put_last(_END)

    def _put_last(self, item: Any) -> None:
        self._items.append(item)
        self._arrived.set()
