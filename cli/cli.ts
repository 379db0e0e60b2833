#!/usr/bin/env node
/** `npy-studio-client`: the seed's client.py commands, plus publish, delete and streams. Node-only; the library it drives is in client/. */
import { createWriteStream, openAsBlob } from 'node:fs';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { decodeNpy } from '../common/npy/codec.js';
import { dtypeFromName } from '../common/npy/dtype.js';
import { NpyError } from '../common/npy/errors.js';
import { type NumericArray, toTypedArray } from '../common/npy/typed.js';
import { DEMO_CHANNEL, MAX_PACKET_VALUES, MAX_SERIES, type UploadResponse } from '../common/protocol.js';
import { formatBytes, formatShape } from '../common/format.js';
import { formatNumber, preview, progressLine, summarize, table } from './format.js';
import { ApiError, NpyClient, type ProgressListener, type PublishPacket, type StreamData } from '../client/index.js';

const NAME = 'npy-studio-client';
const DEFAULT_SERVER = 'http://127.0.0.1:8000';

const USAGE = `Usage: ${NAME} [--server URL] [--token T] COMMAND [ARGS]

Commands:
  health                 check that the server is up
  upload-demo            upload a random 100×50 float64 array
  upload FILE            upload a .npy file
  list                   list the stored arrays
  get N [--out FILE]     save array N as FILE (.npy, exact); without --out print its shape, dtype, summary and a preview
  delete N               delete array N
  streams                list the stream channels
  stream [--duration S] [--channel C] [--json]
                         print the packets of a channel for S seconds (default 5); the demo channel is started if
                         it is stopped (and stopped again at the end); --json prints each packet as one JSON line
  publish FILE|--demo [--channel C] [--rate HZ] [--packet N] [--series K] [--duration S]
                         publish to channel C (default "sensor") HZ packets per second (default 10) of N samples
                         (default 100): the samples of FILE, a .npy of shape (n,) or (k series, n), once through;
                         or with --demo a generated signal of K series (default 1) until S seconds or Ctrl-C

Options:
  --server URL           the server (default $NPY_STUDIO_SERVER or ${DEFAULT_SERVER})
  --token T              access token (default $NPY_STUDIO_TOKEN)
  -h, --help             show this help

Exit status: 0 on success, 1 if the server refused or could not be reached, 2 for a usage error.`;

const OPTIONS = {
  server: { type: 'string' },
  token: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  out: { type: 'string', short: 'o' },
  duration: { type: 'string' },
  channel: { type: 'string' },
  json: { type: 'boolean' },
  demo: { type: 'boolean' },
  rate: { type: 'string' },
  packet: { type: 'string' },
  series: { type: 'string' },
} as const;
type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };
type CommandOption = Exclude<keyof typeof OPTIONS, 'server' | 'token' | 'help'>;

/** Bad arguments or input files: exit status 2. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly showHelp = true,
  ) {
    super(message);
  }
}

interface Context {
  client: NpyClient;
  args: string[];
  values: Values;
}

interface Command {
  /** Positional arguments: exactly this many, or [min, max]. */
  args: number | [number, number];
  options: CommandOption[];
  run(context: Context): Promise<void>;
}

let outputClosed = false;
const print = (line: string): void => void (outputClosed || process.stdout.write(`${line}\n`));
// Output piped into `head` and the like closes early: stop as Ctrl-C would, so a started demo is still stopped.
process.stdout.on('error', () => {
  if (!outputClosed) process.emit('SIGINT');
  outputClosed = true;
});
const note = (line: string): void => void process.stderr.write(`${line}\n`);

