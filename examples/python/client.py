#!/usr/bin/env python3
"""Python client for NPY Studio, with the seed tutorial's API and CLI unchanged.

    client = NumpyClient("http://localhost:8000")
    client.upload_numpy_array(np.random.randn(100, 50))
    client.list_arrays()
    client.get_array(0)        # the seed's JSON route (tolist()), rebuilt with the stored dtype
    client.get_array_npy(0)    # the stored .npy itself: bit-exact, any size
    asyncio.run(client.connect_streaming(on_data=print, auto_start=True))

Needs numpy, requests and websockets (>= 10): `pip install numpy requests websockets`,
or on Debian/Ubuntu `apt install python3-numpy python3-requests python3-websockets`.
"""
import argparse
import asyncio
import io
import json
import os
import struct
import sys
import time
from urllib.parse import urlencode

import numpy as np
import requests
import websockets


class ServerError(Exception):
    """The server refused a request; `detail` is its reason."""

    def __init__(self, status, detail):
        super().__init__(f"{detail} (HTTP {status})")
        self.status = status
        self.detail = detail


class NumpyClient:
    def __init__(self, server_url="http://localhost:8000", token=None):
        self.server_url = server_url.rstrip("/")
        self.token = token
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    # ---- HTTP ----

    def _request(self, method, path, **kwargs):
        response = self.session.request(method, self.server_url + path, **kwargs)
        if not response.ok:
            try:
                detail = response.json()["detail"]
            except (ValueError, KeyError, TypeError):
                detail = response.text[:200] or response.reason
            raise ServerError(response.status_code, detail)
        return response

    def health(self):
        return self._request("GET", "/health").json()

    def upload_numpy_array(self, array, filename="array.npy"):
        """Uploads `array` as the seed does: np.save into memory, multipart field `file`."""
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        buffer.seek(0)
        files = {"file": (filename, buffer, "application/octet-stream")}
        return self._request("POST", "/upload", files=files).json()

    def upload_file(self, path):
        """Uploads a .npy file from disk; requests streams it from the open file."""
        with open(path, "rb") as f:
            files = {"file": (os.path.basename(path), f, "application/octet-stream")}
            return self._request("POST", "/upload", files=files).json()

    def list_arrays(self):
        return self._request("GET", "/arrays").json()

    def get_array(self, index):
        """The seed's JSON route. NaN/±Inf arrive as strings and complex as [re, im]; both are rebuilt exactly."""
        body = self._request("GET", f"/array/{index}").json()
        dtype = np.dtype(body["dtype"])
        shape = tuple(body["shape"])
        if dtype.kind == "c":
            pairs = np.array(body["data"], dtype=np.float64).reshape(shape + (2,))
            array = np.empty(shape, dtype=dtype)  # re + 1j * im would turn an infinite im into a NaN re
            array.real, array.imag = pairs[..., 0], pairs[..., 1]
            return array
        return np.array(body["data"], dtype=dtype).reshape(shape)

    def get_array_npy(self, index):
        """The stored file itself, as uploaded: exact values, dtype, byte order and layout."""
        return np.load(io.BytesIO(self.download_npy(index)), allow_pickle=False)

    def download_npy(self, index):
        return self._request("GET", f"/array/{index}", params={"format": "npy"}).content

    def delete_array(self, index):
        return self._request("DELETE", f"/array/{index}").json()

    def start_streaming(self):
        return self._request("POST", "/control/start").json()

    def stop_streaming(self):
        return self._request("POST", "/control/stop").json()

    def list_streams(self):
        return self._request("GET", "/streams").json()["streams"]

    # ---- WebSocket ----

    def ws_url(self, path, **query):
        if self.token:
            query["token"] = self.token
        base = "ws" + self.server_url[len("http"):]
        return base + path + (f"?{urlencode(query)}" if query else "")

    async def connect_streaming(self, on_data, auto_start=True, channel=None, duration=None, on_status=None, binary=False):
        """Calls `on_data(message)` for each data packet of `channel` (the demo by default),
        for `duration` seconds or until cancelled. `auto_start` sends {"action": "start"} as the seed does.
        With `binary`, packets come as binary frames and `message["x"]`, `message["y"]` are numpy
        arrays in the publisher's exact dtype."""
        url = self.ws_url("/ws/stream", **({"channel": channel} if channel else {}))
        async with websockets.connect(url, max_size=None) as ws:
            if auto_start or binary:
                command = {"action": "start" if auto_start else "ping"}
                if binary:
                    command["binary"] = True
                await ws.send(json.dumps(command))
            deadline = None if duration is None else time.monotonic() + duration
            while True:
                timeout = None if deadline is None else deadline - time.monotonic()
                if timeout is not None and timeout <= 0:
                    return
                try:
                    received = await asyncio.wait_for(ws.recv(), timeout)
                except asyncio.TimeoutError:
                    return
                message = decode_frame(received) if isinstance(received, bytes) else json.loads(received)
                if message["type"] == "data":
                    on_data(message)
                elif message["type"] == "status" and on_status:
                    on_status(message)
                elif message["type"] == "error":
                    print(f"server: {message['detail']}", file=sys.stderr)

    def close(self):
        self.session.close()


