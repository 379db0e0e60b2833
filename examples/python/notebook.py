# %% [markdown]
# # NPY Studio from a notebook
#
# Cells for Jupyter, VS Code or Spyder (`# %%` markers), or run it whole: `python3 notebook.py`.
# It needs a server: `npm run serve` (or the app), found at `$NPY_STUDIO_SERVER` or http://127.0.0.1:8000.
# Everything is synchronous: npystudio runs its network work in a background thread.

# %%
import time

import _npystudio_path  # noqa: F401  (only needed when npystudio is not installed)
import numpy as np
import npystudio

s = npystudio.connect()
s.health()

# %% [markdown]
# ## Arrays: upload, list, get back exactly

# %%
answer = s.upload(np.random.default_rng(0).standard_normal((100, 50)).astype(np.float32), name="notebook.npy")
stored = s.get(answer["index"])
print(answer["index"], stored.shape, stored.dtype)

# %% [markdown]
# ## Live: log samples one at a time (batched for you), watch them arrive

# %%
channel = s.channel("notebook.sensor", names=["signal"], units=["V"])
watch = s.subscribe("notebook.sensor", timeout=30)

start = time.time()
for i in range(2000):
    channel.log(np.sin(i / 100), t=start + i / 1000)  # a 1 kHz sensor's samples, each with its time
channel.flush()  # the server has all 2000

received = []
while sum(p.y.shape[-1] for p in received) < 2000:
    received.append(next(watch))
y = np.concatenate([p.y for p in received])
t = np.concatenate([p.t for p in received])
print(f"{len(received)} packets, {y.size} samples over {t[-1] - t[0]:.3f} s, names {received[0].names}")

# %% [markdown]
# ## Whole packets: 3 series of 1000 float32 samples at 1 kHz

# %%
y = np.random.default_rng(1).standard_normal((3, 1000)).astype(np.float32)
channel.send(y, t=time.time(), rate=1000.0, names=["x", "y", "z"], units="g")
channel.flush()
packet = next(watch)
print(packet.seq, packet.y.shape, packet.y.dtype, packet.t[1] - packet.t[0])

# %% [markdown]
# ## Record a run, then load it as arrays

# %%
with s.record(["notebook.sensor"], name="notebook-run") as recording:
    for i in range(500):
        channel.log(float(i))
run = recording.load()
print(sorted(run), run["notebook.sensor/y"].shape)

# %%
watch.close()
channel.close()
s.delete(answer["index"])
s.close()