const COMMANDS: Record<string, Command> = {
  health: {
    args: 0,
    options: [],
    async run({ client }) {
      const health = await client.health();
      print(
        `${health.status}: NPY Studio ${health.version} at ${client.baseUrl}, ` +
          `${health.arrays} array${health.arrays === 1 ? '' : 's'} stored, demo stream ${health.streaming ? 'running' : 'stopped'}`,
      );
    },
  },

  'upload-demo': {
    args: 0,
    options: [],
    async run({ client }) {
      const values = Float64Array.from({ length: 100 * 50 }, gaussian);
      printUploaded(
        await withProgress('upload', (onProgress) => client.uploadArray({ values, shape: [100, 50], name: 'demo.npy' }, onProgress)),
      );
    },
  },

  upload: {
    args: 1,
    options: [],
    async run({ client, args: [path] }) {
      const size = await fileSize(path!);
      if (size === 0) throw new UsageError(`${path} is empty`, false);
      const body = await openAsBlob(path!);
      printUploaded(await withProgress('upload', (onProgress) => client.uploadFile({ body, name: basename(path!) }, onProgress)));
    },
  },

  list: {
    args: 0,
    options: [],
    async run({ client }) {
      const arrays = await client.listArrays();
      if (arrays.length === 0) return print('no arrays stored');
      print(
        table(
          ['INDEX', 'NAME', 'SHAPE', 'DTYPE', 'SIZE', 'CREATED'],
          arrays.map((a) => [
            String(a.index),
            a.name,
            formatShape(a.shape),
            a.dtype,
            formatBytes(a.bytes),
            a.created.replace('T', ' ').slice(0, 19),
          ]),
        ),
      );
    },
  },

  get: {
    args: 1,
    options: ['out'],
    async run({ client, args: [rawIndex], values }) {
      const index = parseIndex(rawIndex!);
      if (values.out !== undefined) return saveArray(client, index, values.out);
      const info = (await client.listArrays()).find((a) => a.index === index);
      const array = await withProgress('download', (onProgress) => client.getArray(index, onProgress));
      const { shape, dtype, count } = array.header;
      print(`array ${index}${info ? `: ${info.name}` : ''}`);
      print(`shape ${formatShape(shape)}  dtype ${dtype.str}  ${count} elements  ${formatBytes(array.npy.length)}`);
      const summary = summarize(array.values, dtype);
      if (summary) print(summary);
      print(preview(array.values, shape, dtype));
    },
  },

  delete: {
    args: 1,
    options: [],
    async run({ client, args: [rawIndex] }) {
      const { index } = await client.deleteArray(parseIndex(rawIndex!));
      print(`deleted array ${index}`);
    },
  },

  streams: {
    args: 0,
    options: [],
    async run({ client }) {
      const channels = await client.listStreams();
      print(
        table(
          ['CHANNEL', 'STREAMING', 'PUBLISHERS', 'SUBSCRIBERS', 'RATE', 'PACKETS', 'DTYPE', 'SHAPE'],
          channels.map((c) => [
            c.name,
            c.streaming ? 'yes' : 'no',
            String(c.publishers),
            String(c.subscribers),
            `${c.rate}/s`,
            String(c.packets),
            c.dtype ?? '-',
            c.shape ? formatShape(c.shape) : '-',
          ]),
        ),
      );
    },
  },

  stream: {
    args: 0,
    options: ['duration', 'channel', 'json'],
    run: streamCommand,
  },

  publish: {
    args: [0, 1],
    options: ['demo', 'channel', 'rate', 'packet', 'series', 'duration'],
    run: publishCommand,
  },
};

async function streamCommand({ client, values }: Context): Promise<void> {
  const channel = values.channel ?? DEMO_CHANNEL;
  const seconds = parsePositive('--duration', values.duration ?? '5');
  const startedDemo = channel === DEMO_CHANNEL && !(await client.health()).streaming;
  let packets = 0;
  let dropped = 0;
  let stopping = false;
  const subscription = client.stream({
    channel,
    // On the demo channel start starts it; elsewhere it only asks whether a producer is there.
    autoStart: startedDemo || channel !== DEMO_CHANNEL,
    onData: (data) => {
      packets++;
      print(values.json ? packetJson(data) : packetLine(data));
    },
    onStatus: (status) => {
      if (!status.streaming && channel !== DEMO_CHANNEL)
        note(`channel ${channel} has no publisher ${packets ? 'any more' : 'yet'}; waiting for data`);
    },
    onDropped: (message) => (dropped += message.count),
    onError: (detail) => note(`server: ${detail}`),
    onConnection: (state) => {
      if (state === 'closed' && !stopping) note('connection lost; reconnecting…');
    },
  });
  note(`streaming channel ${channel} for ${seconds} s${startedDemo ? ' (started the demo; it is stopped at the end)' : ''}`);
  const started = performance.now();
  await interruptible(seconds);
  stopping = true;
  subscription.close();
  if (startedDemo) await client.stopDemo();
  const elapsed = ((performance.now() - started) / 1000).toFixed(1);
  note(
    `received ${packets} packet${packets === 1 ? '' : 's'} from ${channel} in ${elapsed} s${dropped ? `; ${dropped} dropped (this client read too slowly)` : ''}`,
  );
}

/** Where published packets come from: a file read through once, or a generated signal. */
interface PacketSource {
  readonly description: string;
  readonly count: number;
  packet(i: number): PublishPacket;
}

