/**
 * Recording and replay figures: a recording keeps up with 1 M samples/s on one channel in 1,000-sample packets
 * (target: nothing lost), and replay publishes packets recorded at 1 kHz on time (target: p99 timing error ≤ 2 ms).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { decodeDataFrame, encodeFrame } from '../../common/frames.js';
import type { RecordingInfo, ReplayInfo } from '../../common/protocol.js';
import { toTypedArray, typedArrayToNpy } from '../../common/npy/typed.js';
import { waitWithTimer } from '../../server/record/replay.js';
import { monotonicNow, wallClockOrigin } from '../../server/schedule.js';
import { processCpuSeconds } from '../../test/helpers/serverProcess.js';
import { freePort, ROOT } from './processes.js';
import { percentile, report, round } from './stats.js';

/** The server under test. */
export interface BenchTarget {
  readonly url: string;
  /** The server's process id, for its CPU time (optional). */
  readonly pid?: number;
}

const PACKET = 1000;
const TARGET_SAMPLES_PER_S = 1_000_000;

async function post<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** A producer socket, accepted, with a flush that waits for the server to have handled every earlier message. */
async function producer(server: BenchTarget, channel: string): Promise<{ ws: WebSocket; flush: () => Promise<void> }> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/publish?channel=${channel}`);
  const pongs: (() => void)[] = [];
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'status') resolve();
      if (message.type === 'pong') pongs.shift()?.();
    });
  });
  return {
    ws,
    flush: () =>
      new Promise<void>((resolve) => {
        pongs.push(resolve);
        ws.send('{"action":"ping"}');
      }),
  };
}

/** The server's CPU seconds so far; NaN without a pid. */
const cpuSeconds = (pid: number | undefined): number => (pid === undefined ? NaN : processCpuSeconds(pid));

/** Sends 1,000-sample packets at `samplesPerSecond` for `seconds`, then waits until the server has handled them all. */
async function offer(server: BenchTarget, channel: string, seconds: number, samplesPerSecond: number) {
  const recording = await post<RecordingInfo>(`${server.url}/recordings`, { channels: [channel], name: channel });
  const { ws, flush } = await producer(server, channel);
  const packet = typedArrayToNpy(Float64Array.from({ length: PACKET }, (_, i) => Math.sin(i / 10)));
  const cpuBefore = cpuSeconds(server.pid);
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < seconds * 1000) {
    if (Number.isFinite(samplesPerSecond)) {
      const due = Math.floor((((performance.now() - started) / 1000) * samplesPerSecond) / PACKET);
      for (; sent < due; sent++) ws.send(packet);
      await new Promise((resolve) => setTimeout(resolve, 2));
    } else {
      // As fast as the server takes them: 100 packets, then wait for it to have handled them.
      for (let i = 0; i < 100; i++, sent++) ws.send(packet);
      await flush();
    }
  }
  await flush();
  const elapsed = (performance.now() - started) / 1000;
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const stopStarted = performance.now();
  const stopped = await post<RecordingInfo>(`${server.url}/recordings/${recording.id}/stop`);
  const stopSeconds = (performance.now() - stopStarted) / 1000;
  ws.close();
  const recordedSamplesPerS = (stopped.packets * PACKET) / elapsed;
  return {
    offered_samples_per_s: Math.round((sent * PACKET) / elapsed),
    recorded_samples_per_s: Math.round(recordedSamplesPerS),
    packets_sent: sent,
    packets_recorded: stopped.packets,
    lost: stopped.lost,
    log_MB: round(stopped.bytes / 2 ** 20),
    // Load-independent cost: the server's CPU time per million samples recorded (receive, publish, append to the log).
    server_cpu_percent: round((100 * cpu) / elapsed),
    server_cpu_ms_per_M_samples: round((1000 * cpu) / ((stopped.packets * PACKET) / 1e6)),
    stop_and_export_s: round(stopSeconds, 2),
    met: stopped.lost === 0 && stopped.packets === sent && recordedSamplesPerS >= 0.95 * Math.min(samplesPerSecond, TARGET_SAMPLES_PER_S),
  };
}

export async function benchRecording(server: BenchTarget, seconds = 5, flatOut = true): Promise<void> {
  await offer(server, 'bench.warmup', 1, Infinity); // so that compiling the code on first use is not counted
  const paced = await offer(server, 'bench.rec', seconds, TARGET_SAMPLES_PER_S);
  report({
    figure: 'recording_1M_samples_per_s',
    ...paced,
    target_samples_per_s: TARGET_SAMPLES_PER_S,
    ratio_to_target: round(paced.recorded_samples_per_s / TARGET_SAMPLES_PER_S, 3),
    load_average_1min: round(loadavg()[0]!, 1),
  });
  if (!flatOut) return;
  const { met: _met, ...fastest } = await offer(server, 'bench.flat', seconds, Infinity);
  // Headroom: the most the server records when the producer sends as fast as it is taken (client and server share the machine).
  report({
    figure: 'recording_max_samples_per_s',
    ...fastest,
    ratio_to_target: round(fastest.recorded_samples_per_s / TARGET_SAMPLES_PER_S, 2),
    load_average_1min: round(loadavg()[0]!, 1),
  });
}

/** Wall-clock seconds with sub-millisecond resolution, anchored as the server anchors its replay times. */
function preciseClock(): () => number {
  const origin = wallClockOrigin();
  return () => (origin + performance.now()) / 1000;
}

/**
 * Replay timing: a recording of `packets` one-sample packets at 1 kHz (10 s by default) is replayed at speed 1 to a binary subscriber.
 * Packet i is due at the replay's start (the first packet's published time) plus its recorded offset from the first
 * packet; its error is when it arrived at the subscriber minus that (so it includes the server's publish and the hop
 * to the client). The published times are checked to be exactly these due times.
 */
export async function benchReplayTiming(server: BenchTarget, packets = 10_000): Promise<void> {
  const recorded = (i: number) => 1000 + i / 1000;
  const recording = await post<RecordingInfo>(`${server.url}/recordings`, { channels: ['bench.khz'], name: 'bench-1kHz' });
  const { ws, flush } = await producer(server, 'bench.khz');
  const y = typedArrayToNpy(new Float32Array([1]));
  for (let i = 0; i < packets; i++) ws.send(encodeFrame({}, [y, typedArrayToNpy(new Float64Array([recorded(i)]))]));
  await flush();
  ws.close();
  await post(`${server.url}/recordings/${recording.id}/stop`);

  const subscriber = new WebSocket(`${server.url.replace('http', 'ws')}/ws/stream?channel=replay.bench.khz&binary=1`);
  await new Promise((resolve) => subscriber.once('open', resolve));
  const preciseNow = preciseClock();
  const arrivals: number[] = [];
  const published: number[] = [];
  const done = new Promise<void>((resolve) => {
    subscriber.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      arrivals.push(preciseNow());
      const frame = decodeDataFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      published.push(Number(toTypedArray(frame.t!)[0]));
      if (arrivals.length === packets) resolve();
    });
  });
  const requested = preciseNow();
  const replay = await post<ReplayInfo>(`${server.url}/replay`, { recording: recording.id, speed: 1 });
  await done;
  subscriber.close();
  const start = published[0]!;
  const due = published.map((_, i) => start + (recorded(i) - recorded(0)));
  const mistimed = published.filter((t, i) => Math.abs(t - due[i]!) > 1e-6).length;
  const errors = timingErrors(arrivals, due);
  report({
    figure: 'replay_timing_1kHz',
    replay: replay.id,
    packets,
    ...errors,
    published_times_off_schedule: mistimed,
    start_after_request_ms: round((start - requested) * 1000, 2),
    target_p99_ms: 2,
    load_average_1min: round(loadavg()[0]!, 1),
    met: mistimed === 0 && errors.p99_ms <= 2,
  });
}

/** How far arrivals (wall-clock s) fell from their due times, in ms: the figures replay timing and its floors share. */
function timingErrors(arrivals: readonly number[], due: readonly number[]) {
  const errorsMs = arrivals.map((arrival, i) => (arrival - due[i]!) * 1000);
  const absolute = errorsMs.map(Math.abs);
  return {
    p50_ms: round(percentile(absolute, 50), 2),
    p99_ms: round(percentile(absolute, 99), 2),
    max_ms: round(Math.max(...absolute), 2),
    over_2ms_packets: absolute.filter((e) => e > 2).length,
    early_packets: errorsMs.filter((e) => e < 0).length,
  };
}

/**
 * This machine's floor for replay timing across two processes: `loopbackPinger.ts`, in its own process, sends tiny
 * WebSocket messages at 1 kHz due times (waiting as replay waits) to this process, which times their arrival as the
 * replay figure does. No server, store or frame coding runs, so replay's p99 over this one's is what our code adds.
 */
export async function benchLoopbackFloor(packets = 10_000): Promise<void> {
  const port = await freePort();
  const pinger = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'loopbackPinger.ts'), String(port), String(packets)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    await once(pinger.stdout, 'data');
    const ws = new WebSocket(`ws://127.0.0.1:${port}`);
    const preciseNow = preciseClock();
    const arrivals: number[] = [];
    const due: number[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.on('message', (data: Buffer) => {
        arrivals.push(preciseNow());
        due.push(data.readDoubleLE(0));
        if (arrivals.length === packets) resolve();
      });
    });
    ws.close();
    report({ figure: 'loopback_floor_1kHz', packets, ...timingErrors(arrivals, due), load_average_1min: round(loadavg()[0]!, 1) });
  } finally {
    pinger.kill();
  }
}

/**
 * This machine's floor for replay timing: the replay's own wait (waitWithTimer) for 1 kHz due times, alone in this
 * process, with no server, socket or decoding. Replay cannot be more punctual than this: when this p99 is over 2 ms,
 * other work on the machine (not the server) is stalling processes for that long.
 */
export async function benchTimerFloor(packets = 10_000): Promise<void> {
  const start = monotonicNow() + 1;
  const absolute = new Float64Array(packets);
  for (let i = 0; i < packets; i++) {
    await waitWithTimer(start + i, monotonicNow).done;
    absolute[i] = Math.abs(monotonicNow() - (start + i));
  }
  const errors = Array.from(absolute);
  report({
    figure: 'timer_floor_1kHz',
    packets,
    p50_ms: round(percentile(errors, 50), 2),
    p99_ms: round(percentile(errors, 99), 2),
    max_ms: round(Math.max(...errors), 2),
    over_2ms_packets: errors.filter((e) => e > 2).length,
    load_average_1min: round(loadavg()[0]!, 1),
  });
}
