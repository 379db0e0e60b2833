/**
 * Lookback: subscribers joining at random moments (seeded), with history, see every seq exactly once and in order,
 * history first; across a producer's disconnect and reconnect, and after everyone has left, seq never restarts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeDataFrame } from '../common/frames.js';
import { toTypedArray } from '../common/npy/typed.js';
import { seededRandom } from './fuzz/mutate.js';
import { connectProducer } from './helpers/producer.js';
import { DEFAULT_LOOKBACK } from '../server/stream/history.js';
import { type TestServer, startTestServer } from './helpers/server.js';
import { until } from './helpers/wait.js';
import { TestClient } from './helpers/ws.js';

interface Seen {
  seq: number;
  y0: number;
  history: boolean;
  t: number[];
}

/** Everything a subscriber got, JSON or binary, once a ping has been answered (so every earlier packet has arrived). */
async function seen(client: TestClient): Promise<Seen[]> {
  client.send({ action: 'ping' });
  await client.nextOfType('pong');
  return client.received.flatMap((r): Seen[] => {
    if (r.kind === 'binary') {
      const frame = decodeDataFrame(r.data);
      return [
        {
          seq: frame.meta.seq,
          y0: Number(toTypedArray(frame.y)[0]),
          history: frame.meta.history === true,
          t: [...toTypedArray(frame.t!)] as number[],
        },
      ];
    }
    const m = r.message;
    if (m.type !== 'data') return [];
    return [{ seq: m.seq as number, y0: (m.y as number[])[0]!, history: m.history === true, t: m.t as number[] }];
  });
}

function expectSeamless(packets: Seen[], last: number, what: string): void {
  expect(packets.length, what).toBeGreaterThan(0);
  const first = packets[0]!.seq;
  expect(
    packets.map((p) => p.seq),
    what,
  ).toEqual(Array.from({ length: last - first + 1 }, (_, i) => first + i));
  // y[0] is the producer's own running count: seq follows it across reconnects, so it never restarted.
  expect(
    packets.every((p) => p.y0 === p.seq),
    what,
  ).toBe(true);
  const firstLive = packets.findIndex((p) => !p.history);
  expect(
    packets.slice(firstLive === -1 ? packets.length : firstLive).every((p) => !p.history),
    `${what}: history first`,
  ).toBe(true);
  expect(
    packets.every((p) => p.t.length === 1 && Number.isFinite(p.t[0])),
    what,
  ).toBe(true);
}

/** History kept far longer than any test runs: what a subscriber gets must not depend on how fast the machine is. */
const HISTORY_SECONDS = 3600;

describe('lookback seam', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ lookback: { ...DEFAULT_LOOKBACK, seconds: HISTORY_SECONDS } });
  });
  afterAll(() => server.dispose());

  it('subscribers joining at random moments see every seq exactly once, in order, history first', async () => {
    const random = seededRandom(2024);
    // Connected throughout, so the channel (and its history) is kept while a producer reconnects and joins are pending.
    const keeper = await TestClient.connect(server.url, '?channel=seam');
    let producer = await connectProducer(server.url, 'seam');
    const joining: Promise<TestClient>[] = [];
    let sent = 0;
    let reconnects = 0;
    for (let round = 0; round < 60; round++) {
      const burst = 1 + Math.floor(random() * 8);
      for (let i = 0; i < burst; i++) producer.send({ y: [sent++] });
      // Not awaited: the join lands somewhere in the middle of the producer's packets.
      if (random() < 0.35)
        joining.push(TestClient.connect(server.url, `?channel=seam&lookback=${HISTORY_SECONDS}${random() < 0.5 ? '&binary=1' : ''}`));
      if (random() < 0.1) {
        await producer.flush();
        await producer.close();
        producer = await connectProducer(server.url, 'seam');
        reconnects++;
      }
    }
    await producer.flush();
    const clients = await Promise.all(joining);
    expect(clients.length).toBeGreaterThan(10);
    expect(reconnects).toBeGreaterThan(2);
    expectSeamless(await seen(keeper), sent - 1, 'the subscriber connected throughout');
    for (const [i, client] of clients.entries()) expectSeamless(await seen(client), sent - 1, `subscriber ${i}`);
    // Nobody left while subscribers were there, so the history reached back to the first packet for all of them.
    for (const client of clients) expect((await seen(client))[0]!.seq).toBe(0);
    // Some joined before any packet was kept, some with history to catch up on.
    expect((await Promise.all(clients.map(seen))).some((packets) => packets.some((p) => p.history))).toBe(true);

    // Everyone leaves: the channel is retired (its history dropped) but its counters are kept.
    await Promise.all([keeper, ...clients].map((c) => c.close()));
    await producer.close();
    // Closed on our side; retired once the server has handled every close.
    await until(() => server.hub.existing('seam') === undefined);
    const late = await TestClient.connect(server.url, `?channel=seam&lookback=${HISTORY_SECONDS}`);
    producer = await connectProducer(server.url, 'seam');
    producer.send({ y: [sent++] });
    await producer.flush();
    const after = await seen(late);
    expect(after.map((p) => p.seq)).toEqual([sent - 1]);
    expect(after[0]!.history).toBe(false);
    await Promise.all([late.close(), producer.close()]);
  });

  it('a subscriber asking for fewer seconds gets only that much history, then live packets', async () => {
    const producer = await connectProducer(server.url, 'short');
    const keep = await TestClient.connect(server.url, '?channel=short');
    for (let i = 0; i < 5; i++) producer.send({ y: [i] });
    await producer.flush();
    const none = await TestClient.connect(server.url, '?channel=short&lookback=0');
    const all = await TestClient.connect(server.url, `?channel=short&lookback=${HISTORY_SECONDS}`);
    producer.send({ y: [5] });
    await producer.flush();
    expect((await seen(none)).map((p) => [p.seq, p.history])).toEqual([[5, false]]);
    expect((await seen(all)).map((p) => [p.seq, p.history])).toEqual([
      [0, true],
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, false],
    ]);
    await Promise.all([keep.close(), none.close(), all.close(), producer.close()]);
  });
});
