/**
 * A soak with peers that read slowly or not at all, while a producer publishes big packets and a
 * reading subscriber must keep getting every one. The caller watches the server's memory; everything
 * here is paced by counts (each packet waits for the reader to get the previous one), not by time.
 */
import WebSocket from 'ws';
import { HANG_MS } from '../helpers/wait.js';
import { encodeNpy } from '../../common/npy/codec.js';
import { dtypeFromName } from '../../common/npy/dtype.js';

export interface SoakOptions {
  readonly channel: string;
  /** Packets to publish, each of `packetValues` float64 values sent as `.npy` bytes. */
  readonly packets: number;
  readonly packetValues: number;
  /** JSON subscribers that never read. */
  readonly nonReaders: number;
  /** JSON subscribers that read one packet, then wait until the reader has two more. */
  readonly slowReaders: number;
  /** Clients that send `floodMessages` pings and bad actions each and never read the replies. */
  readonly flooders: number;
  readonly floodMessages: number;
  /** Called after each packet the reader got, e.g. to sample the server's memory. */
  readonly onPacket?: (received: number) => void;
}

export interface SoakResult {
  published: number;
  /** Packets the reading subscriber got: all of them, or the others were allowed to hold it back. */
  readerReceived: number;
  slowReceived: number;
  flooded: number;
  failures: string[];
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { maxPayload: 256 * 1024 ** 2 });
    socket.once('open', () => resolve(socket)).once('error', reject);
  });
}

export async function soak(baseUrl: string, options: SoakOptions): Promise<SoakResult> {
  const ws = baseUrl.replace(/^http/, 'ws');
  const stream = `${ws}/ws/stream?channel=${options.channel}`;
  const result: SoakResult = { published: 0, readerReceived: 0, slowReceived: 0, flooded: 0, failures: [] };
  const peers: WebSocket[] = [];

  const publisher = await open(`${ws}/ws/publish?channel=${options.channel}`);
  const reader = await open(stream);
  let wake: (() => void) | undefined;
  reader.on('message', (data, isBinary) => {
    if (!isBinary && String(data).startsWith('{"type":"data"')) {
      result.readerReceived++;
      options.onPacket?.(result.readerReceived);
      wake?.();
    }
  });
  for (let i = 0; i < options.nonReaders; i++) {
    const peer = await open(stream);
    peer.pause();
    peers.push(peer);
  }
  const slowPeers: WebSocket[] = [];
  for (let i = 0; i < options.slowReaders; i++) {
    const peer = await open(stream);
    let resumeAt = 0;
    peer.on('message', (_data, isBinary) => {
      if (isBinary) return;
      result.slowReceived++;
      peer.pause();
      resumeAt = result.readerReceived + 2;
    });
    reader.on('message', () => {
      if (peer.isPaused && result.readerReceived >= resumeAt) peer.resume();
    });
    slowPeers.push(peer);
  }
  for (let i = 0; i < options.flooders; i++) {
    const peer = await open(`${stream}-flood`);
    peer.pause();
    const messages = ['{"action":"ping"}', '{"action":"launch"}', '{"action":"ping","binary":"yes"}', 'not json'];
    for (let m = 0; m < options.floodMessages; m++) peer.send(messages[m % messages.length]!);
    result.flooded += options.floodMessages;
    peers.push(peer);
  }

  const values = new Float64Array(options.packetValues).map((_, i) => Math.sin(i / 100));
  const npy = encodeNpy({ dtype: dtypeFromName('float64'), shape: [values.length], data: new Uint8Array(values.buffer) });
  for (let i = 0; i < options.packets; i++) {
    publisher.send(npy);
    result.published++;
    const deadline = Date.now() + HANG_MS;
    while (result.readerReceived < result.published && Date.now() < deadline && reader.readyState === WebSocket.OPEN) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 500);
      });
    }
    if (result.readerReceived < result.published) {
      result.failures.push(`the reading subscriber got ${result.readerReceived} of ${result.published} packets`);
      break;
    }
  }
  for (const peer of [publisher, reader, ...peers, ...slowPeers]) {
    if (peer.readyState !== WebSocket.OPEN) result.failures.push('the server closed a soak peer');
    peer.terminate();
  }
  return result;
}
