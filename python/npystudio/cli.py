"""The command line, mirroring the tutorial's client: `python -m npystudio [--server URL] COMMAND`.

Exit status: 0 on success, 1 when the server refused (its `detail` is printed) or could not be
reached, 2 for a usage error, an unreadable input file or an unwritable output.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from typing import Any, Callable, List, Optional

import numpy as np

from .errors import ApiError, ServerUnreachable
from .session import DEFAULT_SERVER, Session


class InputError(Exception):
    """A file could not be read or written (exit status 2)."""


def build_parser(prog: Optional[str] = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description="NPY Studio client: arrays and live channels")
    parser.add_argument("--server", default=None, help=f"server URL (default $NPY_STUDIO_SERVER or {DEFAULT_SERVER})")
    parser.add_argument("--token", default=None, help="access token (default $NPY_STUDIO_TOKEN)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("health", help="check server health")
    commands.add_parser("upload-demo", help="upload a random 100x50 array")
    upload = commands.add_parser("upload", help="upload a .npy (or each array of a .npz), streamed from disk")
    upload.add_argument("file")
    upload.add_argument("--name", help="name to store it under (default: the file name)")
    commands.add_parser("list", help="list stored arrays")
    get = commands.add_parser("get", help="download an array (exactly, as .npy)")
    get.add_argument("index", type=int)
    get.add_argument("--out", help="save it to this .npy file instead of printing it")
    get.add_argument("--json", action="store_true", help="fetch through the tutorial's JSON route instead")
    delete = commands.add_parser("delete", help="delete an array")
    delete.add_argument("index", type=int)
    stream = commands.add_parser("stream", help="receive a channel (the demo by default)")
    stream.add_argument("--duration", type=float, default=5.0, help="seconds to receive (default 5)")
    stream.add_argument("--count", type=int, default=None, help="stop after this many packets, or at --duration if sooner")
    stream.add_argument("--channel", default=None, help="channel (default: the demo, started if stopped and then stopped again)")
    stream.add_argument("--lookback", type=float, default=None, help="first receive this many seconds of history")
    stream.add_argument("--json", action="store_true", help="print one JSON line per packet")
    publish = commands.add_parser("publish", help="publish a .npy file, or a simulated sensor with --demo, to a channel")
    publish.add_argument("file", nargs="?", help=".npy of shape (n,) or (k, n), sent once through")
    publish.add_argument("--channel", default="sensor")
    publish.add_argument("--demo", action="store_true", help="publish sines plus noise instead of a file")
    publish.add_argument("--rate", type=float, default=1000.0, help="samples per second (default 1000)")
    publish.add_argument("--packet", type=int, default=100, help="samples per packet (default 100)")
    publish.add_argument("--series", type=int, default=1, help="series of the demo signal (default 1)")
    publish.add_argument("--dtype", default="float32", help="dtype of the demo signal (default float32)")
    publish.add_argument("--duration", type=float, default=None, help="seconds of demo signal (default: until Ctrl-C)")
    record = commands.add_parser("record", help="record channels on the server")
    record.add_argument("channels", nargs="+")
    record.add_argument("--name", default=None)
    record.add_argument("--duration", type=float, default=None, help="seconds to record (default: until Ctrl-C)")
    record.add_argument("--out", default=None, help="save the recording's .npz here")
    commands.add_parser("streams", help="list live channels")
    return parser


def describe(array: np.ndarray) -> str:
    return f"shape {array.shape}, dtype {array.dtype}"


def simulated_packet(
    index: int, samples: int, series: int, dtype: str, sample_rate: float, rng: np.random.Generator, frequency: float = 1.0
) -> np.ndarray:
    """Sines of different phase plus noise; integer dtypes are scaled to ±1000 counts like an ADC."""
    t = (index * samples + np.arange(samples)) / sample_rate
    phases = np.arange(series)[:, None] * (2 * np.pi / series)
    y = np.sin(2 * np.pi * frequency * t + phases) + 0.1 * rng.standard_normal((series, samples))
    if np.dtype(dtype).kind in "iu":
        y = np.round(y * 1000)
    y = y.astype(dtype)
    return y[0] if series == 1 else y


def paced(count: Optional[int], per_second: float) -> Any:
    """Yields 0, 1, 2, ... at `per_second`, catching up at once when behind."""
    start = time.monotonic()
    index = 0
    while count is None or index < count:
        delay = start + index / per_second - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        yield index
        index += 1


def run_stream(session: Session, args: argparse.Namespace) -> None:
    demo = args.channel in (None, "demo")
    started_here = False
    count = 0
    if args.count is not None and args.count <= 0:
        raise InputError("--count must be positive")
    with session.subscribe(args.channel or "demo", lookback=args.lookback) as subscription:
        try:
            if demo and not session.health().get("streaming"):
                session.start_demo()  # after subscribing, so its first packet is ours too
                started_here = True  # only then is it ours to stop: others may be watching the demo
            started = time.monotonic()
            deadline = started + args.duration
            while count != args.count and (remaining := deadline - time.monotonic()) > 0:
                packet = subscription.get(timeout=remaining)
                if packet is None:
                    break
                count += 1
                if args.json:
                    t = None if packet.t is None else packet.t.tolist()
                    print(json.dumps({**packet.meta, "x": packet.x.tolist(), "y": packet.y.tolist(), "t": t}))
                else:
                    print(f"#{packet.seq}: {packet.x.shape[0]} points, mean={np.nanmean(packet.y.astype(float)):.3f}")
        finally:
            if started_here:
                session.stop_demo()
    print(f"Received {count} packets in {time.monotonic() - started:.1f} s")


def run_publish(session: Session, args: argparse.Namespace) -> None:
    if args.rate <= 0 or args.packet <= 0:
        raise InputError("--rate and --packet must be positive")
    if args.demo == (args.file is not None):
        raise InputError("give a .npy file or --demo")
    packets_per_second = args.rate / args.packet
    if args.demo:
        rng = np.random.default_rng()
        count = None if args.duration is None else max(1, round(args.duration * packets_per_second))
        source: Callable[[int], Optional[np.ndarray]] = lambda i: simulated_packet(i, args.packet, args.series, args.dtype, args.rate, rng)
    else:
        data = read_npy_file(args.file)
        if data.ndim not in (1, 2):
            raise InputError(f"{args.file}: shape {data.shape}; publish needs (n,) or (k, n)")
        count = -(-data.shape[-1] // args.packet)
        source = lambda i: data[..., i * args.packet : (i + 1) * args.packet]
    channel = session.channel(args.channel)
    start = time.time()
    sent = 0
    try:
        for index in paced(count, packets_per_second):
            y = source(index)
            channel.send(y, t=start + index * args.packet / args.rate, rate=args.rate)
            sent += 1
    except KeyboardInterrupt:
        pass
    channel.close()
    print(f"published {sent} packets to {args.channel} ({channel.dropped} dropped)")


def run_record(session: Session, args: argparse.Namespace) -> None:
    recording = session.record(args.channels, name=args.name)
    print(f"recording {', '.join(args.channels)} as {recording.id}", file=sys.stderr)
    try:
        threading.Event().wait(args.duration)  # None: until Ctrl-C
    except KeyboardInterrupt:
        pass
    info = recording.stop()
    if args.out:
        check_writable(args.out)
        recording.download(args.out)
    print(json.dumps(info, indent=2))


def read_npy_file(path: str) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from None
    except ValueError as err:
        raise InputError(f"{path} is not a .npy file NumPy can read: {err}") from None


def check_writable(path: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"cannot write {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise InputError(f"cannot write {path}: folder {folder} is not writable")


def run(session: Session, args: argparse.Namespace) -> None:
    if args.command == "health":
        print(json.dumps(session.health(), indent=2))
    elif args.command == "upload-demo":
        print(f"Uploaded: {session.upload(np.random.randn(100, 50), 'demo.npy')}")
    elif args.command == "upload":
        if not os.path.isfile(args.file):
            raise InputError(f"cannot read {args.file}: no such file")
        try:
            print(f"Uploaded: {session.upload(args.file, args.name)}")
        except PermissionError as err:
            raise InputError(f"cannot read {args.file}: {err.strerror}") from None
    elif args.command == "list":
        print(json.dumps(session.request("GET", "/arrays").json(), indent=2))
    elif args.command == "get":
        if args.out:
            check_writable(args.out)
            session.download(args.index, to=args.out)  # written to OUT.part, renamed once complete
            print(f"Saved array {args.index} to {args.out}")
        else:
            array = session.get_json(args.index) if args.json else session.get(args.index)
            print(f"Array {args.index}: {describe(array)}")
            print(array)
    elif args.command == "delete":
        print(session.delete(args.index))
    elif args.command == "stream":
        run_stream(session, args)
    elif args.command == "publish":
        run_publish(session, args)
    elif args.command == "record":
        run_record(session, args)
    elif args.command == "streams":
        print(json.dumps(session.streams(), indent=2))


def main(argv: Optional[List[str]] = None, prog: Optional[str] = None) -> int:
    args = build_parser(prog).parse_args(argv)
    session = Session(args.server, args.token)
    try:
        run(session, args)
        sys.stdout.flush()
    except ApiError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except ServerUnreachable as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print("error: output closed before everything was written (broken pipe)", file=sys.stderr)
        return 1
    except ImportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        try:
            session.close()
        except (ApiError, ServerUnreachable, TimeoutError):
            pass
    return 0
