#!/usr/bin/env python3
"""Throughput of the npystudio package, as received by a subscriber in another process.

    python3 scripts/bench/python_bench.py --server http://127.0.0.1:8000

Prints one JSON line per figure:
- `python_log`: `ch.log()` of single float64 samples, each with its own time, offered at the target
  rate (`--log-rate`); every value and time is checked by the subscriber; target >= 500,000 samples/s
  sustained with 0 dropped.
- `python_send`: `ch.send()` of 1,000-sample float32 packets offered at `--send-rate`; every seq and
  first value checked; target >= 5,000 packets/s with 0 dropped.
The rate is what arrived at the subscriber divided by the time from the first call to the last arrival.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import npystudio  # noqa: E402

T0 = 1_800_000_000.0
DT = 1e-6


def subscriber(server: str, channel: str, mode: str, count: int) -> None:
    """Child process: counts and checks what arrives, then prints the result as JSON."""
    session = npystudio.connect(server)
    with session.subscribe(channel, timeout=10) as subscription:
        print("ready", flush=True)
        ys, ts, seqs, received, first_values = [], [], [], 0, []
        last = float(count - 1)
        while True:
            try:
                packet = next(subscription)
            except TimeoutError:
                break  # lost packets: reported below
            n = packet.y.shape[-1]
            received += n if mode == "log" else 1
            seqs.append(packet.seq)
            if mode == "log":
                ys.append(packet.y)
                ts.append(packet.t)
            else:
                first_values.append(float(packet.y[0]))
            if float(packet.y[-1 if mode == "log" else 0]) == last:
                break
        finished = time.time()
    result = {"finished": finished, "received": received, "dropped": subscription.dropped}
    result["seq_contiguous"] = bool(seqs) and seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    if mode == "log":
        index = np.arange(count)
        y, t = np.concatenate(ys) if ys else np.zeros(0), np.concatenate(ts) if ts else np.zeros(0)
        result["values_ok"] = bool(np.array_equal(y, index.astype(np.float64)))
        result["times_ok"] = bool(np.array_equal(t, T0 + index * DT))
        result["packets"] = len(seqs)
    else:
        result["values_ok"] = first_values == [float(i) for i in range(count)]
    print(json.dumps(result), flush=True)
    session.close()


def start_subscriber(server: str, channel: str, mode: str, count: int) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, __file__, "--server", server, "--subscriber", mode, "--channel", channel, "--count", str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    if child.stdout.readline().strip() != "ready":
        raise RuntimeError("the subscriber did not start")
    return child


def finish(child: subprocess.Popen) -> dict:
    assert child.stdout is not None
    line = child.stdout.readline()
    child.wait(60)
    if not line:
        raise RuntimeError("the subscriber failed")
    return json.loads(line)


def measure(server: str, name: str, mode: str, count: int, produce) -> tuple:
    """Runs `produce(channel)` against a subscriber process counting `count` items; returns its timings and the subscriber's result."""
    session = npystudio.connect(server)
    channel = session.channel(name)
    child = start_subscriber(server, name, mode, count)
    start = time.time()
    produce(channel)
    calls_done = time.time()
    channel.flush(120)
    flushed = time.time()
    result = finish(child)
    session.close()
    elapsed = result.pop("finished") - start
    timings = {
        "server_had_all_after_s": round(flushed - start, 2),
        "subscriber_had_all_after_s": round(elapsed, 2),
        "calls_per_s": round(count / (calls_done - start)),
    }
    return channel, elapsed, timings, result


def paced(count: int, per_s: float, block: int):
    """Yields block starts, sleeping whenever the producer runs ahead of `per_s` items per second.

    The target is a rate sustained end to end with nothing dropped, so the producer offers exactly
    that rate: flat out, it fills the client's queue and the subscriber's faster than any reader drains them.
    """
    start = time.perf_counter()
    for first in range(0, count, block):
        ahead = first / per_s - (time.perf_counter() - start)
        if ahead > 0:
            time.sleep(ahead)
        yield first


def bench_log(server: str, count: int, per_s: float) -> dict:
    def produce(channel) -> None:
        log = channel.log
        for first in paced(count, per_s, 1000):
            for i in range(first, min(first + 1000, count)):
                log(float(i), T0 + i * DT)

    channel, elapsed, timings, result = measure(server, "bench.log", "log", count, produce)
    return {
        "figure": "python_log",
        "offered_samples_per_s": per_s,
        **timings,
        "samples": count,
        "samples_per_s": round(count / elapsed),
        "target": 500_000,
        "met": count / elapsed >= 500_000 and channel.dropped == 0 and result["dropped"] == 0 and result["values_ok"] and result["times_ok"],
        "dropped_by_client": channel.dropped_samples,
        **result,
    }


def bench_send(server: str, count: int, per_s: float, samples: int = 1000) -> dict:
    packets = [np.arange(samples, dtype=np.float32) + i for i in range(64)]

    def produce(channel) -> None:
        for first in paced(count, per_s, 50):
            for i in range(first, min(first + 50, count)):
                y = packets[i % 64]
                y[0] = i  # the subscriber checks that each packet's first value is its number
                channel.send(y)

    channel, elapsed, timings, result = measure(server, "bench.send", "send", count, produce)
    return {
        "figure": "python_send",
        "offered_packets_per_s": per_s,
        **timings,
        "packets": count,
        "samples_per_packet": samples,
        "packets_per_s": round(count / elapsed),
        "target": 5_000,
        "met": count / elapsed >= 5_000 and channel.dropped == 0 and result["dropped"] == 0 and result["values_ok"],
        "dropped_by_client": channel.dropped,
        **result,
    }


def server_has_framed_publish(server: str) -> bool:
    from npystudio._npy import encode_frame

    session = npystudio.connect(server)
    try:
        body = encode_frame({"rate": 1.0, "timestamp": 1.0}, np.zeros(1))
        session.request("POST", "/stream/bench.probe", data=body, headers={"Content-Type": "application/octet-stream"})
        return True
    except npystudio.ApiError:
        return False
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True)
    parser.add_argument("--subscriber", choices=["log", "send"])
    parser.add_argument("--channel")
    parser.add_argument("--count", type=int)
    parser.add_argument("--log-samples", type=int, default=3_000_000)
    parser.add_argument("--send-packets", type=int, default=30_000)
    parser.add_argument("--log-rate", type=float, default=550_000, help="samples/s the producer offers (10 % above the target)")
    parser.add_argument("--send-rate", type=float, default=5_500, help="packets/s the producer offers (10 % above the target)")
    args = parser.parse_args()
    if args.subscriber:
        subscriber(args.server, args.channel, args.subscriber, args.count)
        return
    if server_has_framed_publish(args.server):
        print(json.dumps(bench_log(args.server, args.log_samples, args.log_rate)), flush=True)
    else:
        print(json.dumps({"figure": "python_log", "skipped": "the server lacks framed publish with sample times (CONTRACT.md)"}), flush=True)
    print(json.dumps(bench_send(args.server, args.send_packets, args.send_rate)), flush=True)


if __name__ == "__main__":
    main()
