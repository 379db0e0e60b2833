/** Python clients against our server: numpy's own files, the seed's client code, and the examples in examples/python. */
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeDataFrame } from '../common/frames.js';
import { typedArrayToNpy } from '../common/npy/typed.js';
import { type DataMessage, NPY_MEDIA_TYPE } from '../common/protocol.js';
import { PYTHON } from './helpers/python.js';
import { type TestServer, startTestServer } from './helpers/server.js';
import { HANG_MS, until } from './helpers/wait.js';
import { TestClient } from './helpers/ws.js';

const EXAMPLES = fileURLToPath(new URL('../examples/python/', import.meta.url));

function missingModules(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy, requests, websockets'], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    const reason = String((err as { stderr?: Buffer }).stderr ?? err)
      .trim()
      .split('\n')
      .at(-1);
    return `${PYTHON} cannot import numpy, requests and websockets (${reason}); install python3-numpy python3-requests python3-websockets`;
  }
}
const missing = missingModules();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a Python script (a file in examples/python, or `-c` code) with the examples importable. */
function python(args: string[], timeout = HANG_MS): Promise<Run> {
  return new Promise((resolve) => {
    const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1' }; // no __pycache__ left in examples/
    execFile(PYTHON, args, { cwd: EXAMPLES, env, timeout, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

async function pythonJson<T>(code: string, ...args: string[]): Promise<T> {
  const run = await python(['-c', code, ...args]);
  if (run.code !== 0) throw new Error(`python exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

let server: TestServer;
const clients: TestClient[] = [];

beforeEach(async () => {
  server = await startTestServer({ streamRate: 50 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.dispose();
});

async function subscribe(channel: string, binary = false): Promise<TestClient> {
  const client = await TestClient.connect(server.url, `?channel=${channel}`);
  clients.push(client);
  client.send({ action: 'ping', binary });
  await client.nextOfType('pong');
  return client;
}

describe.skipIf(missing !== undefined)(`Python interop${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('arrays numpy writes round-trip bit-exact through the seed-style upload and both download routes', async () => {
    const results = await pythonJson<Record<string, Record<string, boolean>>>(
      `
import io, json, sys
import numpy as np
from client import NumpyClient

rng = np.random.default_rng(7)
arrays = {
    "float64": np.array([0.1, -0.0, np.nan, np.inf, -np.inf, 1e-308, 5e-324, 1.7976931348623157e308]),
    "float32 2-D": rng.standard_normal((7, 5)).astype(np.float32),
    "float16": np.array([0.1, 65504, -np.inf, np.nan, 6e-8, -0.0], dtype=np.float16),
    "int8": np.array([-128, 0, 127], np.int8),
    "uint8": np.array([0, 255], np.uint8),
    "int16": np.array([-32768, 32767], np.int16),
    "uint16": np.array([0, 65535], np.uint16),
    "int32": np.array([-2**31, 2**31 - 1], np.int32),
    "uint32": np.array([0, 2**32 - 1], np.uint32),
    "int64": np.array([-2**63, 2**63 - 1, 2**53 + 1], np.int64),
    "uint64": np.array([0, 2**64 - 1, 2**53 + 1], np.uint64),
    "bool": np.array([[True, False], [False, True]]),
    "complex64": np.array([1 + 2j, -0.5j], np.complex64),
    "complex128": np.array([complex(1, np.inf), complex(np.nan, -1), 3.25 - 0j]),
    "fortran order": np.asfortranarray(np.arange(12.0).reshape(3, 4)),
    "big-endian": np.arange(5, dtype=">i4"),
    "0-d": np.array(3.5),
    "empty (0, 3)": np.zeros((0, 3)),
    "3-D int16": np.arange(24, dtype=np.int16).reshape(2, 3, 4),
    "seed demo": np.random.randn(100, 50),
}

def same_bits(a, b):
    if a.shape != b.shape or a.dtype.name != b.dtype.name:
        return False
    little = a.dtype.newbyteorder("<")
    return np.ascontiguousarray(a, dtype=little).tobytes() == np.ascontiguousarray(b, dtype=little).tobytes()

client = NumpyClient(sys.argv[1])
results = {}
for name, a in arrays.items():
    uploaded = client.upload_numpy_array(a, name + ".npy")
    saved = io.BytesIO()
    np.save(saved, a)
    via_json = client.get_array(uploaded["index"])
    via_npy = client.get_array_npy(uploaded["index"])
    results[name] = {
        "upload response": uploaded["status"] == "success" and uploaded["shape"] == list(a.shape) and uploaded["dtype"] == str(a.dtype),
        "json: array_equal and dtype": bool(np.array_equal(a, via_json, equal_nan=a.dtype.kind in "fc")) and via_json.dtype.name == a.dtype.name,
        "json: same bits": same_bits(a, via_json),
        "npy: same dtype and bits": via_npy.dtype == a.dtype and same_bits(a, via_npy),
        "npy: the very bytes np.save wrote": client.download_npy(uploaded["index"]) == saved.getvalue(),
    }
print(json.dumps(results))
`,
      server.url,
    );
    expect(Object.keys(results)).toHaveLength(20);
    for (const [name, checks] of Object.entries(results)) {
      for (const [check, ok] of Object.entries(checks)) expect(ok, `${name}: ${check}`).toBe(true);
    }
  });

  it('a client written for the seed works unchanged: multipart upload, tolist() JSON, WS start/ping/stop, control', async () => {
    const report = await pythonJson<Record<string, unknown>>(
      `
import asyncio, io, json, sys
import numpy as np
import requests
import websockets

base = sys.argv[1]
report = {"health": requests.get(f"{base}/health").json()["status"]}

array = np.random.randn(100, 50)
buffer = io.BytesIO()
np.save(buffer, array)
buffer.seek(0)
response = requests.post(f"{base}/upload", files={"file": ("array.npy", buffer, "application/octet-stream")})
response.raise_for_status()
report["upload"] = response.json()
report["listed"] = [a["index"] for a in requests.get(f"{base}/arrays").json()["arrays"]]
data = requests.get(f"{base}/array/0").json()
downloaded = np.array(data["data"])
report["json equal"] = bool(np.array_equal(downloaded, array)) and downloaded.dtype == array.dtype and list(downloaded.shape) == data["shape"]

async def stream():
    messages = {}
    async with websockets.connect(base.replace("http://", "ws://") + "/ws/stream") as ws:
        await ws.send(json.dumps({"action": "start"}))
        messages["start"] = json.loads(await ws.recv())
        packets = []
        while len(packets) < 3:
            message = json.loads(await ws.recv())
            if message["type"] == "data":
                packets.append(message)
        messages["packets"] = [
            {"keys": sorted(p), "x": len(p["x"]), "y shape": list(np.array(p["y"]).shape), "shape": p["shape"], "dtype": p["dtype"]}
            for p in packets
        ]
        for action, wanted in (("ping", "pong"), ("stop", "status")):
            await ws.send(json.dumps({"action": action}))
            while (message := json.loads(await ws.recv()))["type"] == "data":
                pass
            messages[action] = message
    return messages

report.update(asyncio.run(stream()))
report["control start"] = requests.post(f"{base}/control/start").json()
report["control stop"] = requests.post(f"{base}/control/stop").json()
print(json.dumps(report))
`,
      server.url,
    );
    expect(report).toMatchObject({
      health: 'healthy',
      upload: { status: 'success', shape: [100, 50], dtype: 'float64', index: 0 },
      listed: [0],
      'json equal': true,
      start: { type: 'status', streaming: true },
      ping: { type: 'pong' },
      stop: { type: 'status', streaming: false },
      'control start': { status: 'streaming started' },
      'control stop': { status: 'streaming stopped' },
    });
    for (const packet of report.packets as Record<string, unknown>[]) {
      expect(packet).toMatchObject({ x: 100, 'y shape': [100], shape: [100], dtype: 'float64' });
      expect(packet.keys).toEqual(expect.arrayContaining(['type', 'timestamp', 'shape', 'dtype', 'x', 'y']));
    }
  });

  it('publish_sensor.py at 100 kHz (1,000 packets of 100 samples a second) reaches subscribers with every seq and its dtype', async () => {
    const [json, binary] = [await subscribe('py-sensor'), await subscribe('py-sensor', true)];
    const run = await python([
      'publish_sensor.py',
      '--server',
      server.url,
      '--channel',
      'py-sensor',
      '--rate',
      '100000',
      '--samples',
      '100',
      '--series',
      '3',
      '--dtype',
      'int16',
      '--duration',
      '1',
      // At 1,000 packets/s a loaded machine may take longer than the default 10 s to confirm the last ones.
      '--timeout',
      String(HANG_MS / 1000),
    ]);
    expect(run.stderr).not.toContain('error');
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/^published 1000 packets to py-sensor in /) });

    await json.next((r) => r.kind === 'text' && r.message.seq === 999);
    const data = json.messages().filter((m) => m.type === 'data') as unknown as DataMessage[];
    expect(json.messages().filter((m) => m.type === 'dropped')).toEqual([]);
    expect(data.map((m) => m.seq)).toEqual([...Array(1000).keys()]);
    for (const m of data) expect(m).toMatchObject({ shape: [3, 100], dtype: 'int16', channel: 'py-sensor' });
    expect(data.map((m) => m.x[0])).toEqual([...Array(1000).keys()].map((i) => i * 100));
    const frame = decodeDataFrame(await binary.nextBinary());
    expect(frame.y.header).toMatchObject({ shape: [3, 100], dtype: { name: 'int16' } });
  });

  it('NumpyClient.connect_streaming(binary=True) decodes binary frames into arrays of the exact dtype', async () => {
    const run = python([
      '-c',
      `
import asyncio, json, sys
from client import NumpyClient
packets = []
async def first_packet():
    # Until cancelled, as documented: cancelled once the packet is in, however long the machine takes.
    task = asyncio.current_task()
    def on_data(packet):
        packets.append(packet)
        task.cancel()
    try:
        await NumpyClient(sys.argv[1]).connect_streaming(on_data, auto_start=False, channel="frames", binary=True)
    except asyncio.CancelledError:
        pass
asyncio.run(first_packet())
print(json.dumps([{**p, "x": p["x"].tolist(), "y": p["y"].tolist(), "t": p["t"].tolist(), "x dtype": p["x"].dtype.name} for p in packets]))
`,
      server.url,
    ]);
    // Once its binary choice has arrived, so the packet goes out as a frame.
    const subscribed = () =>
      server.hub.list().some((c) => c.name === 'frames') && [...server.hub.channel('frames').subscribers].some((s) => s.binary);
    await until(subscribed);
    await fetch(`${server.url}/stream/frames`, {
      method: 'POST',
      headers: { 'content-type': NPY_MEDIA_TYPE },
      body: typedArrayToNpy(Uint16Array.from([1, 65535, 7, 8]), [2, 2]),
    });
    const { code, stdout, stderr } = await run;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      {
        type: 'data',
        channel: 'frames',
        seq: 0,
        timestamp: expect.any(Number),
        x: [0, 1],
        // A channel's first packet without times: both samples at its arrival.
        t: [expect.any(Number), expect.any(Number)],
        'x dtype': 'float64',
        y: [
          [1, 65535],
          [7, 8],
        ],
        shape: [2, 2],
        dtype: 'uint16',
      },
    ]);
  });

  it('publish_sensor.py reports a refused channel and exits 1', async () => {
    const run = await python(['publish_sensor.py', '--server', server.url, '--channel', 'demo', '--duration', '0.1']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: the server refused: the demo channel is fed by');
  });

  it("client.py's CLI: the seed's commands, exact get via .npy, errors with exit 1", async () => {
    const cli = (...args: string[]) => python(['client.py', '--server', server.url, ...args]);
    expect(JSON.parse((await cli('health')).stdout)).toMatchObject({ status: 'healthy' });
    expect((await cli('upload-demo')).stdout).toMatch(/^Uploaded: \{'status': 'success'.*'shape': \[100, 50\]/);
    expect(JSON.parse((await cli('list')).stdout)).toMatchObject({ count: 1, arrays: [{ index: 0, name: 'demo.npy' }] });
    expect((await cli('get', '0')).stdout).toMatch(/^Array 0: shape \(100, 50\), dtype float64\n\[\[/);
    expect((await cli('get', '0', '--json')).stdout).toMatch(/^Array 0: shape \(100, 50\), dtype float64\n/);
    // Until the first packet, however long the demo takes to start and deliver; an earlier test may have run it.
    const stream = await cli('stream', '--count', '1', '--duration', String(HANG_MS / 1000));
    expect(stream.code).toBe(0);
    expect(stream.stdout).toMatch(/^#\d+: 100 points, mean=-?\d+\.\d{3}\nReceived 1 packets in \d+\.\d s\n$/);
    expect(await cli('get', '5')).toMatchObject({ code: 1, stderr: 'error: Array not found (HTTP 404)\n' });
  });

  it('plot_client.py buffers k series without matplotlib, which it only needs to draw', async () => {
    const state = await pythonJson<Record<string, unknown>>(`
import json
from plot_client import StreamBuffer
buffer = StreamBuffer(window=150)
for seq in range(2):
    buffer.add({"x": list(range(seq * 100, seq * 100 + 100)), "y": [[seq] * 100, [1] * 100, ["NaN"] * 100], "timestamp": seq})
x, series, times, means, stds = buffer.snapshot()
print(json.dumps({"x": [x[0], x[-1], len(x)], "series": [len(s) for s in series], "means": means.tolist()}))
`);
    expect(state).toEqual({ x: [50, 199, 150], series: [150, 150, 150], means: [0, 1] });
    const hasMatplotlib = (await python(['-c', 'import matplotlib'])).code === 0;
    if (!hasMatplotlib) {
      const run = await python(['plot_client.py', '--server', server.url]);
      expect(run).toMatchObject({ code: 1, stderr: expect.stringContaining('plot_client.py needs matplotlib') });
    }
  });
});
