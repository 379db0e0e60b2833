"""Errors raised by npystudio."""

from __future__ import annotations

from typing import Any, Optional


class NpyStudioError(Exception):
    """Base class of every error npystudio raises on purpose."""


class ApiError(NpyStudioError):
    """The server refused a request.

    `status` is the HTTP status (or, for a refused WebSocket, its close code) and `detail` the
    server's reason, as its `{"detail": ...}` answer gives it.
    """

    def __init__(self, status: Optional[int], detail: Any):
        super().__init__(f"{detail} (HTTP {status})" if status is not None and status < 1000 else f"{detail} (code {status})")
        self.status = status
        self.detail = detail


class ServerUnreachable(NpyStudioError, ConnectionError):
    """The server could not be reached (refused, timed out, or the connection dropped)."""
