import WebSocket from 'ws';
import { type Figure, alternate, compare } from '../context.js';
import { median, percentile } from '../stats.js';

/** A /ws/stream socket whose JSON messages are handed to `onMessage`. */
async function openStream(httpUrl: string, onMessage: (message: { type?: string; streaming?: boolean }) => void): Promise<WebSocket> {
  const ws = new WebSocket(`${httpUrl.replace('http', 'ws')}/ws/stream`);
  ws.on('message', (data: Buffer) => onMessage(JSON.parse(data.toString()) as { type?: string; streaming?: boolean }));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return ws;
}

/** The tutorial's ping action answered with a pong: WebSocket round trips, one at a time. */
async function pingRoundTrips(httpUrl: string, count: number): Promise<number[]> {
  let pong: () => void = () => {};
  const ws = await openStream(httpUrl, (message) => message.type === 'pong' && pong());
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await new Promise<void>((resolve) => {
      pong = resolve;
      ws.send('{"action":"ping"}');
    });
    times.push(performance.now() - started);
  }
  ws.close();
  return times;
}

/** The demo stream started with the tutorial's start action: data packets received per second. */
async function demoPacketsPerSecond(httpUrl: string, seconds: number): Promise<number> {
  let packets = 0;
  let started = 0;
  let stopped: () => void = () => {};
  const ws = await openStream(httpUrl, (message: { type?: string; streaming?: boolean }) => {
    if (message.type === 'status' && message.streaming === false) stopped();
    if (message.type !== 'data') return;
    if (packets++ === 0) started = performance.now(); // rate from the first packet on
  });
  ws.send('{"action":"start"}');
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const elapsed = (performance.now() - started) / 1000;
  // Closed once the stop is acknowledged: the reference logs a traceback when its reply finds the socket gone.
  await new Promise<void>((resolve) => {
    stopped = resolve;
    ws.send('{"action":"stop"}');
  });
  ws.close();
  return (packets - 1) / elapsed;
}

/**
 * What the reference's /ws/stream can be compared on: round trips of its ping action, and its demo
 * stream's packet rate (both servers pace the demo at 20 packets/s by design, so ~1x is expected).
 * Publishing, fan-out and publish latency have no counterpart in the reference (oursStreaming.ts).
 */
export const stream: Figure = {
  name: 'stream',
  quick: true,
  async run(ctx) {
    const pings = ctx.quick ? 300 : 1000;
    const rounds = await alternate(ctx.runs, async (server) => {
      const times = await pingRoundTrips(ctx[server].url, pings);
      return { p50: percentile(times, 50), p99: percentile(times, 99) };
    });
    for (const p of ['p50', 'p99'] as const) {
      compare(ctx, {
        figure: `ws_ping_roundtrip_${p}`,
        unit: 'ms',
        better: 'lower',
        ours: median(rounds.ours.map((r) => r[p])),
        reference: median(rounds.reference.map((r) => r[p])),
        runs: ctx.runs,
        pings_per_run: pings,
      });
    }
    const seconds = ctx.quick ? 2 : 4;
    const rates = await alternate(1, (server) => demoPacketsPerSecond(ctx[server].url, seconds));
    compare(ctx, {
      figure: 'demo_stream_packets_per_s',
      unit: 'packets/s',
      better: 'higher',
      ours: rates.ours[0]!,
      reference: rates.reference[0]!,
      runs: 1,
      note: 'both pace the demo at 20 packets/s of 100 points; this checks neither falls behind',
    });
  },
};
