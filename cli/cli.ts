#!/usr/bin/env node
/** `npy-studio-client`: the seed's client.py commands, plus publish, delete, streams, record, recordings and replay. Node-only; the library it drives is in client/. */
import { createWriteStream, openAsBlob } from 'node:fs';
import { readFile, rename, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { Command, CommanderError, Option } from 'commander';
import WebSocket from 'ws';
import { decodeNpy } from '../common/npy/codec.js';
import { dtypeFromName } from '../common/npy/dtype.js';
import { NpyError } from '../common/npy/errors.js';
import { type NumericArray, toTypedArray } from '../common/npy/typed.js';
import { DEMO_CHANNEL, MAX_PACKET_VALUES, type UploadResponse } from '../common/protocol.js';
import { formatBytes, formatShape } from '../common/format.js';
import { formatTime, preview, progressLine, summarize, table } from './format.js';
import {
  ApiError,
  InvalidServerAddress,
  NpyClient,
  type ProgressListener,
  type PublishPacket,
  type ServerAddress,
  type StreamData,
  parseServerAddress,
} from '../client/index.js';

const NAME = 'npy-studio-client';
const DEFAULT_SERVER = 'http://127.0.0.1:8000';

/** Bad arguments or input files: exit status 2. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly showHelp = true,
  ) {
    super(message);
  }
}

interface GlobalOptions {
  server?: string;
  token?: string;
}

let outputClosed = false;
const print = (line: string): void => void (outputClosed || process.stdout.write(`${line}\n`));
// Output piped into `head` and the like closes early: stop as Ctrl-C would, so a started demo is still stopped.
process.stdout.on('error', () => {
  if (!outputClosed) process.emit('SIGINT');
  outputClosed = true;
});
const note = (line: string): void => void process.stderr.write(`${line}\n`);

async function healthCommand(client: NpyClient): Promise<void> {
  const health = await client.health();
  print(
    `${health.status}: NPY Studio ${health.version} at ${client.baseUrl}, ` +
      `${health.arrays} array${health.arrays === 1 ? '' : 's'} stored, demo stream ${health.streaming ? 'running' : 'stopped'}`,
  );
}

async function uploadDemoCommand(client: NpyClient): Promise<void> {
  const values = Float64Array.from({ length: 100 * 50 }, gaussian);
  printUploaded(
    await withProgress('upload', (onProgress) => client.uploadArray({ values, shape: [100, 50], name: 'demo.npy' }, onProgress)),
  );
}

async function uploadCommand(client: NpyClient, path: string): Promise<void> {
  const size = await fileSize(path);
  if (size === 0) throw new UsageError(`${path} is empty`, false);
  const body = await openAsBlob(path);
  printUploaded(await withProgress('upload', (onProgress) => client.uploadFile({ body, name: basename(path) }, onProgress)));
}

async function listCommand(client: NpyClient): Promise<void> {
  const arrays = await client.listArrays();
  if (arrays.length === 0) return print('no arrays stored');
  print(
    table(
      ['INDEX', 'NAME', 'SHAPE', 'DTYPE', 'SIZE', 'CREATED', 'GROUP'],
      arrays.map((a) => [
        String(a.index),
        a.name,
        formatShape(a.shape),
        a.dtype,
        formatBytes(a.bytes),
        a.created.replace('T', ' ').slice(0, 19),
        a.group ?? '-',
      ]),
    ),
  );
}

async function getCommand(client: NpyClient, rawIndex: string, { out }: { out?: string }): Promise<void> {
  const index = parseIndex(rawIndex);
  if (out !== undefined) return saveDownload(() => client.openNpy(index), out, `array ${index}`);
  const info = (await client.listArrays()).find((a) => a.index === index);
  const array = await withProgress('download', (onProgress) => client.getArray(index, onProgress));
  const { shape, dtype, count } = array.header;
  print(`array ${index}${info ? `: ${info.name}` : ''}`);
  print(`shape ${formatShape(shape)}  dtype ${dtype.str}  ${count} elements  ${formatBytes(array.npy.length)}`);
  print(summarize(array.values, dtype));
  print(preview(array.values, shape, dtype));
}

async function deleteCommand(client: NpyClient, rawIndex: string): Promise<void> {
  const { index } = await client.deleteArray(parseIndex(rawIndex));
  print(`deleted array ${index}`);
}

async function streamsCommand(client: NpyClient): Promise<void> {
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
}

interface RecordOptions {
  name?: string;
  maxSeconds?: string;
  maxBytes?: string;
  lookback?: boolean;
  duration?: string;
  out?: string;
}

/** Records channels until --duration, a limit or Ctrl-C, then stops and lists the arrays (saving the .npz with --out). */
async function recordCommand(client: NpyClient, channels: string[], options: RecordOptions): Promise<void> {
  const seconds = options.duration === undefined ? undefined : parsePositive('--duration', options.duration);
  const recording = await client.startRecording({
    channels,
    name: options.name,
    max_seconds: options.maxSeconds === undefined ? undefined : parsePositive('--max-seconds', options.maxSeconds),
    max_bytes: options.maxBytes === undefined ? undefined : parsePositive('--max-bytes', options.maxBytes),
    lookback: options.lookback,
  });
  note(`recording ${channels.join(', ')} as ${recording.id}${seconds === undefined ? ' (Ctrl-C to stop)' : ` for ${seconds} s`}`);
  const interrupted = interruptFlag();
  const started = performance.now();
  let info = recording;
  while (!interrupted.set && info.state === 'recording' && (seconds === undefined || performance.now() - started < seconds * 1000)) {
    await sleep(Math.min(250, seconds === undefined ? 250 : seconds * 1000 - (performance.now() - started)));
    info = await client.getRecording(recording.id);
  }
  interrupted.release();
  if (info.state === 'recording') info = await client.stopRecording(recording.id);
  print(`recording ${info.id} ${info.stop_reason}: ${info.packets} packets, ${formatBytes(info.bytes)}, ${info.lost} lost`);
  print(
    table(
      ['INDEX', 'NAME', 'SHAPE', 'DTYPE'],
      info.arrays.map((a) => [String(a.index), a.name, formatShape(a.shape), a.dtype]),
    ),
  );
  if (options.out !== undefined) await saveDownload(() => client.openRecordingNpz(info.id), options.out, `recording ${info.id}`);
}

async function recordingsCommand(client: NpyClient, id: string | undefined, { out }: { out?: string }): Promise<void> {
  if (id !== undefined) {
    if (out !== undefined) return saveDownload(() => client.openRecordingNpz(id), out, `recording ${id}`);
    return print(JSON.stringify(await client.getRecording(id), null, 2));
  }
  if (out !== undefined) throw new UsageError('--out needs a recording id');
  const recordings = await client.listRecordings();
  if (recordings.length === 0) return print('no recordings');
  print(
    table(
      ['ID', 'NAME', 'STATE', 'CHANNELS', 'DURATION', 'SIZE', 'PACKETS', 'LOST', 'DURABLE SEQ'],
      recordings.map((r) => [
        r.id,
        r.name,
        r.stop_reason && r.stop_reason !== 'stopped' ? `${r.state} (${r.stop_reason})` : r.state,
        r.channels.join(','),
        `${r.duration.toFixed(1)} s`,
        formatBytes(r.bytes),
        String(r.packets),
        String(r.lost),
        Object.entries(r.durable_seq)
          .map(([channel, seq]) => `${channel}:${seq}`)
          .join(' ') || '-',
      ]),
    ),
  );
}

interface ReplayOptions {
  prefix: string;
  speed: string;
  loop?: boolean;
}

/** Replays a recording until it ends or Ctrl-C, which stops it. */
async function replayCommand(client: NpyClient, recording: string, options: ReplayOptions): Promise<void> {
  const replay = await client.startReplay({
    recording,
    channel_prefix: options.prefix,
    speed: parsePositive('--speed', options.speed),
    loop: options.loop ?? false,
  });
  note(`replaying ${recording} as ${replay.id} into ${Object.values(replay.channels).join(', ')} at ${replay.speed}× (Ctrl-C to stop)`);
  const interrupted = interruptFlag();
  let state = replay.state;
  while (!interrupted.set && state === 'playing') {
    await sleep(250);
    state = (await client.getReplay(replay.id)).state;
  }
  interrupted.release();
  if (state === 'playing') state = (await client.stopReplay(replay.id)).state;
  print(`replay ${replay.id} ${state}`);
}

interface StreamCommandOptions {
  duration: string;
  channel: string;
  json?: boolean;
  lookback?: string;
}

async function streamCommand(client: NpyClient, values: StreamCommandOptions): Promise<void> {
  const channel = values.channel;
  const seconds = parsePositive('--duration', values.duration);
  const lookback = values.lookback === undefined ? undefined : parsePositive('--lookback', values.lookback);
  const startedDemo = channel === DEMO_CHANNEL && !(await client.health()).streaming;
  let packets = 0;
  let dropped = 0;
  let stopping = false;
  const subscription = client.stream({
    channel,
    lookback,
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

interface PublishCommandOptions {
  demo?: boolean;
  channel: string;
  rate: string;
  packet: string;
  series?: string;
  duration?: string;
}

async function publishCommand(client: NpyClient, path: string | undefined, values: PublishCommandOptions): Promise<void> {
  if ((path === undefined) === !values.demo) throw new UsageError('publish needs a FILE or --demo (not both)');
  if (values.series !== undefined && !values.demo) throw new UsageError('--series applies to --demo only');
  const channel = values.channel;
  const rate = parsePositive('--rate', values.rate);
  const samples = parseCount('--packet', values.packet, MAX_PACKET_VALUES);
  const seconds = values.duration === undefined ? undefined : parsePositive('--duration', values.duration);
  const source = values.demo
    ? demoSource(parseCount('--series', values.series ?? '1', MAX_PACKET_VALUES), samples)
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
  if (k * n === 0) throw new UsageError(`${path} holds no samples`, false);
  const values = toTypedArray(array);
  const slice = (row: number, start: number): NumericArray => values.subarray(row * n + start, row * n + Math.min(n, start + samples));
  return {
    description: `${path} (${formatShape(shape)} ${dtype.name}, ${samples} samples per packet)`,
    count: Math.ceil(n / samples),
    packet: (i) => ({ y: shape.length === 1 ? slice(0, i * samples) : Array.from({ length: k }, (_, r) => slice(r, i * samples)) }),
  };
}

/** Saves a download to `out`, written beside it and renamed at the end, so a failed download leaves no half file behind. */
async function saveDownload(
  open: (onProgress?: ProgressListener) => Promise<ReadableStream<Uint8Array>>,
  out: string,
  what: string,
): Promise<void> {
  const partial = `${out}.part`;
  try {
    await withProgress('download', async (onProgress) => {
      const stream = await open(onProgress);
      await pipeline(Readable.fromWeb(stream as NodeReadableStream<Uint8Array>), createWriteStream(partial));
    });
    await rename(partial, out);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  print(`saved ${what} to ${out} (${formatBytes((await stat(out)).size)})`);
}

function printUploaded(info: UploadResponse): void {
  if (info.group !== undefined && info.arrays) {
    print(`uploaded ${info.arrays.length} arrays as group ${info.group}:`);
    print(
      table(
        ['INDEX', 'NAME', 'SHAPE', 'DTYPE'],
        info.arrays.map((a) => [String(a.index), a.name, formatShape(a.shape), a.dtype]),
      ),
    );
    return;
  }
  print(`uploaded ${info.name} as array ${info.index}: shape ${formatShape(info.shape)} ${info.dtype}, ${formatBytes(info.bytes)}`);
}

function packetLine(data: StreamData): string {
  const summary = summarize(data.y, dtypeFromName(data.dtype));
  return `#${data.seq}  ${formatTime(data.timestamp)}  ${formatShape(data.shape)} ${data.dtype}  ${summary}`;
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

function serverAddress(text: string, token: string | undefined): ServerAddress {
  try {
    return parseServerAddress(text, token);
  } catch (error) {
    if (error instanceof InvalidServerAddress) throw new UsageError(`--server ${error.message}`);
    throw error;
  }
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

/** The command line: global options, then one command with its own. Actions get a client built from the global options. */
function program(run: (action: (client: NpyClient) => Promise<void>) => Promise<void>): Command {
  const root = new Command(NAME)
    .description('Talk to an NPY Studio server: arrays, live streams, recordings.')
    .option('--server <url>', `the server (default $NPY_STUDIO_SERVER or ${DEFAULT_SERVER})`)
    .option('--token <t>', 'access token (default $NPY_STUDIO_TOKEN)')
    .addHelpText('after', '\nExit status: 0 on success, 1 if the server refused or could not be reached, 2 for a usage error.')
    .showHelpAfterError(`Run '${NAME} --help' for usage.`)
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      outputError: (text, write) => write(`${NAME}: ${text.replace(/^error: /, '')}`),
    })
    .exitOverride();
  // Subcommands inherit the output, exit and help-after-error settings.
  const command = (name: string, description: string) => root.command(name).description(description);

  command('health', 'check that the server is up').action(() => run(healthCommand));
  command('upload-demo', 'upload a random 100×50 float64 array').action(() => run(uploadDemoCommand));
  command('upload', 'upload a .npy or .npz file')
    .argument('<file>')
    .action((file: string) => run((client) => uploadCommand(client, file)));
  command('list', 'list the stored arrays').action(() => run(listCommand));
  command('get', 'save array N as FILE (.npy, exact); without --out print its shape, dtype, summary and a preview')
    .argument('<index>')
    .option('-o, --out <file>', 'save the exact .npy here')
    .action((index: string, options: { out?: string }) => run((client) => getCommand(client, index, options)));
  command('delete', 'delete array N')
    .argument('<index>')
    .action((index: string) => run((client) => deleteCommand(client, index)));
  command('streams', 'list the stream channels').action(() => run(streamsCommand));
  command('stream', 'print the packets of a channel; the demo channel is started if stopped (and stopped again at the end)')
    .option('--duration <s>', 'seconds to stream', '5')
    .option('--channel <c>', 'the channel', DEMO_CHANNEL)
    .option('--json', 'print each packet as one JSON line')
    .option('--lookback <s>', 'first print the last S seconds of the channel, flagged as history')
    .action((options: StreamCommandOptions) => run((client) => streamCommand(client, options)));
  command(
    'publish',
    'publish FILE (a .npy of shape (n,) or (k, n), once through) or --demo (a generated signal until --duration or Ctrl-C)',
  )
    .argument('[file]')
    .option('--demo', 'publish a generated sine + noise signal')
    .option('--channel <c>', 'the channel', 'sensor')
    .option('--rate <hz>', 'packets per second', '10')
    .option('--packet <n>', 'samples per packet', '100')
    .option('--series <k>', 'series of the --demo signal (default 1)')
    .option('--duration <s>', 'stop after S seconds')
    .action((file: string | undefined, options: PublishCommandOptions) => run((client) => publishCommand(client, file, options)));
  command('record', 'record channels into stored arrays until --duration, a limit, or Ctrl-C; then list them')
    .argument('<channels...>')
    .option('--name <name>', 'name of the recording')
    .option('--max-seconds <s>', 'stop by itself after S seconds')
    .option('--max-bytes <b>', 'stop by itself after B bytes')
    .option('--lookback', "include the channels' recent history")
    .option('--duration <s>', 'stop after S seconds')
    .option('-o, --out <file>', 'save the recording as this .npz once stopped')
    .action((channels: string[], options: RecordOptions) => run((client) => recordCommand(client, channels, options)));
  command('recordings', 'list recordings; with an ID show it, and with --out save it as .npz')
    .argument('[id]')
    .option('-o, --out <file>', 'save recording ID as this .npz')
    .action((id: string | undefined, options: { out?: string }) => run((client) => recordingsCommand(client, id, options)));
  command('replay', 'play a recording into replay.<channel> channels until it ends or Ctrl-C')
    .argument('<recording>')
    .addOption(new Option('--prefix <p>', 'channel name prefix').default('replay.'))
    .option('--speed <x>', 'playback speed', '1')
    .option('--loop', 'start again at the end')
    .action((recording: string, options: ReplayOptions) => run((client) => replayCommand(client, recording, options)));
  return root;
}

function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const detail = typeof err.detail === 'string' ? err.detail : err.detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; ');
    return `${detail} (${err.status >= 1000 ? 'WebSocket close' : 'HTTP'} ${err.status})`;
  }
  return (err as Error)?.message ?? String(err);
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    program(async () => {}).outputHelp({ error: true });
    return 2;
  }
  let task: Promise<void> | undefined;
  const cli = program(async (action) => {
    const globals = cli.opts<GlobalOptions>();
    const server = serverAddress(
      globals.server ?? process.env.NPY_STUDIO_SERVER ?? DEFAULT_SERVER,
      globals.token ?? process.env.NPY_STUDIO_TOKEN,
    );
    const client = new NpyClient({ baseUrl: server.url, token: server.token, webSocket: (url) => new WebSocket(url) });
    task = action(client);
    await task;
  });
  try {
    await cli.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      note(`${NAME}: ${err.message}${err.showHelp ? `\nRun '${NAME} --help' for usage.` : ''}`);
      return 2;
    }
    note(`${NAME}: ${describeError(err)}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
