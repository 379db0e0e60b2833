"""Live channels: send, log, flush, subscribe (lookback), the queue bound, reconnection, refusals, bad input."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

import npystudio
from conftest import HANG, ServerProcess, collect, wait_until


def test_send_keeps_dtype_and_shape_and_flush_confirms(session: npystudio.Session, channel_name: str) -> None:
    with session.subscribe(channel_name) as subscription:
        channel = session.channel(channel_name)
        channel.send(np.array([1, -2, 32767], np.int16))
        channel.send(np.arange(6, dtype=">f8").reshape(2, 3))
        channel.send(np.array([True, False]))
        channel.flush(HANG)
        assert channel.sent == 3
        first, second, third = collect(subscription, 3 + 3 + 2)
    assert first.y.dtype == np.int16 and first.y.tolist() == [1, -2, 32767]
    assert (first.seq, first.x.tolist()) == (0, [0.0, 1.0, 2.0])
    assert second.y.dtype == np.dtype(">f8") and second.y.shape == (2, 3) and second.y.tolist() == [[0, 1, 2], [3, 4, 5]]
    assert (second.seq, second.x.tolist()) == (1, [3.0, 4.0, 5.0])
    assert third.y.dtype == np.bool_ and third.seq == 2
    assert not first.history


def test_send_with_times_names_and_units(session: npystudio.Session, channel_name: str, requires) -> None:
    requires("framed publish and sample times")
    with session.subscribe(channel_name) as subscription:
        channel = session.channel(channel_name)
        times = 1_700_000_000.0 + np.array([0.0, 0.25, 1.5])
        channel.send(np.arange(6, dtype=np.float32).reshape(2, 3), t=times, names=["left", "right"], units="V")
        channel.send(np.arange(4, dtype=np.int32), t=100.0, rate=8.0)
        channel.flush(HANG)
        timed, rated = collect(subscription, 3 + 4)
    assert timed.t.tolist() == times.tolist() and timed.y.dtype == np.float32
    assert (timed.names, timed.units) == (["left", "right"], ["V", "V"])  # one unit given for all series
    assert rated.t.tolist() == [100.0, 100.125, 100.25, 100.375]


def test_log_batches_single_samples_with_their_times(session: npystudio.Session, channel_name: str, requires) -> None:
    requires("framed publish and sample times")
    with session.subscribe(channel_name) as subscription:
        channel = session.channel(channel_name, batch_size=100)
        for i in range(250):
            channel.log(float(i), t=1000.0 + i / 4)
        channel.flush(HANG)
        packets = collect(subscription, 250)
    assert channel.dropped == 0
    assert np.concatenate([p.y for p in packets]).tolist() == [float(i) for i in range(250)]
    assert np.concatenate([p.t for p in packets]).tolist() == [1000.0 + i / 4 for i in range(250)]
    assert max(p.y.shape[-1] for p in packets) <= 100  # cut at batch_size


def test_log_k_series_and_default_times(session: npystudio.Session, channel_name: str, requires) -> None:
    requires("framed publish and sample times")
    import time

    with session.subscribe(channel_name) as subscription:
        channel = session.channel(channel_name)
        before = time.time()
        for i in range(10):
            channel.log([i, -i, 0.5])
        channel.flush(HANG)
        after = time.time()
        packets = collect(subscription, 10)
    y = np.concatenate([p.y for p in packets], axis=1)
    assert y.shape == (3, 10) and y[1].tolist() == [-float(i) for i in range(10)]
    t = np.concatenate([p.t for p in packets])
    assert before <= t[0] and np.all(np.diff(t) >= 0) and t[-1] <= after


def test_log_of_mixed_series_counts_is_reported_at_flush(session: npystudio.Session, channel_name: str) -> None:
    channel = session.channel(channel_name)
    channel.log([1.0, 2.0])
    channel.log(3.0)
    with pytest.raises(npystudio.ApiError, match="mixed series counts"):
        channel.flush(HANG)
    channel.flush(HANG)  # reported once; the channel stays usable


def test_subscribe_lookback_sends_history_then_live_without_gap(session: npystudio.Session, channel_name: str, requires) -> None:
    requires("lookback")
    channel = session.channel(channel_name)
    for i in range(3):
        channel.send(np.full(2, i, np.int16))
    channel.flush(HANG)
    with session.subscribe(channel_name, lookback=60) as subscription:
        channel.send(np.full(2, 3, np.int16))
        channel.flush(HANG)
        packets = collect(subscription, 8)
    assert [p.seq for p in packets] == [0, 1, 2, 3]
    assert [p.history for p in packets] == [True, True, True, False]


def test_iteration_times_out_when_nothing_comes(session: npystudio.Session, channel_name: str) -> None:
    with session.subscribe(channel_name, timeout=0.2) as subscription:
        with pytest.raises(TimeoutError):
            next(iter(subscription))


def test_bad_input_fails_at_the_call(session: npystudio.Session, channel_name: str) -> None:
    channel = session.channel(channel_name)
    with pytest.raises(ValueError, match=r"\(n,\) or \(k, n\)"):
        channel.send(np.zeros((2, 3, 4)))
    with pytest.raises(TypeError, match="object"):
        channel.send(np.array([1, "a", None], dtype=object))
    with pytest.raises(TypeError):
        channel.send(np.array([1 + 2j]))
    with pytest.raises(ValueError, match="empty"):
        channel.send(np.zeros(0))
    with pytest.raises(ValueError, match="one time per sample"):
        channel.send(np.zeros(3), t=[1.0, 2.0])
    with pytest.raises(ValueError, match="needs rate"):
        channel.send(np.zeros(3), t=5.0)
    assert channel.sent == 0
    channel.flush(HANG)


@pytest.mark.parametrize("name, code", [("demo", 1008), ("bad name!", 1008)])
def test_refused_channels_raise_api_error(session: npystudio.Session, name: str, code: int) -> None:
    with pytest.raises(npystudio.ApiError) as refused:
        session.channel(name)
    assert refused.value.status == code and refused.value.detail


def test_subscribing_to_a_bad_name_raises_api_error(session: npystudio.Session) -> None:
    with pytest.raises(npystudio.ApiError) as refused:
        session.subscribe("bad name!")
    assert refused.value.status in (400, 1008) and refused.value.detail  # refused at the upgrade or just after


def test_a_full_queue_drops_and_counts_without_blocking(session: npystudio.Session, channel_name: str) -> None:
    channel = session.channel(channel_name, max_queue_bytes=1000)
    assert channel.send(np.zeros(2000, np.float32)) is False
    assert (channel.dropped, channel.dropped_samples) == (1, 2000)
    assert channel.send(np.zeros(10, np.float32)) is True
    channel.flush(HANG)
    assert channel.sent == 1


def test_same_name_gives_the_same_channel_and_close_flushes(session: npystudio.Session, channel_name: str) -> None:
    with session.subscribe(channel_name) as subscription:
        channel = session.channel(channel_name)
        assert session.channel(channel_name) is channel
        channel.send(np.ones(5))
        channel.close()
        assert collect(subscription, 5)[0].y.tolist() == [1.0] * 5
    with pytest.raises(RuntimeError, match="closed"):
        channel.send(np.ones(5))


def test_works_inside_a_running_event_loop_as_in_jupyter(session: npystudio.Session, channel_name: str) -> None:
    async def notebook_cell() -> list:
        with session.subscribe(channel_name) as subscription:
            channel = session.channel(channel_name)
            channel.send(np.arange(3.0))
            channel.flush(HANG)
            return collect(subscription, 3)[0].y.tolist()

    assert asyncio.run(notebook_cell()) == [0.0, 1.0, 2.0]


def test_channel_and_subscription_reconnect_after_a_server_restart(own_server: ServerProcess) -> None:
    session = npystudio.connect(own_server.url, timeout=HANG)
    channel = session.channel("sensor")
    subscription = session.subscribe("sensor")
    channel.send(np.arange(3.0))
    channel.flush(HANG)
    assert collect(subscription, 3)[0].seq == 0

    own_server.stop()
    wait_until(lambda: not channel.connected, "the channel to see the server gone")
    assert channel.send(np.arange(4.0)) is True  # queued while the server is down, without blocking
    own_server.start()  # same port and data folder
    wait_until(lambda: subscription.connections == 2, "the subscription to reconnect")
    channel.send(np.arange(5.0))
    channel.flush(HANG)  # waits for the reconnection, then for the server's confirmation
    assert channel.reconnects == 1 and channel.dropped == 0
    packets = []
    while not packets or packets[-1].y.shape != (5,):
        packets += collect(subscription, 1)
    # The restarted server numbers from 0 again: the packet queued while it was down came first.
    assert (packets[-1].seq, packets[-1].x[0]) == (1, 4.0)
    subscription.close()
    session.close()


def test_a_script_that_ends_without_close_still_sends_what_it_logged(server: ServerProcess, channel_name: str, requires) -> None:
    requires("framed publish and sample times")
    import subprocess
    import sys

    from conftest import REPO

    script = f"""
import sys
sys.path.insert(0, {str(REPO / 'python')!r})
import npystudio
channel = npystudio.connect({server.url!r}, timeout={HANG}).channel({channel_name!r})
for i in range(10):
    channel.log(float(i), t=100.0 + i)
"""
    session = npystudio.connect(server.url, timeout=HANG)
    with session.subscribe(channel_name) as subscription:
        result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=HANG)
        assert result.returncode == 0, result.stderr
        packets = collect(subscription, 10)
    assert np.concatenate([p.y for p in packets]).tolist() == [float(i) for i in range(10)]
    assert np.concatenate([p.t for p in packets]).tolist() == [100.0 + i for i in range(10)]
