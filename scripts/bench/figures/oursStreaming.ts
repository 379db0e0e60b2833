import WebSocket from 'ws';
import { decodeDataFrame } from '../../../common/frames.js';
import { typedArrayToNpy } from '../../../common/npy/typed.js';
import type { ServerProcess } from '../../../test/helpers/serverProcess.js';
import { type Figure, compare } from '../context.js';
import { percentile, round } from '../stats.js';

type Format = 'json' | 'binary';
const NO_PUBLISH = 'the reference has no publish route: it streams only its own demo';

function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { maxPayload: 64 * 2 ** 20 });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

interface Counter {
  packets: number;
  points: number;
  dropped: number;
  onSeq?: (seq: number) => void;
}

/** A subscriber that decodes every packet as a real client would, counting what it gets. */
async function subscribe(server: ServerProcess, channel: string, format: Format): Promise<{ ws: WebSocket; counter: Counter }> {
  const ws = await openSocket(`${server.url.replace('http', 'ws')}/ws/stream?channel=${channel}`);
  const counter: Counter = { packets: 0, points: 0, dropped: 0 };
  ws.on('message', (data: Buffer, isBinary) => {
    if (isBinary) {
      const frame = decodeDataFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      counter.packets++;
      counter.points += frame.y.header.count;
      counter.onSeq?.(frame.meta.seq);
      return;
    }
    const message = JSON.parse(data.toString()) as { type: string; y?: number[]; seq?: number; count?: number };
    if (message.type === 'data') {
      counter.packets++;
      counter.points += message.y!.length;
      counter.onSeq?.(message.seq!);
    } else if (message.type === 'dropped') counter.dropped += message.count!;
  });
  ws.send(JSON.stringify({ action: 'ping', binary: format === 'binary' }));
  return { ws, counter };
}

/** A producer, once the server has accepted it (its first message; listened for from the start, as it can come with the upgrade). */
async function publisher(server: ServerProcess, channel: string): Promise<WebSocket> {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/publish?channel=${channel}`);
  await new Promise((resolve, reject) => {
    ws.once('message', resolve);
    ws.once('error', reject);
  });
  return ws;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A publisher sending 1000-point float64 packets as fast as the server takes them, to n subscribers. */
async function fanOut(server: ServerProcess, format: Format, subscribers: number, seconds: number) {
  const channel = `fan-${format}-${subscribers}`;
  const subs = await Promise.all(Array.from({ length: subscribers }, () => subscribe(server, channel, format)));
  const pub = await publisher(server, channel);
  const packet = typedArrayToNpy(new Float64Array(1000).map((_, i) => Math.sin(i)));
  await pause(100); // let the format choices arrive
  const started = performance.now();
  let sent = 0;
  while (performance.now() - started < seconds * 1000) {
    if (pub.bufferedAmount > 4 * 2 ** 20) await pause(1);
    else {
      pub.send(packet);
      sent++;
      if (sent % 64 === 0) await new Promise(setImmediate);
    }
  }
  await pause(300); // what is in flight arrives
  const elapsed = (performance.now() - started) / 1000;
  pub.close();
  subs.forEach((s) => s.ws.close());
  const points = subs.map((s) => s.counter.points);
  const perSubscriber = points.reduce((a, b) => a + b, 0) / subscribers / elapsed;
  return {
    published_points_per_s: Math.round((sent * 1000) / elapsed),
    per_subscriber_points_per_s: Math.round(perSubscriber),
    aggregate_points_per_s: Math.round(perSubscriber * subscribers),
    dropped_packets: subs.reduce((a, s) => a + s.counter.dropped, 0),
  };
}

/** Publishing as fast as the server takes it, to 1 and 20 subscribers of each format (ours only). */
export const fanOutFigure: Figure = {
  name: 'fan-out',
  quick: false,
  async run(ctx) {
    for (const subscribers of [1, 20]) {
      const json = await fanOut(ctx.ours, 'json', subscribers, 3);
      const binary = await fanOut(ctx.ours, 'binary', subscribers, 3);
      for (const [format, figures] of [
        ['json', json],
        ['binary', binary],
      ] as const) {
        compare(ctx, {
          figure: `fanout_${subscribers}_subscribers_${format}`,
          unit: 'points/s aggregate',
          better: 'higher',
          ours: figures.aggregate_points_per_s,
          reference: null,
          runs: 1,
          ...figures,
          note: NO_PUBLISH,
        });
      }
    }
  },
};

/** Publish → receive latency at 1 kHz with 100-sample packets, for one subscriber of each format. */
async function latency(server: ServerProcess, format: Format, seconds: number) {
  const channel = `latency-${format}`;
  const sub = await subscribe(server, channel, format);
  const pub = await publisher(server, channel);
  const sentAt: number[] = [];
  const delays: number[] = [];
  sub.counter.onSeq = (seq) => delays.push(performance.now() - sentAt[seq]!);
  const packet = typedArrayToNpy(new Float64Array(100).map((_, i) => Math.cos(i)));
  await pause(100);
  const started = performance.now();
  const total = seconds * 1000;
  while (sentAt.length < total) {
    const due = started + sentAt.length; // one packet per millisecond
    const now = performance.now();
    if (now >= due) {
      sentAt.push(performance.now());
      pub.send(packet);
    } else await new Promise(setImmediate);
  }
  await pause(200);
  pub.close();
  sub.ws.close();
  return { packets: total, received: delays.length, p50_ms: round(percentile(delays, 50), 2), p99_ms: round(percentile(delays, 99), 2) };
}

/** Publish → receive latency at 1 kHz (ours only). */
export const publishLatencyFigure: Figure = {
  name: 'publish latency',
  quick: true,
  async run(ctx) {
    for (const format of ['json', 'binary'] as const) {
      const { p50_ms, p99_ms, ...counts } = await latency(ctx.ours, format, ctx.quick ? 1 : 3);
      compare(ctx, {
        figure: `publish_latency_1kHz_${format}_p99`,
        unit: 'ms',
        better: 'lower',
        ours: p99_ms,
        reference: null,
        runs: 1,
        p50_ms,
        ...counts,
        target: '<= 5 ms',
        met: p99_ms <= 5,
        note: NO_PUBLISH,
      });
    }
  },
};
