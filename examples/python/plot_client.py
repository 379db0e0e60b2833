#!/usr/bin/env python3
"""Live plot of an NPY Studio stream, as in the seed tutorial.

    python3 plot_client.py                                  # the demo stream (started for you)
    python3 plot_client.py --server http://192.168.1.100:8000 --channel sensor

Top panel: the latest samples of every series. Bottom panel: mean and standard deviation of each
packet of the first series. Close the window to disconnect.

matplotlib is needed for this script only (the other examples do without it), so it is imported
when the plot opens: `pip install matplotlib` or `apt install python3-matplotlib`.
"""
import argparse
import collections
import sys
import threading

import _npystudio_path  # noqa: F401
import numpy as np
import npystudio


class StreamBuffer:
    """The last `window` samples of each series and per-packet statistics, filled by the network thread."""

    def __init__(self, window):
        self.window = window
        self.lock = threading.Lock()
        self.x = collections.deque(maxlen=window)
        self.series = []
        self.times = collections.deque(maxlen=window)
        self.means = collections.deque(maxlen=window)
        self.stds = collections.deque(maxlen=window)

    def add(self, message):
        y = np.array(message["y"], dtype=float)
        rows = y.reshape(1, -1) if y.ndim == 1 else y
        with self.lock:
            if len(self.series) != len(rows):
                self.series = [collections.deque(maxlen=self.window) for _ in rows]
                self.x.clear()
            self.x.extend(np.array(message["x"], dtype=float))
            for target, row in zip(self.series, rows):
                target.extend(row)
            self.times.append(message["timestamp"])
            self.means.append(np.nanmean(rows[0]))
            self.stds.append(np.nanstd(rows[0]))

    def snapshot(self):
        with self.lock:
            return (
                np.array(self.x),
                [np.array(s) for s in self.series],
                np.array(self.times),
                np.array(self.means),
                np.array(self.stds),
            )


def receive_in_background(session, buffer, channel):
    """Feeds `buffer` from a subscription (the demo, started for everyone as in the seed, by default)."""

    def run():
        try:
            with session.subscribe(channel or "demo", start=channel is None) as subscription:
                for packet in subscription:
                    buffer.add({"x": packet.x, "y": packet.y, "timestamp": packet.timestamp})
        except Exception as err:  # shown, not raised: the plot window stays up
            print(f"stream ended: {err}", file=sys.stderr)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def main(argv=None):
    parser = argparse.ArgumentParser(description="Live plot of an NPY Studio stream")
    parser.add_argument("--server", default=None, help="server URL (default $NPY_STUDIO_SERVER or http://127.0.0.1:8000)")
    parser.add_argument("--token", default=None, help="access token (default $NPY_STUDIO_TOKEN)")
    parser.add_argument("--channel", default=None, help="channel to plot (default: the demo)")
    parser.add_argument("--window", type=int, default=1000, help="samples shown (default 1000)")
    args = parser.parse_args(argv)
    try:
        import matplotlib.pyplot as plt
        from matplotlib.animation import FuncAnimation
    except ImportError:
        print(
            "plot_client.py needs matplotlib: pip install matplotlib (or apt install python3-matplotlib)",
            file=sys.stderr,
        )
        return 1

    buffer = StreamBuffer(args.window)
    try:
        session = npystudio.connect(args.server, args.token)
    except npystudio.NpyStudioError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    receive_in_background(session, buffer, args.channel)

    figure, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6))
    figure.canvas.manager.set_window_title(f"NPY Studio: {args.channel or 'demo'}")
    top.set_title("Live signal")
    bottom.set_title("Per-packet mean and standard deviation (first series)")
    (mean_line,) = bottom.plot([], [], label="mean")
    (std_line,) = bottom.plot([], [], label="std")
    bottom.legend(loc="upper left")
    signal_lines = []

    def update(_frame):
        x, series, times, means, stds = buffer.snapshot()
        while len(signal_lines) < len(series):
            (line,) = top.plot([], [], label=f"series {len(signal_lines)}")
            signal_lines.append(line)
            top.legend(loc="upper left")
        for line, y in zip(signal_lines, series):
            line.set_data(x[-len(y):], y)
        mean_line.set_data(times, means)
        std_line.set_data(times, stds)
        for axes in (top, bottom):
            axes.relim()
            axes.autoscale_view()
        return [*signal_lines, mean_line, std_line]

    animation = FuncAnimation(figure, update, interval=50, cache_frame_data=False)  # noqa: F841 (kept alive for show)
    plt.tight_layout()
    plt.show()
    return 0


if __name__ == "__main__":
    sys.exit(main())
