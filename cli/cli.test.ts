import { execFile, spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { typedArrayToNpy } from '../common/npy/typed.js';
import { type TestServer, startTestServer } from '../test/helpers/server.js';
import { refusingPort } from '../test/helpers/refusingPort.js';
import { HANG_MS, until } from '../test/helpers/wait.js';
import { NpyClient, type StreamData } from '../client/index.js';

let server: TestServer;
let client: NpyClient;
const subscriptions: { close(): void }[] = [];

beforeEach(async () => {
  server = await startTestServer({ streamRate: 50 });
  client = new NpyClient({ baseUrl: server.url, webSocket: (url) => new WebSocket(url) });
});
afterEach(async () => {
  subscriptions.splice(0).forEach((s) => s.close());
  await server.dispose();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// Bundled once, so each run starts as fast as the installed CLI does instead of compiling TypeScript again;
// inside node_modules, where the bundle finds the packages it leaves out.
const bundle = join(process.cwd(), 'node_modules', '.cache', `npy-studio-cli-${process.pid}.mjs`);
beforeAll(async () => {
  await build({ entryPoints: ['cli/cli.ts'], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: bundle });
});
afterAll(() => rm(bundle, { force: true }));

const withServer = (args: string[]): string[] => (args.includes('--server') ? args : ['--server', server.url, ...args]);

/** Runs the CLI as a shell user would, against the test server unless `--server` is given. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bundle, ...withServer(args)], { timeout: HANG_MS }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

/** Runs the CLI until its first line on stdout, then presses Ctrl-C (SIGINT) as a shell user would. */
function cliUntilFirstLine(...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [bundle, ...withServer(args)], { timeout: HANG_MS });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const hadLine = stdout.includes('\n');
    stdout += chunk;
    if (!hadLine && stdout.includes('\n')) child.kill('SIGINT');
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

async function subscribe(channel: string): Promise<StreamData[]> {
  const received: StreamData[] = [];
  let answered = false;
  subscriptions.push(client.stream({ channel, autoStart: true, onData: (d) => received.push(d), onStatus: () => (answered = true) }));
  await until(() => answered);
  return received;
}

describe('exit status and messages', () => {
  it('0 with help or a healthy server, 1 with the reason when the server is unreachable', async () => {
    const help = await cli('--help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toContain('Usage: npy-studio-client');

    const health = await cli('health');
    expect(health.code).toBe(0);
    expect(health.stdout).toBe(
      `healthy: NPY Studio ${(await client.health()).version} at ${server.url}, 0 arrays stored, demo stream stopped\n`,
    );

    const { port, release } = await refusingPort();
    const down = await cli('--server', `127.0.0.1:${port}`, 'health');
    release();
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`npy-studio-client: cannot reach http://127.0.0.1:${port}/health: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  it('2 for usage errors, with a hint to --help', async () => {
    for (const [args, message] of [
      [[], 'Usage: npy-studio-client'],
      [['frob'], "npy-studio-client: unknown command 'frob'"],
      [['get'], "missing required argument 'index'"],
      [['get', 'x'], 'array index must be a whole number'],
      [['list', '--out', 'a.npy'], "unknown option '--out'"],
      [['list', 'extra'], "too many arguments for 'list'"],
      [['stream', '--duration', '0'], '--duration must be a positive number, not "0"'],
      [['publish'], 'publish needs a FILE or --demo'],
      [['health', '--bogus'], "unknown option '--bogus'"],
      [['record'], "missing required argument 'channels'"],
      [['replay', 'x', '--speed', '0'], '--speed must be a positive number'],
      [['--server', 'ftp://x', 'health'], 'must be an http:// or https:// URL'],
    ] as const) {
      const run = await cli(...args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr, args.join(' ')).toContain(message);
    }
    const missing = await cli('upload', '/no/such/file.npy');
    expect(missing).toMatchObject({ code: 2, stderr: 'npy-studio-client: cannot read /no/such/file.npy: no such file\n' });
  });

  it("1 with the server's detail when it refuses", async () => {
    expect(await cli('get', '3')).toMatchObject({ code: 1, stdout: '', stderr: 'npy-studio-client: Array not found (HTTP 404)\n' });
    const path = join(server.dataDir, 'bad.npy');
    await writeFile(path, 'not numpy');
    const bad = await cli('upload', path);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^npy-studio-client: Invalid numpy file: .* \(HTTP 400\)\n$/);
    const demo = await cli('publish', '--demo', '--channel', 'demo', '--duration', '0.1');
    expect(demo.code).toBe(1);
    expect(demo.stderr).toContain('the demo channel is fed by the server');
  });
});

describe('arrays', () => {
  it('upload-demo, upload FILE, list, get (summary and --out), delete', async () => {
    const demo = await cli('upload-demo');
    expect(demo).toMatchObject({ code: 0, stdout: 'uploaded demo.npy as array 0: shape (100, 50) float64, 39.2 KiB\n' });

    const path = join(server.dataDir, 'ramp.npy');
    const npy = typedArrayToNpy(
      Int32Array.from({ length: 12 }, (_, i) => i * 1000 - 3000),
      [3, 4],
    );
    await writeFile(path, npy);
    expect((await cli('upload', path)).stdout).toBe('uploaded ramp.npy as array 1: shape (3, 4) int32, 176 B\n');

    const list = await cli('list');
    expect(list.stdout.split('\n').map((line) => line.split(/\s{2,}/).slice(0, 5))).toEqual([
      ['INDEX', 'NAME', 'SHAPE', 'DTYPE', 'SIZE'],
      ['0', 'demo.npy', '(100, 50)', 'float64', '39.2 KiB'],
      ['1', 'ramp.npy', '(3, 4)', 'int32', '176 B'],
      [''],
    ]);

    expect((await cli('get', '1')).stdout).toBe(
      [
        'array 1: ramp.npy',
        'shape (3, 4)  dtype int32  12 elements  176 B',
        'min -3000  max 8000  mean 2500  std 3452.05  (of 12 finite)',
        '[[-3000, -2000, -1000, 0],',
        ' [1000, 2000, 3000, 4000],',
        ' [5000, 6000, 7000, 8000]]',
        '',
      ].join('\n'),
    );

    const out = join(server.dataDir, 'copy.npy');
    expect(await cli('get', '1', '--out', out)).toMatchObject({ code: 0, stdout: `saved array 1 to ${out} (176 B)\n` });
    expect((await readFile(out)).equals(npy)).toBe(true);

    expect((await cli('delete', '0')).stdout).toBe('deleted array 0\n');
    expect((await client.listArrays()).map((a) => a.index)).toEqual([1]);
  });
});

describe('streams', () => {
  it('stream --json prints seed-shaped packets from the demo, which it starts, and stops again on Ctrl-C', async () => {
    const run = await cliUntilFirstLine('stream', '--duration', String(HANG_MS / 1000), '--json');
    expect(run.code).toBe(0);
    const packets = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(packets.length).toBeGreaterThan(0);
    for (const p of packets) expect(p).toMatchObject({ type: 'data', channel: 'demo', shape: [100], dtype: 'float64' });
    expect((packets[0]!.x as number[]).length).toBe(100);
    expect(packets.map((p) => (p.seq as number) - (packets[0]!.seq as number))).toEqual([...packets.keys()]);
    expect(run.stderr).toContain('started the demo');
    expect((await client.health()).streaming).toBe(false);
  });

  it('publish --demo sends exactly rate × duration packets of k series; streams lists the channel', async () => {
    const received = await subscribe('gen');
    const run = await cli('publish', '--demo', '--channel', 'gen', '--series', '3', '--rate', '200', '--packet', '50', '--duration', '0.5');
    expect(run).toMatchObject({ code: 0, stdout: '' });
    expect(run.stderr).toMatch(/published 100 packets to gen in/);
    await until(() => received.length === 100);
    // The CLI has exited, but the server may not yet have handled its publisher's close.
    await until(() => server.hub.existing('gen')?.publishers === 0);
    expect(received.map((d) => d.seq)).toEqual([...Array(100).keys()]);
    for (const d of received) expect(d).toMatchObject({ shape: [3, 50], dtype: 'float64' });
    expect(received[99]!.x[49]).toBe(100 * 50 - 1);

    const streams = await cli('streams');
    expect(streams.stdout).toMatch(/^gen\s+no\s+0\s+1\s+[\d.]+\/s\s+100\s+float64\s+\(3, 50\)$/m);
  });

  it('publish FILE sends its samples once through in packets, in its own dtype', async () => {
    const values = Int16Array.from({ length: 500 }, (_, i) => i - 250);
    const path = join(server.dataDir, 'rec.npy');
    await writeFile(path, typedArrayToNpy(values, [2, 250]));
    const received = await subscribe('rec');
    const run = await cli('publish', path, '--channel', 'rec', '--rate', '100', '--packet', '100');
    expect(run.code).toBe(0);
    await until(() => received.length === 3);
    expect(received.map((d) => d.shape)).toEqual([
      [2, 100],
      [2, 100],
      [2, 50],
    ]);
    for (const d of received) expect(d.dtype).toBe('int16');
    const row = (r: number) => received.flatMap((d) => [...d.y.subarray(r * d.shape[1]!, (r + 1) * d.shape[1]!)].map(Number));
    expect([...row(0), ...row(1)]).toEqual([...values]);
  });
});

describe('record, recordings, replay', () => {
  it('records until its limit, saves the .npz, lists it, and replays it to the end', async () => {
    const out = join(server.dataDir, 'run.npz');
    const recording = cli('record', 'clirec', '--name', 'cli-run', '--max-bytes', '1', '--out', out);
    await until(() => server.recordings.list().length > 0);
    const publisher = client.publish('clirec');
    await publisher.ready();
    publisher.send({ y: new Float32Array([1, 2, 3]) });
    await publisher.flush();
    const recorded = await recording;
    expect(recorded.code, recorded.stderr).toBe(0);
    expect(recorded.stdout).toMatch(/recording rec-\w+ max_bytes: 1 packets/);
    expect(recorded.stdout).toContain('clirec/y');
    expect([...(await readFile(out)).subarray(0, 2)]).toEqual([0x50, 0x4b]);
    publisher.close();

    const id = server.recordings.list()[0]!.id;
    const listed = await cli('recordings');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('cli-run');

    const replayed = await cli('replay', id, '--speed', '1000');
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toMatch(/replay replay-\w+ finished/);
    expect((await cli('recordings', 'nope')).stderr).toContain('no recording "nope" (HTTP 404)');
  });
});
