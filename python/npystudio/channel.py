"""Publishing to a live channel: `Session.channel(name)` returns a `Channel`."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import json
import threading
import time
from typing import TYPE_CHECKING, Any, Deque, List, Optional, Sequence, Union

import numpy as np

from . import _ws
from ._loop import background_loop
from ._npy import check_packet, encode_frame, npy_bytes
from .errors import ApiError, ServerUnreachable
from .session import FLUSH_TIMEOUT

if TYPE_CHECKING:
    from .session import Session

_FLUSH = object()  # in the send queue: "send a ping here"


class _Batch:
    """Samples `log()` collected, sent as one packet once cut."""

    __slots__ = ("values", "times")

    def __init__(self, values: list, times: list):
        self.values = values
        self.times = times


class Channel:
    """A producer on one channel, connected over `/ws/publish?channel=NAME` by a background thread.

    `send()` and `log()` never block: packets wait in a queue of at most `max_queue_bytes` while the
    connection is slow or down (it reconnects with backoff), and what does not fit is counted in
    `dropped` (packets) and `dropped_samples`. `flush()` waits until the server has handled everything
    sent before it (a packet written into a connection just as it broke can be lost unnoticed; a flush
    that spans the break is asked again on the next connection). Close it (or use it as a context
    manager) when done; open channels are also flushed when the interpreter exits.
    """

    def __init__(
        self,
        session: "Session",
        name: str,
        *,
        batch_size: int = 1000,
        flush_interval: float = 0.01,
        max_queue_bytes: int = 64 << 20,
        names: Optional[Sequence[str]] = None,
        units: Union[str, Sequence[str], None] = None,
    ):
        self.session = session
        self.name = name
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_queue_bytes = max_queue_bytes
        self.dropped = 0
        self.dropped_samples = 0
        self.sent = 0
        self.reconnects = 0
        self._names = list(names) if names is not None else None
        self._units = _units(units)
        self._lock = threading.Lock()
        self._values: list = []
        self._times: list = []
        self._queue: Deque[Any] = collections.deque()
        self._queued_bytes = 0
        self._errors: List[str] = []
        self._refusal: Optional[Exception] = None
        self._closed = False
        self._sender_idle = False
        self._loop = background_loop()
        self._wake: Optional[asyncio.Event] = None
        self._socket: Any = None  # the open connection, set by the background loop
        self._connected = concurrent.futures.Future()  # type: concurrent.futures.Future[None]
        self._task = asyncio.run_coroutine_threadsafe(self._run(), self._loop)

    # ---- the caller's side ----

    def send(
        self,
        y: Any,
        t: Optional[Any] = None,
        rate: Optional[float] = None,
        names: Optional[Sequence[str]] = None,
        units: Union[str, Sequence[str], None] = None,
    ) -> bool:
        """Queues one packet `y` of shape (n,) or (k, n), sent in binary with its dtype kept.

        `t` is either n per-sample times (float seconds, Unix time) or, with `rate` (Hz), the first
        sample's time. Without either, the server times the samples on arrival. `names` (k strings) and
        `units` (k strings, or one for all) label the series; the server keeps them for the channel.
        Returns False when the packet was dropped because the queue is full.
        """
        self._check_usable()
        if rate is not None and t is not None and np.ndim(t) == 0:
            array, times = check_packet(y)
            meta = {"timestamp": float(t), "rate": float(rate)}
        elif rate is not None:
            array, times = check_packet(y, t)
            meta = {"rate": float(rate)}
            if times is None:
                meta["timestamp"] = time.time()
        else:
            if t is not None and np.ndim(t) == 0:
                raise ValueError("a single time t needs rate; otherwise give one time per sample")
            array, times = check_packet(y, t)
            meta = {}
        if names is not None:
            meta["names"] = list(names)
        if units is not None:
            meta["units"] = _units(units)
        message = self._encode(array, times, meta)
        return self._enqueue(message, array.shape[-1])

    def log(self, value: Any, t: Optional[float] = None) -> None:
        """Logs one sample: a number (one series) or k numbers (k series), at time `t` (default now).

        Samples are collected and sent as one packet, with their times, every `flush_interval` seconds
        or `batch_size` samples, whichever comes first. The `names` and `units` given to
        `Session.channel()` go with each of these packets.
        """
        if t is None:
            t = time.time()
        with self._lock:
            values = self._values
            values.append(value)
            self._times.append(t)
            if len(values) == 1:
                self._loop.call_soon_threadsafe(self._arm_timer)
            elif len(values) >= self.batch_size:
                self._cut()

    def flush(self, timeout: Optional[float] = FLUSH_TIMEOUT) -> None:
        """Sends what `log()` collected and returns once the server has handled every packet sent so far.

        Raises ApiError if the server refused any of them (its reason as `detail`), TimeoutError
        after `timeout` seconds (the server is too slow or unreachable).
        """
        self._check_usable()
        done: concurrent.futures.Future = concurrent.futures.Future()
        with self._lock:
            self._cut()
            self._queue.append((_FLUSH, done))
        self._wake_sender()
        try:
            done.result(timeout)
        except concurrent.futures.TimeoutError:
            raise TimeoutError(f"channel {self.name}: the server did not confirm the packets within {timeout} s") from None
        self._raise_errors()

    @property
    def connected(self) -> bool:
        """True while the publishing connection is open."""
        return self._connected.done() and self._socket is not None

    def wait_connected(self, timeout: Optional[float] = 10.0) -> None:
        """Waits for the first connection; raises ApiError if the server refused the channel."""
        try:
            self._connected.result(timeout)
        except concurrent.futures.TimeoutError:
            raise ServerUnreachable(f"channel {self.name}: no connection to {self.session.url} within {timeout} s") from None

    def close(self, flush: bool = True, timeout: Optional[float] = None) -> None:
        """Flushes (unless `flush` is False or the channel was refused) and disconnects.

        The flush waits at most `timeout` seconds (default: the session's timeout), then raises TimeoutError.
        """
        if self._closed:
            return
        try:
            if flush and self._refusal is None:
                self.flush(self.session.timeout if timeout is None else timeout)
        finally:
            self._closed = True
            self._loop.call_soon_threadsafe(self._task.cancel)
            self.session._forget(self)

    def __enter__(self) -> "Channel":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close(flush=exc_info[0] is None)

    def __repr__(self) -> str:
        return f"<Channel {self.name!r} sent={self.sent} dropped={self.dropped}>"

    # ---- queueing ----

    def _encode(self, array: np.ndarray, times: Optional[np.ndarray], meta: dict) -> bytes:
        if not meta and times is None:
            return npy_bytes(array)  # bare, as the tutorial-era servers take it
        return encode_frame(meta, array) if times is None else encode_frame(meta, array, times)

    def _enqueue(self, message: Any, samples: int) -> bool:
        size = len(message) if isinstance(message, bytes) else 16 * samples
        with self._lock:
            if self._queued_bytes + size > self.max_queue_bytes:
                self.dropped += 1
                self.dropped_samples += samples
                return False
            self._queued_bytes += size
            self._queue.append(message)
        self._wake_sender()
        return True

    def _cut(self) -> None:
        """Moves the collected samples into the send queue (the caller holds the lock)."""
        if not self._values:
            return
        batch = _Batch(self._values, self._times)
        self._values, self._times = [], []
        size = 16 * len(batch.values)
        if self._queued_bytes + size > self.max_queue_bytes:
            self.dropped += 1
            self.dropped_samples += len(batch.values)
            return
        self._queued_bytes += size
        self._queue.append(batch)
        if self._sender_idle:
            self._loop.call_soon_threadsafe(self._set_wake)

    def _arm_timer(self) -> None:
        self._loop.call_later(self.flush_interval, self._cut_due)

    def _cut_due(self) -> None:
        with self._lock:
            self._cut()

    def _wake_sender(self) -> None:
        if self._sender_idle:
            self._loop.call_soon_threadsafe(self._set_wake)

    def _set_wake(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def _check_usable(self) -> None:
        if self._closed:
            raise RuntimeError(f"channel {self.name} is closed")
        if self._refusal is not None:
            raise self._refusal

    def _raise_errors(self) -> None:
        if self._refusal is not None:
            raise self._refusal
        if self._errors:
            errors, self._errors = self._errors, []
            raise ApiError(400, errors[0] if len(errors) == 1 else f"{errors[0]} (and {len(errors) - 1} more)")

    # ---- the background loop's side ----

    async def _run(self) -> None:
        try:
            await self._connect_and_serve()
        except asyncio.CancelledError:
            raise
        except Exception as err:  # a bug or a broken server: surfaced by the next call, not swallowed
            self._refuse(err)

    async def _connect_and_serve(self) -> None:
        self._wake = asyncio.Event()
        backoff = 0.05
        path = f"/ws/publish?channel={_quote(self.name)}"
        while True:
            try:
                socket = await _ws.open_socket(self.session.ws_url(path), self.session.headers, self.session.timeout)
            except ApiError as refusal:
                self._refuse(refusal)
                return
            except ServerUnreachable as err:
                if not self._connected.done():  # never connected: say so rather than retry forever
                    self._refuse(err)
                    return
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 2.0)
                continue
            try:
                first = json.loads(await socket.recv())
                if first.get("type") == "error":
                    await socket.wait_closed()
                    self._refuse(ApiError(socket.close_code, first.get("detail")))
                    return
                if self._connected.done():
                    self.reconnects += 1
                else:
                    self._connected.set_result(None)
                backoff = 0.05
                self._socket = socket
                await self._serve(socket)
            except asyncio.CancelledError:
                await socket.close()
                raise
            except _ws.closed_errors():
                pass
            finally:
                self._socket = None
            if socket.close_code in _ws.REFUSAL_CLOSE_CODES:
                self._refuse(ApiError(socket.close_code, socket.close_reason or "the server closed the channel"))
                return

    async def _serve(self, socket: Any) -> None:
        pending: Deque[concurrent.futures.Future] = collections.deque()
        reader = asyncio.ensure_future(self._read(socket, pending))
        sender = asyncio.ensure_future(self._send(socket, pending))
        try:
            done, _ = await asyncio.wait({reader, sender}, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()
        finally:
            reader.cancel()
            sender.cancel()
            # Flushes whose pong never came are asked again on the next connection.
            with self._lock:
                self._queue.extendleft((_FLUSH, f) for f in reversed(pending) if not f.done())

    async def _read(self, socket: Any, pending: Deque[concurrent.futures.Future]) -> None:
        async for text in socket:
            message = json.loads(text)
            kind = message.get("type")
            if kind == "pong" and pending:
                future = pending.popleft()
                if not future.done():
                    future.set_result(None)
            elif kind == "error":
                self._errors.append(str(message.get("detail")))

    async def _send(self, socket: Any, pending: Deque[concurrent.futures.Future]) -> None:
        queue = self._queue
        wake = self._wake
        assert wake is not None
        while True:
            if not queue:
                self._sender_idle = True
                if not queue:  # re-checked after announcing idleness, so no wake-up is missed
                    await wake.wait()
                wake.clear()
                self._sender_idle = False
                continue
            item = queue[0]
            if isinstance(item, tuple):
                await socket.send('{"action":"ping"}')
                pending.append(item[1])
                size = 0
            elif isinstance(item, _Batch):
                message = self._batch_message(item)
                if message is not None:
                    await socket.send(message)
                size = 16 * len(item.values)
            else:
                await socket.send(item)
                size = len(item)
            with self._lock:
                queue.popleft()
                self._queued_bytes -= size
            if size:
                self.sent += 1

    def _batch_message(self, batch: _Batch) -> Optional[bytes]:
        try:
            values = np.asarray(batch.values, dtype=np.float64)
            times = np.asarray(batch.times, dtype=np.float64)
        except (TypeError, ValueError) as err:
            self._errors.append(f"log(): a batch mixed series counts or held a non-number ({err}); its samples were not sent")
            return None
        if values.ndim > 2 or times.ndim != 1:
            self._errors.append(f"log(): values must be numbers or flat sequences of numbers, got shape {values.shape[1:]}")
            return None
        y = values if values.ndim == 1 else values.T
        meta = {}
        if self._names is not None:
            meta["names"] = self._names
        if self._units is not None:
            meta["units"] = self._units
        return self._encode(y, times, meta)

    def _refuse(self, refusal: Exception) -> None:
        self._refusal = refusal
        if not self._connected.done():
            self._connected.set_exception(refusal)
        self._fail_flushes(refusal)

    def _fail_flushes(self, error: Exception) -> None:
        with self._lock:
            for item in self._queue:
                if isinstance(item, tuple) and not item[1].done():
                    item[1].set_exception(error)
            self._queue.clear()
            self._queued_bytes = 0



def _units(units: Union[str, Sequence[str], None]) -> Optional[List[str]]:
    if units is None:
        return None
    return [units] if isinstance(units, str) else list(units)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
