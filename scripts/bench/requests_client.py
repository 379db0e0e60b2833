"""The tutorial's client style for `npm run bench`: Python `requests`, multipart field `file`.

usage: requests_client.py upload URL PATH
Prints one JSON line: {"seconds": ..., "index": ...} (index is null for a server without one).
"""

import json
import sys
import time

import requests


def upload(url: str, path: str) -> None:
    started = time.perf_counter()
    with open(path, "rb") as f:
        response = requests.post(url + "/upload", files={"file": f})
    seconds = time.perf_counter() - started
    response.raise_for_status()
    print(json.dumps({"seconds": seconds, "index": response.json().get("index")}))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command != "upload":
        sys.exit(f"unknown command {command!r}")
    upload(*args)