def decode_frame(frame):
    """A binary data frame: uint32 LE metadata length, metadata JSON, then the .npy of x and of y."""
    (meta_length,) = struct.unpack_from("<I", frame)
    message = json.loads(frame[4 : 4 + meta_length])
    arrays = io.BytesIO(frame[4 + meta_length :])
    message["x"] = np.load(arrays, allow_pickle=False)  # np.load stops at the end of one array
    message["y"] = np.load(arrays, allow_pickle=False)
    message["shape"] = list(message["y"].shape)
    message["dtype"] = message["y"].dtype.name
    return message


# ---- command line, as in the seed ----


def describe(array):
    return f"shape {array.shape}, dtype {array.dtype}"


def main(argv=None):
    parser = argparse.ArgumentParser(description="NPY Studio client (the seed tutorial's commands)")
    parser.add_argument("--server", default=os.environ.get("NPY_STUDIO_SERVER", "http://localhost:8000"))
    parser.add_argument("--token", default=os.environ.get("NPY_STUDIO_TOKEN"))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("health", help="check server health")
    commands.add_parser("upload-demo", help="upload a random 100x50 array")
    upload = commands.add_parser("upload", help="upload a .npy file")
    upload.add_argument("file")
    commands.add_parser("list", help="list stored arrays")
    get = commands.add_parser("get", help="download an array (exactly, as .npy)")
    get.add_argument("index", type=int)
    get.add_argument("--out", help="save it to this .npy file instead of printing it")
    get.add_argument("--json", action="store_true", help="fetch through the seed's JSON route instead")
    delete = commands.add_parser("delete", help="delete an array")
    delete.add_argument("index", type=int)
    stream = commands.add_parser("stream", help="receive the demo stream")
    stream.add_argument("--duration", type=float, default=5.0)
    stream.add_argument("--channel", default=None)
    args = parser.parse_args(argv)

    client = NumpyClient(args.server, token=args.token)
    try:
        if args.command == "health":
            print(json.dumps(client.health(), indent=2))
        elif args.command == "upload-demo":
            print(f"Uploaded: {client.upload_numpy_array(np.random.randn(100, 50), 'demo.npy')}")
        elif args.command == "upload":
            print(f"Uploaded: {client.upload_file(args.file)}")
        elif args.command == "list":
            print(json.dumps(client.list_arrays(), indent=2))
        elif args.command == "get":
            if args.out:
                with open(args.out, "wb") as f:
                    f.write(client.download_npy(args.index))
                print(f"Saved array {args.index} to {args.out}")
            else:
                array = client.get_array(args.index) if args.json else client.get_array_npy(args.index)
                print(f"Array {args.index}: {describe(array)}")
                print(array)
        elif args.command == "delete":
            print(client.delete_array(args.index))
        elif args.command == "stream":
            count = 0

            def on_data(message):
                nonlocal count
                count += 1
                y = np.array(message["y"], dtype=float)
                print(f"#{message.get('seq', count)}: {len(message['x'])} points, mean={np.nanmean(y):.3f}")

            asyncio.run(client.connect_streaming(on_data, auto_start=True, channel=args.channel, duration=args.duration))
            print(f"Received {count} packets in {args.duration} s")
    except ServerError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except (requests.ConnectionError, OSError) as err:
        print(f"error: cannot reach {args.server}: {err}", file=sys.stderr)
        return 1
    finally:
        client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
