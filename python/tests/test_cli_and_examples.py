"""`python -m npystudio`, the examples in examples/python (the tutorial's NumpyClient on the package), the notebook."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import List

import numpy as np

import npystudio
from conftest import HANG, REPO, ServerProcess, refusing_port

EXAMPLES = REPO / "examples" / "python"
HIDE_WEBSOCKETS = "import sys; sys.modules['websockets'] = None; import runpy; sys.argv = sys.argv[1:]; "


def run(args: List[str], cwd: Path = REPO, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO / "python"), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("NPY_STUDIO_SERVER", None)
    streams = kwargs or {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, text=True, timeout=HANG, **streams)


def cli(server: ServerProcess, *args: str) -> subprocess.CompletedProcess:
    return run(["-m", "npystudio", "--server", server.url, *args])


def test_the_tutorials_commands(server: ServerProcess, tmp_path: Path) -> None:
    assert '"status": "healthy"' in cli(server, "health").stdout
    uploaded = cli(server, "upload-demo")
    assert uploaded.returncode == 0 and uploaded.stdout.startswith("Uploaded: {'status': 'success'")
    index = int(uploaded.stdout.split("'index': ")[1].split(",")[0])
    assert f'"index": {index}' in cli(server, "list").stdout
    assert cli(server, "get", str(index)).stdout.startswith(f"Array {index}: shape (100, 50), dtype float64\n[[")
    out = tmp_path / "a.npy"
    assert cli(server, "get", str(index), "--out", str(out)).stdout == f"Saved array {index} to {out}\n"
    assert np.load(out).shape == (100, 50)
    path = tmp_path / "small.npy"
    np.save(path, np.arange(7, dtype=np.uint8))
    answer = cli(server, "upload", str(path))
    assert "'name': 'small.npy'" in answer.stdout and "'dtype': 'uint8'" in answer.stdout
    assert "'status': 'deleted'" in cli(server, "delete", str(index)).stdout
    assert cli(server, "streams").returncode == 0


def test_get_of_a_missing_array_leaves_no_file(server: ServerProcess, tmp_path: Path) -> None:
    out = tmp_path / "x.npy"
    result = cli(server, "get", "999", "--out", str(out))
    assert (result.returncode, result.stderr) == (1, "error: Array not found (HTTP 404)\n")
    assert list(tmp_path.iterdir()) == []


def test_local_problems_have_their_own_messages(server: ServerProcess, tmp_path: Path) -> None:
    missing = cli(server, "upload", str(tmp_path / "nope.npy"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr and "no such file" in missing.stderr
    index = npystudio.connect(server.url, timeout=HANG).upload(np.zeros(3))["index"]
    bad_out = cli(server, "get", str(index), "--out", str(tmp_path / "no-folder" / "x.npy"))
    assert bad_out.returncode == 2 and "does not exist" in bad_out.stderr and "reach" not in bad_out.stderr
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before anything is written, as with `| head` finishing early
    try:
        broken = run(["-m", "npystudio", "--server", server.url, "list"], stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert broken.returncode == 1 and "broken pipe" in broken.stderr and "reach" not in broken.stderr
    with refusing_port() as port:
        unreachable = run(["-m", "npystudio", "--server", f"http://127.0.0.1:{port}", "health"])
    assert unreachable.returncode == 1 and f"cannot reach http://127.0.0.1:{port}" in unreachable.stderr


# What `stream --count 1` prints for a demo packet.
ONE_DEMO_PACKET = r"#\d+: 100 points, mean=-?\d+\.\d{3}\nReceived 1 packets in \d+\.\d s\n"


def test_stream_stops_the_demo_only_if_it_started_it(server: ServerProcess) -> None:
    session = npystudio.connect(server.url, timeout=HANG)
    session.stop_demo()
    # Until the first packet, however long the demo takes to start; earlier tests may have run it, so any seq.
    result = cli(server, "stream", "--count", "1", "--duration", str(HANG))
    assert result.returncode == 0 and re.fullmatch(ONE_DEMO_PACKET, result.stdout)
    assert not session.health()["streaming"]  # it started the demo, so it stopped it
    session.start_demo()  # someone else is watching the demo
    try:
        watched = cli(server, "stream", "--count", "1", "--duration", str(HANG))
        assert watched.returncode == 0 and re.fullmatch(ONE_DEMO_PACKET, watched.stdout)
        assert session.health()["streaming"]
    finally:
        session.stop_demo()


def test_help_works_without_websockets() -> None:
    for args in (["-c", HIDE_WEBSOCKETS + "runpy.run_module('npystudio', run_name='__main__')", "npystudio", "--help"],
                 ["-c", HIDE_WEBSOCKETS + "runpy.run_path('client.py', run_name='__main__')", "client.py", "--help"]):
        result = run(args, cwd=EXAMPLES)
        assert result.returncode == 0 and "usage:" in result.stdout and "stream" in result.stdout, result.stderr


def test_arrays_work_without_websockets_and_live_data_says_what_is_missing(server: ServerProcess) -> None:
    code = HIDE_WEBSOCKETS + "runpy.run_module('npystudio', run_name='__main__')"
    assert run(["-c", code, "npystudio", "--server", server.url, "health"]).returncode == 0
    live = run(["-c", code, "npystudio", "--server", server.url, "stream", "--channel", "x", "--duration", "0.1"])
    assert live.returncode == 2 and "pip install websockets" in live.stderr


def test_publish_and_stream_a_channel(server: ServerProcess, tmp_path: Path, requires) -> None:
    requires("framed publish and sample times")
    path = tmp_path / "signal.npy"
    np.save(path, np.arange(600, dtype=np.int16).reshape(2, 300))
    session = npystudio.connect(server.url, timeout=HANG)
    with session.subscribe("cli.publish") as subscription:
        result = cli(server, "publish", str(path), "--channel", "cli.publish", "--rate", "100000", "--packet", "100")
        assert result.returncode == 0 and result.stdout.startswith("published 3 packets to cli.publish (0 dropped)")
        packets = [subscription.get(timeout=HANG) for _ in range(3)]
    assert np.concatenate([p.y for p in packets], axis=1).tolist() == np.arange(600).reshape(2, 300).tolist()
    assert np.allclose(np.diff(np.concatenate([p.t for p in packets])), 1e-5, atol=1e-6)  # float64 near 1.8e9 s: ~0.2 us steps


def test_record_command_saves_an_npz(server: ServerProcess, tmp_path: Path, requires) -> None:
    requires("recordings")
    out = tmp_path / "run.npz"
    result = cli(server, "record", "cli.rec", "--duration", "0.2", "--out", str(out))
    assert result.returncode == 0 and '"state": "finished"' in result.stdout and out.exists()


def test_numpy_client_keeps_the_tutorials_api(server: ServerProcess) -> None:
    code = """
