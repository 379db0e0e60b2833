"""Recordings: `with s.record([...]) as rec:` then `rec.load()`, keyed as in the recording's .npz."""

from __future__ import annotations

import numpy as np

import npystudio
from conftest import HANG, collect


def test_record_then_load(session: npystudio.Session, channel_name: str, requires) -> None:
    requires("recordings")
    requires("framed publish and sample times")
    channel = session.channel(channel_name)
    with session.record([channel_name], name="run1") as recording:
        assert recording.state == "recording"
        channel.send(np.arange(4, dtype=np.int16), t=1000.0, rate=2.0)
        channel.send(np.arange(4, 6, dtype=np.int16), t=1002.0, rate=2.0)
    assert recording.state == "finished"  # stopped after flushing the session's recorded channels
    arrays = recording.load()
    assert arrays[f"{channel_name}/y"].dtype == np.int16 and arrays[f"{channel_name}/y"].tolist() == list(range(6))
    assert arrays[f"{channel_name}/t"].tolist() == [1000.0, 1000.5, 1001.0, 1001.5, 1002.0, 1002.5]
    assert arrays[f"{channel_name}/seq"].dtype == np.int64 and arrays[f"{channel_name}/x"].dtype == np.float64
    assert any(r["id"] == recording.id and r["state"] == "finished" for r in session.recordings())
    assert recording.refresh()["id"] == recording.id


def test_a_change_of_dtype_starts_a_new_segment(session: npystudio.Session, channel_name: str, requires) -> None:
    requires("recordings")
    channel = session.channel(channel_name)
    with session.subscribe(channel_name) as subscription, session.record([channel_name]) as recording:
        channel.send(np.zeros(3, np.float32))
        channel.send(np.ones(2, np.int8))
        channel.flush(HANG)
        collect(subscription, 5)
    arrays = recording.load()
    assert arrays[f"{channel_name}/y"].dtype == np.float32 and arrays[f"{channel_name}@1/y"].dtype == np.int8


def test_recording_no_channel_is_refused(session: npystudio.Session, requires) -> None:
    requires("recordings")
    try:
        session.record([])
    except npystudio.ApiError as refused:
        assert 400 <= refused.status < 500 and refused.detail
    else:
        raise AssertionError("recording no channel was accepted")
