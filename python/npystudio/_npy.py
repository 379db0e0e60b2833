"""Fast `.npy` encoding and decoding for live packets, and the binary frames of the wire contract.

`np.save` / `np.load` parse and format the header with `repr` and `ast.literal_eval` on every call;
a live channel repeats the same few headers thousands of times a second, so both directions cache
them. Anything unusual (object dtypes, structured dtypes) is refused or falls back to NumPy.
"""

from __future__ import annotations

import io
import json
import struct
from typing import Any, Dict, Optional, Tuple

import numpy as np

NPY_MAGIC = b"\x93NUMPY"
_ALIGN = 64
_encoded_headers: Dict[Tuple[str, Tuple[int, ...]], bytes] = {}
_decoded_headers: Dict[bytes, Tuple[np.dtype, Tuple[int, ...], bool, int]] = {}
_CACHE_LIMIT = 4096


def npy_header(dtype: np.dtype, shape: Tuple[int, ...]) -> bytes:
    """The version 1.0 `.npy` header of a C-ordered array, as `np.save` writes it."""
    key = (dtype.str, shape)
    header = _encoded_headers.get(key)
    if header is None:
        text = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (np.lib.format.dtype_to_descr(dtype), shape)
        padding = _ALIGN - (len(NPY_MAGIC) + 4 + len(text) + 1) % _ALIGN
        text = text + " " * (padding % _ALIGN) + "\n"
        header = NPY_MAGIC + b"\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1")
        if len(_encoded_headers) < _CACHE_LIMIT:
            _encoded_headers[key] = header
    return header


def npy_bytes(array: np.ndarray) -> bytes:
    """The `.npy` file of `array` (made C-contiguous; dtype and byte order kept)."""
    array = np.ascontiguousarray(array)
    return npy_header(array.dtype, array.shape) + array.tobytes()


def read_npy(buffer: memoryview, offset: int = 0) -> Tuple[np.ndarray, int]:
    """Reads one `.npy` from `buffer` at `offset`; returns the array (a copy) and the offset after it."""
    if bytes(buffer[offset : offset + 6]) != NPY_MAGIC:
        raise ValueError("not a .npy: bad magic")
    major = buffer[offset + 6]
    if major == 1:
        (header_length,) = struct.unpack_from("<H", buffer, offset + 8)
        start = offset + 10
    else:
        (header_length,) = struct.unpack_from("<I", buffer, offset + 8)
        start = offset + 12
    header = bytes(buffer[start : start + header_length])
    parsed = _decoded_headers.get(header)
    if parsed is None:
        fields = _parse_header(header)
        dtype = np.dtype(fields["descr"])
        if dtype.hasobject:
            raise ValueError("object arrays are not accepted")
        shape = tuple(fields["shape"])
        parsed = (dtype, shape, bool(fields["fortran_order"]), int(np.prod(shape, dtype=np.int64)))
        if len(_decoded_headers) < _CACHE_LIMIT:
            _decoded_headers[header] = parsed
    dtype, shape, fortran, count = parsed
    data_start = start + header_length
    end = data_start + count * dtype.itemsize
    if end > len(buffer):
        raise ValueError("truncated .npy")
    flat = np.frombuffer(buffer[data_start:end], dtype=dtype, count=count).copy()
    array = flat.reshape(shape[::-1]).T if fortran else flat.reshape(shape)
    return array, end


def _parse_header(header: bytes) -> Dict[str, Any]:
    import ast

    fields = ast.literal_eval(header.decode("latin1"))
    if not isinstance(fields, dict) or not {"descr", "fortran_order", "shape"} <= fields.keys():
        raise ValueError(f"bad .npy header {header[:80]!r}")
    return fields


def load_npy(data: bytes) -> np.ndarray:
    """A whole `.npy` file (any version NumPy writes) as an array, exactly."""
    return np.load(io.BytesIO(data), allow_pickle=False)


def encode_frame(meta: Dict[str, Any], *arrays: np.ndarray) -> bytes:
    """A framed message: uint32 LE metadata length, UTF-8 JSON metadata, then each array as `.npy`."""
    encoded = json.dumps(meta, separators=(",", ":"), allow_nan=False).encode()
    return b"".join([struct.pack("<I", len(encoded)), encoded, *(npy_bytes(a) for a in arrays)])


def decode_frame(frame: bytes) -> Tuple[Dict[str, Any], list]:
    """Splits a framed message into its metadata and the `.npy` arrays that follow it."""
    view = memoryview(frame)
    (meta_length,) = struct.unpack_from("<I", view)
    meta = json.loads(str(view[4 : 4 + meta_length], "utf-8"))
    arrays = []
    offset = 4 + meta_length
    while offset < len(view):
        array, offset = read_npy(view, offset)
        arrays.append(array)
    return meta, arrays


def check_packet(y: Any, t: Optional[Any] = None) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Validates a packet's values the way the server will, so mistakes fail at the call that made them."""
    array = np.asarray(y)
    if array.dtype.hasobject or array.dtype.kind not in "biuf":
        raise TypeError(f"y must be a bool, integer or float array, not {array.dtype}")
    if array.ndim not in (1, 2):
        raise ValueError(f"y must have shape (n,) or (k, n), not {array.shape}")
    if array.size == 0:
        raise ValueError("y is empty")
    n = array.shape[-1]
    times = None
    if t is not None:
        times = np.asarray(t, dtype=np.float64)
        if times.shape != (n,):
            raise ValueError(f"t must hold one time per sample, shape ({n},), not {times.shape}")
    return array, times


def use_fast_websocket_masking() -> None:
    """Masks outgoing WebSocket frames with NumPy when websockets lacks its C speedups (Debian's build).

    Clients must mask every byte they send; websockets' pure-Python fallback takes ~25 us per 4 KB,
    which alone would cap a publisher near 10,000 packets/s on a fast core.
    """
    try:
        import websockets.speedups  # noqa: F401

        return
    except ImportError:
        pass
    import websockets.frames as frames

    pure = frames.apply_mask

    def apply_mask(data: bytes, mask: bytes) -> bytes:
        if len(data) < 256:
            return pure(data, mask)
        repeated = np.frombuffer(mask * ((len(data) + 3) // 4), np.uint8, count=len(data))
        return (np.frombuffer(data, np.uint8) ^ repeated).tobytes()

    frames.apply_mask = apply_mask
