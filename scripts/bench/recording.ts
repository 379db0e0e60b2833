/**
 * Recording and replay figures: a recording keeps up with 1 M samples/s on one channel in 1,000-sample packets
 * (target: nothing lost), and replay publishes packets recorded at 1 kHz on time (target: p99 timing error ≤ 2 ms).
 */
import { loadavg } from 'node:os';
import WebSocket from 'ws';
import { decodeDataFrame, encodeFrame } from '../../common/frames.js';
import type { RecordingInfo, ReplayInfo } from '../../common/protocol.js';
import { toTypedArray, typedArrayToNpy } from '../../common/npy/typed.js';
import type { ServerProcess } from '../../test/helpers/serverProcess.js';
import { percentile, report, round } from './stats.js';

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
async function producer(server: ServerProcess, channel: string): Promise<{ ws: WebSocket; flush: () => Promise<void> }> {
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

export async function benchRecording(server: ServerProcess, seconds = 5): Promise<void> {
  const recording = await post<RecordingInfo>(`${server.url}/recordings`, { channels: ['bench.rec'], name: 'bench' });
  const { ws, flush } = await producer(server, 'bench.rec');
  const packet = typedArrayToNpy(Float64Array.from({ length: PACKET }, (_, i) => Math.sin(i / 10)));
  const packetsPerSecond = TARGET_SAMPLES_PER_S / PACKET;
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * packetsPerSecond);
    while (sent < due) {
      ws.send(packet);
      sent++;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await flush();
  const elapsed = (performance.now() - started) / 1000;
  const stopStarted = performance.now();
  const stopped = await post<RecordingInfo>(`${server.url}/recordings/${recording.id}/stop`);
  const exportSeconds = (performance.now() - stopStarted) / 1000;
  ws.close();
  const recordedSamples = stopped.packets * PACKET;
  report({
    figure: 'recording_1M_samples_per_s',
    offered_samples_per_s: Math.round((sent * PACKET) / elapsed),
    recorded_samples_per_s: Math.round(recordedSamples / elapsed),
    target_samples_per_s: TARGET_SAMPLES_PER_S,
    ratio_to_target: round(recordedSamples / elapsed / TARGET_SAMPLES_PER_S, 3),
    packets_sent: sent,
    packets_recorded: stopped.packets,
    lost: stopped.lost,
    log_MB: round(stopped.bytes / 2 ** 20),
    stop_and_export_s: round(exportSeconds, 2),
    load_average_1min: round(loadavg()[0]!, 1),
    met: stopped.lost === 0 && stopped.packets === sent && recordedSamples / elapsed >= 0.95 * TARGET_SAMPLES_PER_S,
  });
}

export async function benchReplayTiming(server: ServerProcess, packets = 3000): Promise<void> {
  // A 1 kHz recording made without waiting: each packet carries its own sample time.
  const recording = await post<RecordingInfo>(`${server.url}/recordings`, { channels: ['bench.khz'], name: 'bench-1kHz' });
  const { ws, flush } = await producer(server, 'bench.khz');
  const y = typedArrayToNpy(new Float32Array([1]));
  for (let i = 0; i < packets; i++) ws.send(encodeFrame({}, [y, typedArrayToNpy(new Float64Array([1000 + i / 1000]))]));
  await flush();
  ws.close();
  await post(`${server.url}/recordings/${recording.id}/stop`);

  const subscriber = new WebSocket(`${server.url.replace('http', 'ws')}/ws/stream?channel=replay.bench.khz&binary=1`);
  await new Promise((resolve) => subscriber.once('open', resolve));
  const errorsMs: number[] = [];
  const done = new Promise<void>((resolve) => {
    subscriber.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      const received = Date.now() / 1000;
      const frame = decodeDataFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      // t is the recorded time shifted to the replay's start: when the packet was due.
      errorsMs.push((received - Number(toTypedArray(frame.t!)[0])) * 1000);
      if (errorsMs.length === packets) resolve();
    });
  });
  const replay = await post<ReplayInfo>(`${server.url}/replay`, { recording: recording.id, speed: 1 });
  await done;
  subscriber.close();
  const absolute = errorsMs.map(Math.abs);
  report({
    figure: 'replay_timing_1kHz',
    replay: replay.id,
    packets,
    p50_ms: round(percentile(absolute, 50), 2),
    p99_ms: round(percentile(absolute, 99), 2),
    max_ms: round(Math.max(...absolute), 2),
    target_p99_ms: 2,
    load_average_1min: round(loadavg()[0]!, 1),
    met: percentile(absolute, 99) <= 2,
  });
}
