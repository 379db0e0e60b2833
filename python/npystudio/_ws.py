"""WebSocket connections across websockets versions (imported lazily: only live data needs it).

websockets 13 added a new asyncio client whose header argument is `additional_headers`; from 14 on it
is what `websockets.connect` means. Older versions only have the legacy client and `extra_headers`.
"""

from __future__ import annotations

from typing import Any, Dict, Tuple, Type

from .errors import ApiError, ServerUnreachable


def require() -> None:
    """Raises a helpful ImportError now, in the caller's thread, when websockets is missing."""
    _client()


def _client() -> Tuple[Any, str]:
    try:
        from websockets.asyncio.client import connect  # websockets >= 13

        return connect, "additional_headers"
    except ImportError:
        try:
            from websockets.legacy.client import connect  # websockets 10-12
        except ImportError as err:
            raise ImportError("live data needs the websockets package: pip install websockets (or apt install python3-websockets)") from err
        return connect, "extra_headers"


# Close codes by which the server refuses (bad channel name, channel limit, bad or oversized message):
# reconnecting would be refused again.
REFUSAL_CLOSE_CODES = (1003, 1007, 1008, 1009, 1013)


def closed_errors() -> Tuple[Type[BaseException], ...]:
    """Exceptions that mean the connection is gone."""
    from websockets.exceptions import ConnectionClosed, InvalidHandshake

    return (ConnectionClosed, InvalidHandshake, OSError, EOFError)


async def open_socket(url: str, headers: Dict[str, str], open_timeout: float) -> Any:
    """Opens a WebSocket; an HTTP refusal becomes ApiError, anything else ServerUnreachable."""
    from websockets import exceptions

    from ._npy import use_fast_websocket_masking

    use_fast_websocket_masking()
    connect, header_argument = _client()
    try:
        return await connect(url, max_size=None, open_timeout=open_timeout, ping_interval=20, close_timeout=2, **{header_argument: headers})
    except Exception as err:
        status = getattr(err, "status_code", None)  # websockets < 14: InvalidStatusCode
        response = getattr(err, "response", None)  # websockets >= 13: InvalidStatus
        if status is None and response is not None:
            status = getattr(response, "status_code", None)
        if status is not None:
            body = getattr(response, "body", b"") or b""
            raise ApiError(status, _detail(body) or f"the server refused the WebSocket {url}") from None
        if isinstance(err, (OSError, TimeoutError, exceptions.WebSocketException)) or type(err).__name__ == "TimeoutError":
            raise ServerUnreachable(f"cannot open {url}: {err or type(err).__name__}") from None
        raise


def _detail(body: bytes) -> str:
    import json

    try:
        return str(json.loads(body)["detail"])
    except (ValueError, KeyError, TypeError):
        return ""
