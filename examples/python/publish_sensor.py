#!/usr/bin/env python3
"""Streams a simulated sensor into an NPY Studio channel.

Each packet is the `np.save` bytes of y, shape (samples,) or (series, samples), sent as one binary
WebSocket message to /ws/publish?channel=NAME; the server numbers the samples (x) and stamps the time.

    python3 publish_sensor.py --channel sensor --rate 1000 --samples 100 --duration 10

Needs numpy and websockets (>= 10).
"""
import argparse
import asyncio
import io
import json
import os
import sys
import time
from urllib.parse import urlencode

import numpy as np
import websockets


class Refused(Exception):
    pass


def simulated_packet(index, samples, series, dtype, sample_rate, frequency, rng):
    """Sines of different phase plus noise; integer dtypes are scaled to ±1000 counts like an ADC."""
    t = (index * samples + np.arange(samples)) / sample_rate
    phases = np.arange(series)[:, None] * (2 * np.pi / series)
    y = np.sin(2 * np.pi * frequency * t + phases) + 0.1 * rng.standard_normal((series, samples))
    if np.dtype(dtype).kind in "iu":
        y = np.round(y * 1000)
    y = y.astype(dtype)
    return y[0] if series == 1 else y


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


async def publish(url, rate, samples, series, dtype, duration, frequency):
    rng = np.random.default_rng()
    async with websockets.connect(url, max_size=None) as ws:
        first = json.loads(await ws.recv())
        if first["type"] == "error":
            raise Refused(first["detail"])
        errors = []

        async def read_replies():
            async for message in ws:
                reply = json.loads(message)
                if reply["type"] == "error":
                    errors.append(reply["detail"])
                elif reply["type"] == "pong":
                    return

        replies = asyncio.create_task(read_replies())
        count = None if duration is None else max(1, round(duration * rate))
        start = time.monotonic()
        sent = 0
        try:
            while (count is None or sent < count) and not errors:
                # Sleep until the next packet is due; if behind, send at once to catch up.
                delay = start + sent / rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                await ws.send(npy_bytes(simulated_packet(sent, samples, series, dtype, rate * samples, frequency, rng)))
                sent += 1
        finally:
            # The pong comes after the server has handled every packet before it.
            await ws.send(json.dumps({"action": "ping"}))
            await asyncio.wait_for(replies, 10)
        if errors:
            raise Refused(errors[0])
        return sent, time.monotonic() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description="Publish a simulated sensor to an NPY Studio channel")
    parser.add_argument("--server", default=os.environ.get("NPY_STUDIO_SERVER", "http://localhost:8000"))
    parser.add_argument("--token", default=os.environ.get("NPY_STUDIO_TOKEN"))
    parser.add_argument("--channel", default="sensor")
    parser.add_argument("--rate", type=float, default=1000.0, help="packets per second (default 1000)")
    parser.add_argument("--samples", type=int, default=100, help="samples per packet (default 100)")
    parser.add_argument("--series", type=int, default=1, help="series per packet (default 1)")
    parser.add_argument("--dtype", default="float32", help="numpy dtype of y (default float32)")
    parser.add_argument("--frequency", type=float, default=1.0, help="signal frequency in Hz (default 1)")
    parser.add_argument("--duration", type=float, default=None, help="seconds to run (default: until Ctrl-C)")
    args = parser.parse_args(argv)

    query = {"channel": args.channel}
    if args.token:
        query["token"] = args.token
    url = "ws" + args.server.rstrip("/")[len("http"):] + "/ws/publish?" + urlencode(query)
    print(f"publishing {args.series} x {args.samples} {args.dtype} samples at {args.rate:g} packets/s to {args.channel}", file=sys.stderr)
    try:
        sent, elapsed = asyncio.run(publish(url, args.rate, args.samples, args.series, args.dtype, args.duration, args.frequency))
    except Refused as err:
        print(f"error: the server refused: {err}", file=sys.stderr)
        return 1
    except (OSError, websockets.exceptions.WebSocketException) as err:
        print(f"error: {url}: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    print(f"published {sent} packets to {args.channel} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
