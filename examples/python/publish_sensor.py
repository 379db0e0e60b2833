#!/usr/bin/env python3
"""Streams a simulated sensor into an NPY Studio channel, with the `npystudio` package.

`--rate` is the sensor's sample rate: packets of `--samples` samples go out at rate / samples per
second, in binary with the dtype kept; the server times the samples as they arrive.

    python3 publish_sensor.py --channel sensor --rate 1000 --samples 100 --duration 10   # 10 packets/s

Needs numpy, requests and websockets (>= 10).
"""
import argparse
import sys
import time

import _npystudio_path  # noqa: F401
import npystudio
from npystudio.cli import paced, simulated_packet


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Publish a simulated sensor to an NPY Studio channel")
    parser.add_argument("--server", default=None, help="server URL (default $NPY_STUDIO_SERVER or http://127.0.0.1:8000)")
    parser.add_argument("--token", default=None, help="access token (default $NPY_STUDIO_TOKEN)")
    parser.add_argument("--channel", default="sensor")
    parser.add_argument("--rate", type=float, default=1000.0, help="samples per second (default 1000)")
    parser.add_argument("--samples", type=int, default=100, help="samples per packet (default 100)")
    parser.add_argument("--series", type=int, default=1, help="series per packet (default 1)")
    parser.add_argument("--dtype", default="float32", help="numpy dtype of y (default float32)")
    parser.add_argument("--frequency", type=float, default=1.0, help="signal frequency in Hz (default 1)")
    parser.add_argument("--duration", type=float, default=None, help="seconds to run (default: until Ctrl-C)")
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="seconds to wait for the server, e.g. to confirm the packets at the end (default 10)"
    )
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.samples <= 0 or args.timeout <= 0:
        parser.error("--rate, --samples and --timeout must be positive")

    packets_per_second = args.rate / args.samples
    count = None if args.duration is None else max(1, round(args.duration * packets_per_second))
    print(
        f"publishing {args.series} x {args.samples} {args.dtype} samples at {args.rate:g} samples/s "
        f"({packets_per_second:g} packets/s) to {args.channel}",
        file=sys.stderr,
    )
    try:
        session = npystudio.connect(args.server, args.token, timeout=args.timeout)
        channel = session.channel(args.channel)
    except npystudio.ApiError as err:
        print(f"error: the server refused: {err.detail}", file=sys.stderr)
        return 1
    except npystudio.ServerUnreachable as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    import numpy as np

    rng = np.random.default_rng()
    start = time.monotonic()
    sent = 0
    try:
        for index in paced(count, packets_per_second):
            channel.send(simulated_packet(index, args.samples, args.series, args.dtype, args.rate, rng, args.frequency))
            sent += 1
    except KeyboardInterrupt:
        pass
    try:
        channel.close()  # flushes: returns once the server has handled every packet
    except (npystudio.ApiError, TimeoutError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    finally:
        session.close()
    print(f"published {sent} packets to {args.channel} in {time.monotonic() - start:.1f} s ({channel.dropped} dropped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
