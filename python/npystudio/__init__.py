"""npystudio: move NumPy arrays to an NPY Studio server and publish live data, from scripts and notebooks.

    import npystudio
    s = npystudio.connect()                 # $NPY_STUDIO_SERVER or http://127.0.0.1:8000
    s.upload(np.random.randn(100, 50))
    ch = s.channel("sensor")
    ch.log(0.5)                             # one sample, timed now; batched for you
    ch.send(np.zeros((3, 1000), np.float32), t=time.time(), rate=1000.0)
    ch.flush()                              # the server has everything
    for packet in s.subscribe("sensor", lookback=5):
        print(packet.seq, packet.t[0], packet.y.shape)

Every call is synchronous; a background thread does the network work (no asyncio needed, Jupyter works).
"""

from typing import TYPE_CHECKING, Any

from .errors import ApiError, NpyStudioError, ServerUnreachable
from .session import Session, connect

__version__ = "0.1.0"
__all__ = ["ApiError", "Channel", "NpyStudioError", "Packet", "Recording", "ServerUnreachable", "Session", "Subscription", "connect"]

if TYPE_CHECKING:
    from .channel import Channel
    from .record import Recording
    from .subscribe import Packet, Subscription


def __getattr__(name: str) -> Any:
    # Live-data classes load on first use, so array work needs no websockets.
    if name == "Channel":
        from .channel import Channel

        return Channel
    if name in ("Packet", "Subscription"):
        from . import subscribe

        return getattr(subscribe, name)
    if name == "Recording":
        from .record import Recording

        return Recording
    raise AttributeError(f"module 'npystudio' has no attribute {name!r}")
