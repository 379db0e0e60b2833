"""A real NPY Studio server for the tests: `node --import tsx server/cli.ts --port 0` in a temporary data folder."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "python"))
# The checkout whose server the tests start (this one unless NPY_STUDIO_SERVER_ROOT names another).
SERVER_ROOT = Path(os.environ.get("NPY_STUDIO_SERVER_ROOT", REPO))

import npystudio  # noqa: E402
from npystudio._npy import encode_frame  # noqa: E402

import numpy as np  # noqa: E402
import requests  # noqa: E402

# How long a test waits for an event before calling it a hang: a deadline, never a measure (a busy machine is slow).
HANG = 120.0
START_TIMEOUT = HANG  # tsx compiles the server on first start; bounded so a broken build fails, not hangs


class ServerProcess:
    """The server in a child process; `restart()` brings it back on the same port and data folder."""

    def __init__(self, data_dir: Path, token: Optional[str] = None):
        self.data_dir = data_dir
        self.token = token
        self.port = 0
        self.url = ""
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "ServerProcess":
        command = ["node", "--import", "tsx", "server/cli.ts", "--host", "127.0.0.1", "--port", str(self.port), "--data-dir", str(self.data_dir)]
        if self.token:
            command += ["--token", self.token]
        env = {k: v for k, v in os.environ.items() if k != "NPY_STUDIO_TOKEN"}
        self.process = subprocess.Popen(command, cwd=SERVER_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines: "queue.Queue[Optional[str]]" = queue.Queue()

        def pump() -> None:
            assert self.process and self.process.stdout
            for line in self.process.stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        seen: List[str] = []
        while True:
            try:
                line = lines.get(timeout=START_TIMEOUT)
            except queue.Empty:
                self.stop()
                raise RuntimeError(f"the server did not start within {START_TIMEOUT} s: {''.join(seen)}")
            if line is None:
                raise RuntimeError(f"the server exited: {''.join(seen)}")
            seen.append(line)
            found = re.search(r"listening on (http://[\d.]+:(\d+))", line)
            if found:
                self.url, self.port = found.group(1), int(found.group(2))
                return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("data")).start()
    yield process
    process.stop()


@pytest.fixture
def own_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of this test's own, which it may stop and restart."""
    process = ServerProcess(tmp_path / "data").start()
    yield process
    process.stop()


@pytest.fixture
def session(server: ServerProcess) -> Iterator[npystudio.Session]:
    s = npystudio.connect(server.url, timeout=HANG)
    yield s
    s.close()


@contextlib.contextmanager
def refusing_port() -> Iterator[int]:
    """A loopback port bound but not listening while the block runs: connections to it are refused, and no other
    process can be handed it meanwhile (as it could a port that was probed free and closed again)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield held.getsockname()[1]


_channel_numbers = iter(range(1_000_000))


@pytest.fixture
def channel_name(request: pytest.FixtureRequest) -> str:
    """A channel no other test uses."""
    return f"t{next(_channel_numbers)}-{re.sub(r'[^A-Za-z0-9]', '', request.node.name)[:40]}"


def _probe_framed(url: str) -> bool:
    body = encode_frame({"rate": 10.0, "timestamp": 1.0}, np.arange(3, dtype=np.float32))
    response = requests.post(f"{url}/stream/probe.framed", data=body, headers={"Content-Type": "application/octet-stream"}, timeout=HANG)
    return response.ok


def _probe_npz(url: str) -> bool:
    import io

    buffer = io.BytesIO()
    np.savez(buffer, probe=np.zeros(1))
    files = {"file": ("probe.npz", buffer.getvalue(), "application/octet-stream")}
    return requests.post(f"{url}/upload", files=files, timeout=HANG).ok


def _probe_recordings(url: str) -> bool:
    return requests.get(f"{url}/recordings", timeout=HANG).ok


def _probe_lookback(url: str) -> bool:
    """Publishes one packet, then subscribes with lookback: a server with history sends it back first."""
    s = npystudio.connect(url, timeout=HANG)
    try:
        producer = s.channel("probe.lookback")  # kept connected: a channel without users is forgotten
        producer.send(np.zeros(2))
        producer.flush(HANG)
        with s.subscribe("probe.lookback", lookback=60) as subscription:
            # History is sent before the answer to the subscription's first ping, so it is already here.
            packet = subscription.get(timeout=0) or subscription.get(timeout=HANG)
            return packet is not None and packet.history
    finally:
        s.close()


@pytest.fixture(scope="session")
def features(server: ServerProcess) -> Dict[str, bool]:
    """Which parts of the wire contract (CONTRACT.md) the server implements."""
    return {"framed publish and sample times": _probe_framed(server.url), "recordings": _probe_recordings(server.url),
        ".npz uploads": _probe_npz(server.url), "lookback": _probe_lookback(server.url)}


@pytest.fixture
def requires(features: Dict[str, bool]):
    """`requires("recordings")` skips the test, naming the wire-contract feature the server lacks."""

    def check(feature: str) -> None:
        if not features[feature]:
            pytest.skip(f"the server does not implement {feature} yet (CONTRACT.md, branch wire)")

    return check


def collect(subscription: "npystudio.Subscription", samples: int, timeout: float = HANG) -> List["npystudio.Packet"]:
    """Packets until they hold `samples` samples in all; `timeout` only bounds a failing test."""
    packets = []
    total = 0
    while total < samples:
        packet = subscription.get(timeout=timeout)
        assert packet is not None, f"got {total} of {samples} samples"
        packets.append(packet)
        total += packet.y.shape[-1]
    return packets


def wait_until(predicate, what: str, timeout: float = HANG) -> None:
    """Waits for `predicate()` (an event or counter), polling; `timeout` only bounds a failing test."""
    done = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if predicate():
            return
        done.wait(0.01)
    raise AssertionError(f"timed out waiting for {what}")