import asyncio, sys
import numpy as np
from client import NumpyClient, ServerError
client = NumpyClient(sys.argv[1])
assert client.health()["status"] == "healthy"
array = np.random.randn(100, 50)
result = client.upload_numpy_array(array)
assert result["status"] == "success" and result["shape"] == [100, 50]
assert client.list_arrays()["count"] >= 1
assert np.array_equal(client.get_array(result["index"]), array)
assert np.array_equal(client.get_array_npy(result["index"]), array)
packets = []

class Enough(Exception):
    pass

def on_data(message):
    packets.append(message)
    if len(packets) == 3:
        raise Enough

try:
    asyncio.run(asyncio.wait_for(client.connect_streaming(on_data, auto_start=True), float(sys.argv[2])))
except Enough:
    pass
assert [p["shape"] for p in packets] == [[100]] * 3 and len(packets[0]["x"]) == 100
client.stop_streaming()
try:
    client.get_array(10**6)
except ServerError as err:
    assert (err.status, err.detail) == (404, "Array not found")
else:
    raise AssertionError("no ServerError")
client.close()
"""
    result = run(["-c", code, server.url, str(HANG)], cwd=EXAMPLES)
    assert result.returncode == 0, result.stderr


def test_publish_sensor_rate_is_a_sample_rate(server: ServerProcess) -> None:
    session = npystudio.connect(server.url, timeout=HANG)
    with session.subscribe("sensor.rate") as subscription:
        args = ["--channel", "sensor.rate", "--rate", "1000", "--samples", "100", "--duration", "0.5", "--timeout", str(HANG)]
        result = run(["publish_sensor.py", "--server", server.url, *args], cwd=EXAMPLES)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("published 5 packets to sensor.rate")  # 0.5 s at 1000 samples/s = 500 samples
        assert "1000 samples/s (10 packets/s)" in result.stderr
        assert [subscription.get(timeout=HANG).y.shape for _ in range(5)] == [(100,)] * 5


def test_the_notebook_runs_as_it_is(server: ServerProcess, requires) -> None:
    requires("framed publish and sample times")
    requires("recordings")
    env_server = {**os.environ, "NPY_STUDIO_SERVER": server.url, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "notebook.py"], cwd=EXAMPLES, env=env_server, text=True, capture_output=True, timeout=HANG)
    assert result.returncode == 0, result.stderr
    assert "2000 samples" in result.stdout and "notebook.sensor/y" in result.stdout