async function publishCommand({ client, args: [path], values }: Context): Promise<void> {
  if ((path === undefined) === !values.demo) throw new UsageError('publish needs a FILE or --demo (not both)');
  if (values.series !== undefined && !values.demo) throw new UsageError('--series applies to --demo only');
  const channel = values.channel ?? 'sensor';
  const rate = parsePositive('--rate', values.rate ?? '10');
  const samples = parseCount('--packet', values.packet ?? '100', MAX_PACKET_VALUES);
  const seconds = values.duration === undefined ? undefined : parsePositive('--duration', values.duration);
  const source = values.demo
    ? demoSource(parseCount('--series', values.series ?? '1', MAX_SERIES), samples)
    : await fileSource(path!, samples);
  const limit = Math.min(source.count, seconds === undefined ? Infinity : Math.max(1, Math.round(seconds * rate)));

  let refusal: string | undefined;
  const publisher = client.publish(channel, { reconnect: false, onError: (detail) => (refusal ??= detail) });
  try {
    await publisher.ready();
    note(`publishing ${source.description} to channel ${channel} at ${rate} packets/s${limit === Infinity ? ' (Ctrl-C to stop)' : ''}`);
    const interrupted = interruptFlag();
    const started = performance.now();
    let sent = 0;
    while (sent < limit && !interrupted.set && refusal === undefined) {
      if (!publisher.connected) throw new Error(`lost the connection to ${client.baseUrl} after ${sent} packets`);
      const due = Math.min(limit, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
      // Past a few MiB queued the network is the bottleneck: wait rather than buffer without bound.
      while (sent < due && publisher.bufferedAmount < 4 * 2 ** 20) publisher.send(source.packet(sent++));
      await sleep(Math.max(1, (sent * 1000) / rate - (performance.now() - started)));
    }
    interrupted.release();
    await publisher.flush();
    if (refusal !== undefined) throw new Error(`the server refused a packet: ${refusal}`);
    note(`published ${sent} packet${sent === 1 ? '' : 's'} to ${channel} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    publisher.close();
  }
}

function demoSource(series: number, samples: number): PacketSource {
  const period = 1000; // samples per sine cycle
  const row = (i: number, j: number) =>
    Float64Array.from(
      { length: samples },
      (_, s) => Math.sin((2 * Math.PI * (i * samples + s)) / period + (2 * Math.PI * j) / series) + 0.1 * gaussian(),
    );
  return {
    description: `a generated sine + noise signal (${series} series × ${samples} samples per packet)`,
    count: Infinity,
    packet: (i) => ({ y: series === 1 ? row(i, 0) : Array.from({ length: series }, (_, j) => row(i, j)) }),
  };
}

async function fileSource(path: string, samples: number): Promise<PacketSource> {
  await fileSize(path);
  let array;
  try {
    array = decodeNpy(new Uint8Array(await readFile(path)));
  } catch (err) {
    if (err instanceof NpyError) throw new UsageError(`${path} is not a .npy file numpy could load: ${err.message}`, false);
    throw err;
  }
  const { shape, dtype } = array.header;
  if (shape.length !== 1 && shape.length !== 2)
    throw new UsageError(`${path} has shape ${formatShape(shape)}; publish needs (n,) or (k series, n)`, false);
  if (dtype.kind === 'c') throw new UsageError(`${path} holds ${dtype.name}; publish the real and imaginary parts as two series`, false);
  const [k, n] = shape.length === 2 ? (shape as [number, number]) : [1, shape[0]!];
  if (k > MAX_SERIES) {
    throw new UsageError(
      `${path} has shape ${formatShape(shape)}: ${k} series is over the limit of ${MAX_SERIES}; if rows are samples, save arr.T`,
      false,
    );
  }
  if (k * n === 0) throw new UsageError(`${path} holds no samples`, false);
  const values = toTypedArray(array);
  const slice = (row: number, start: number): NumericArray => values.subarray(row * n + start, row * n + Math.min(n, start + samples));
  return {
    description: `${path} (${formatShape(shape)} ${dtype.name}, ${samples} samples per packet)`,
    count: Math.ceil(n / samples),
    packet: (i) => ({ y: shape.length === 1 ? slice(0, i * samples) : Array.from({ length: k }, (_, r) => slice(r, i * samples)) }),
  };
}

async function saveArray(client: NpyClient, index: number, out: string): Promise<void> {
  // Written beside the target and renamed at the end, so a failed download leaves no half file behind.
  const partial = `${out}.part`;
  try {
    await withProgress('download', async (onProgress) => {
      const stream = await client.openNpy(index, onProgress);
      await pipeline(Readable.fromWeb(stream as NodeReadableStream<Uint8Array>), createWriteStream(partial));
    });
    await rename(partial, out);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  print(`saved array ${index} to ${out} (${formatBytes((await stat(out)).size)})`);
}

function printUploaded(info: UploadResponse): void {
  print(`uploaded ${info.name} as array ${info.index}: shape ${formatShape(info.shape)} ${info.dtype}, ${formatBytes(info.bytes)}`);
}

function packetLine(data: StreamData): string {
  const summary = summarize(data.y, dtypeFromName(data.dtype));
  return `#${data.seq}  t=${formatNumber(data.timestamp)}  ${formatShape(data.shape)} ${data.dtype}  ${summary}`;
}

/** One packet as a JSON line in the seed's data-message shape; values written exactly, NaN and ±Inf as strings. */
function packetJson(data: StreamData): string {
  const number = (v: number | bigint) => (typeof v === 'bigint' || Number.isFinite(v) ? String(v) : `"${v}"`);
  const list = (values: ArrayLike<number | bigint>) => `[${Array.from(values, number).join(',')}]`;
  const y = data.y as ArrayLike<number | bigint> & { subarray(a: number, b: number): ArrayLike<number | bigint> };
  const n = data.shape.at(-1)!;
  const yJson =
    data.shape.length === 1
      ? list(y)
      : `[${Array.from({ length: data.shape[0]! }, (_, r) => list(y.subarray(r * n, (r + 1) * n))).join(',')}]`;
  const head = { type: 'data', channel: data.channel, seq: data.seq, timestamp: data.timestamp, shape: data.shape, dtype: data.dtype };
  return `${JSON.stringify(head).slice(0, -1)},"x":${list(data.x)},"y":${yJson}}`;
}

/** Runs `task` with a progress bar on stderr when it is a terminal. */
async function withProgress<T>(label: string, task: (onProgress?: ProgressListener) => Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return task();
  let drawn = 0;
  const result = await task((progress) => {
    const now = performance.now();
    if (now - drawn < 100 && progress.loaded !== progress.total) return;
    drawn = now;
    process.stderr.write(`\r${progressLine(label, progress)}\x1b[K`);
  }).finally(() => drawn && process.stderr.write('\n'));
  return result;
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`${path} is not a file`, false);
    return info.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`, false);
  }
}

function parseIndex(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new UsageError(`array index must be a whole number ≥ 0, not ${JSON.stringify(text)}`);
  return Number(text);
}

function parsePositive(flag: string, text: string): number {
  const value = Number(text);
  if (!(value > 0 && Number.isFinite(value))) throw new UsageError(`${flag} must be a positive number, not ${JSON.stringify(text)}`);
  return value;
}

function parseCount(flag: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > max)
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, not ${JSON.stringify(text)}`);
  return value;
}

function serverUrl(text: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`--server must be a URL such as ${DEFAULT_SERVER}, not ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--server must be an http:// or https:// URL, not ${JSON.stringify(text)}`);
  return url.href;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A flag Ctrl-C sets, so loops can end cleanly; `release` restores Ctrl-C's default. */
function interruptFlag(): { set: boolean; release(): void } {
  const flag = {
    set: false,
    release: () => process.off('SIGINT', onInterrupt),
  };
  const onInterrupt = () => (flag.set = true);
  process.on('SIGINT', onInterrupt);
  return flag;
}

/** Waits `seconds`, or until Ctrl-C. */
function interruptible(seconds: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      process.off('SIGINT', done);
      resolve();
    };
    const timer = setTimeout(done, seconds * 1000);
    process.on('SIGINT', done);
  });
}

