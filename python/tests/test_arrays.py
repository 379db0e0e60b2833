"""Arrays over HTTP: connect, health, upload (arrays, files, .npz, dicts), arrays, get, download, delete, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import npystudio
from conftest import HANG, ServerProcess, refusing_port

DTYPES = {
    "float64 specials": np.array([0.1, -0.0, np.nan, np.inf, -np.inf, 5e-324]),
    "float32 2-D": np.arange(12, dtype=np.float32).reshape(3, 4) / 7,
    "float16": np.array([0.1, 65504, -np.inf], dtype=np.float16),
    "int8": np.array([-128, 127], np.int8),
    "uint64": np.array([0, 2**64 - 1], np.uint64),
    "int64": np.array([-(2**63), 2**63 - 1], np.int64),
    "bool": np.array([[True, False], [False, True]]),
    "complex128": np.array([1 + 2j, complex(np.inf, -1)]),
    "big-endian": np.arange(5, dtype=">i4"),
    "fortran order": np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    "0-d": np.array(3.5),
    "3-D": np.arange(24, dtype=np.int16).reshape(2, 3, 4),
}


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc")


def test_connect_reads_the_environment(server: ServerProcess, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NPY_STUDIO_SERVER", server.url)
    monkeypatch.setenv("NPY_STUDIO_TOKEN", "from-env")
    s = npystudio.connect(check=False)
    assert (s.url, s.token) == (server.url, "from-env")
    monkeypatch.delenv("NPY_STUDIO_SERVER")
    monkeypatch.delenv("NPY_STUDIO_TOKEN")
    default = npystudio.connect(check=False)
    assert (default.url, default.token) == ("http://127.0.0.1:8000", None)


def test_health(session: npystudio.Session) -> None:
    assert session.health()["status"] == "healthy"


@pytest.mark.parametrize("name", DTYPES)
def test_upload_then_get_is_exact(session: npystudio.Session, name: str) -> None:
    array = DTYPES[name]
    answer = session.upload(array, name=f"{name}.npy")
    assert answer["status"] == "success" and answer["shape"] == list(array.shape)
    assert same(array, session.get(answer["index"]))
    via_json = session.get_json(answer["index"])  # the JSON route names the dtype without byte order
    assert via_json.dtype.name == array.dtype.name and np.array_equal(array, via_json, equal_nan=array.dtype.kind in "fc")


def test_upload_a_file_streams_it_with_progress(session: npystudio.Session, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    array = np.random.default_rng(1).standard_normal((300, 1000))  # 2.4 MB: several reads
    path = tmp_path / "big.npy"
    np.save(path, array)
    answer = session.upload(path, progress=True)
    assert answer["name"] == "big.npy" and answer["shape"] == [300, 1000]
    assert "100%" in capsys.readouterr().err
    assert same(array, session.get(answer["index"]))
    assert session.download(answer["index"]) == path.read_bytes()


def test_upload_npz_and_dict_store_a_group(session: npystudio.Session, tmp_path: Path, requires) -> None:
    requires(".npz uploads")
    path = tmp_path / "pair.npz"
    np.savez_compressed(path, a=np.arange(3, dtype=np.uint16), b=np.eye(2))
    answer = session.upload(path)
    assert [a["name"] for a in answer["arrays"]] == ["a", "b"] and answer["group"]
    assert same(np.arange(3, dtype=np.uint16), session.get(answer["arrays"][0]["index"]))
    group = session.get_npz(answer["group"])
    assert set(group) == {"a", "b"} and same(np.eye(2), group["b"])
    from_dict = session.upload({"x": np.ones(2, np.int8)}, name="run.npz")
    assert from_dict["name"] == "x" and same(np.ones(2, np.int8), session.get(from_dict["index"]))
    session.save_npz([answer["index"], from_dict["index"]], tmp_path / "out.npz")
    with np.load(tmp_path / "out.npz") as saved:
        assert sorted(saved.files) == ["a", "x"] and same(np.arange(3, dtype=np.uint16), saved["a"])


def test_arrays_lists_and_delete_removes(session: npystudio.Session) -> None:
    index = session.upload(np.zeros(4), name="to-delete.npy")["index"]
    assert any(a["index"] == index and a["name"] == "to-delete.npy" for a in session.arrays())
    assert session.delete(index) == {"status": "deleted", "index": index}
    assert all(a["index"] != index for a in session.arrays())
    with pytest.raises(npystudio.ApiError) as refused:
        session.get(index)
    assert (refused.value.status, refused.value.detail) == (404, "Array not found")


def test_download_to_a_file_leaves_nothing_on_failure(session: npystudio.Session, tmp_path: Path) -> None:
    target = tmp_path / "x.npy"
    with pytest.raises(npystudio.ApiError):
        session.download(999_999, to=target)
    assert list(tmp_path.iterdir()) == []
    index = session.upload(np.arange(5))["index"]
    session.download(index, to=target)
    assert same(np.arange(5), np.load(target))


def test_object_arrays_are_refused_before_sending(session: npystudio.Session) -> None:
    with pytest.raises(TypeError, match="object"):
        session.upload(np.array([{"a": 1}, None], dtype=object))


def test_a_server_refusal_carries_detail_and_status(session: npystudio.Session) -> None:
    with pytest.raises(npystudio.ApiError) as refused:
        session.request("POST", "/upload", data=b"not multipart", headers={"Content-Type": "text/plain"})
    assert 400 <= refused.value.status < 500 and refused.value.detail


def test_wrong_token_is_refused_with_401(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path / "data", token="right-token").start()
    try:
        with pytest.raises(npystudio.ApiError) as refused:
            npystudio.connect(server.url, token="wrong", timeout=HANG)
        assert refused.value.status == 401 and "token" in refused.value.detail
        unchecked = npystudio.connect(server.url, token="wrong", timeout=HANG, check=False)
        with pytest.raises(npystudio.ApiError) as ws_refused:
            unchecked.channel("sensor")
        assert ws_refused.value.status == 401
        good = npystudio.connect(server.url, token="right-token", timeout=HANG)
        channel = good.channel("sensor")
        channel.send(np.arange(3.0))
        channel.flush(HANG)
        good.close()
    finally:
        server.stop()


def test_a_dead_server_fails_clearly_and_promptly() -> None:
    with refusing_port() as port:
        url = f"http://127.0.0.1:{port}"
        with pytest.raises(npystudio.ServerUnreachable, match="cannot reach"):
            npystudio.connect(url, timeout=HANG)
        s = npystudio.connect(url, timeout=HANG, check=False)
        with pytest.raises(npystudio.ServerUnreachable):
            s.channel("sensor")
        with pytest.raises(npystudio.ServerUnreachable):
            s.subscribe("sensor")
        with pytest.raises(npystudio.ServerUnreachable):
            s.arrays()