/** A standard normal sample (Box–Muller). */
function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

function parseCommandLine(argv: string[]): { command?: Command; name?: string; args: string[]; values: Values } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const values = parsed.values as Values;
  const [name, ...args] = parsed.positionals;
  if (values.help || name === undefined) return { name, args, values };
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  const [min, max] = typeof command.args === 'number' ? [command.args, command.args] : command.args;
  if (args.length < min) throw new UsageError(`${name} needs ${min === 1 ? 'an argument' : `${min} arguments`}`);
  if (args.length > max) throw new UsageError(`too many arguments for ${name}: ${args.slice(max).join(' ')}`);
  for (const option of Object.keys(values) as (keyof Values)[]) {
    if (option !== 'server' && option !== 'token' && option !== 'help' && !command.options.includes(option)) {
      throw new UsageError(`--${option} does not apply to ${name}`);
    }
  }
  return { command, name, args, values };
}

function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const detail = typeof err.detail === 'string' ? err.detail : err.detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; ');
    return `${detail} (${err.status >= 1000 ? 'WebSocket close' : 'HTTP'} ${err.status})`;
  }
  return (err as Error)?.message ?? String(err);
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    note(`${NAME}: ${err.message}\nRun '${NAME} --help' for usage.`);
    return 2;
  }
  if (!parsed.command) {
    if (parsed.values.help) {
      print(USAGE);
      return 0;
    }
    note(USAGE);
    return 2;
  }
  try {
    const client = new NpyClient({
      baseUrl: serverUrl(parsed.values.server ?? process.env.NPY_STUDIO_SERVER ?? DEFAULT_SERVER),
      token: parsed.values.token ?? process.env.NPY_STUDIO_TOKEN,
      webSocket: (url) => new WebSocket(url),
    });
    await parsed.command.run({ client, args: parsed.args, values: parsed.values });
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      note(`${NAME}: ${err.message}${err.showHelp ? `\nRun '${NAME} --help' for usage.` : ''}`);
      return 2;
    }
    note(`${NAME}: ${describeError(err)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
